//! Parameter scopes, before names are resolved: a function whose parameters
//! run code (a default, a computed key) has its body's declarations in a
//! scope of their own, which its parameters do not see (`function f(g = ()
//! => x) { var x; }`: `g` reads the outer `x`). SWC's resolver gives the
//! parameters and the body one scope, so a body declaration of a name the
//! parameters use or declare is renamed in the body (`x$$body1`); one that
//! shares a parameter's name starts with the parameter's value, as in the
//! language. Then `params` can move the parameters into the body.
//!
//! Left as they are: bodies calling `eval` directly (their code names the
//! body's bindings by name), and `arguments`.

use std::collections::HashSet;

use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::*;

pub fn run(script: &mut Script) {
    script.visit_mut_with(&mut Apart(0));
}

/// Counts the bodies renamed: each gets names of its own (`x$$body1`), so a
/// nested function's renamed body cannot meet its parameters' renamed names.
struct Apart(usize);

impl VisitMut for Apart {
    fn visit_mut_function(&mut self, f: &mut Function) {
        f.visit_mut_children_with(self);
        if let Some(body) = f.body.as_mut() {
            let params: Vec<&Pat> = f.params.iter().map(|p| &p.pat).collect();
            self.separate(&params, &mut body.stmts);
        }
    }

    fn visit_mut_constructor(&mut self, c: &mut Constructor) {
        c.visit_mut_children_with(self);
        if let Some(body) = c.body.as_mut() {
            let params: Vec<&Pat> = c
                .params
                .iter()
                .filter_map(|p| match p {
                    ParamOrTsParamProp::Param(p) => Some(&p.pat),
                    ParamOrTsParamProp::TsParamProp(_) => None,
                })
                .collect();
            self.separate(&params, &mut body.stmts);
        }
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        a.visit_mut_children_with(self);
        if let ArrowFunctionBody::FunctionBody(body) = &mut *a.body {
            let params: Vec<&Pat> = a.params.iter().collect();
            self.separate(&params, &mut body.stmts);
        }
    }
}

impl Apart {
    fn separate(&mut self, params: &[&Pat], body: &mut Vec<Stmt>) {
        if !params.iter().any(|p| runs_code(p)) || calls_eval(body) {
            return;
        }
        let mut declared = Vec::new();
        collect_vars(body, &mut declared);
        let vars: HashSet<String> = declared.iter().map(|id| id.0.to_string()).collect();
        collect_lexical(body, &mut declared);
        let mut own = Vec::new();
        for p in params {
            pattern_bindings(p, &mut own);
        }
        let own: HashSet<String> = own.into_iter().map(|id| id.0.to_string()).collect();
        let mut used = Names(HashSet::new());
        for p in params {
            p.visit_with(&mut used);
        }
        let clash: HashSet<String> = declared
            .into_iter()
            .map(|id| id.0.to_string())
            .filter(|n| (used.0.contains(n) || own.contains(n)) && n != "arguments")
            .collect();
        if clash.is_empty() {
            return;
        }
        self.0 += 1;
        let renamed = |name: &str| format!("{name}$$body{}", self.0);
        body.visit_mut_with(&mut Rename::all(&clash, &renamed));
        // (A body `var` of a parameter's name starts with its value.)
        let at = body.iter().take_while(|s| is_directive(s)).count();
        let mut inherited: Vec<&String> = clash
            .iter()
            .filter(|n| own.contains(*n) && vars.contains(*n))
            .collect();
        inherited.sort();
        for name in inherited {
            body.insert(
                at,
                var_decl(
                    VarDeclKind::Var,
                    vec![(binding(&renamed(name)), Some(ident_expr(name)))],
                ),
            );
        }
    }
}

/// A default value or a computed key: the parameters get a scope of their own.
fn runs_code(p: &Pat) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_assign_pat(&mut self, _: &AssignPat) {
            self.0 = true;
        }
        fn visit_assign_pat_prop(&mut self, p: &AssignPatProp) {
            self.0 |= p.value.is_some();
        }
        fn visit_computed_prop_name(&mut self, _: &ComputedPropName) {
            self.0 = true;
        }
    }
    let mut f = Finder(false);
    p.visit_with(&mut f);
    f.0
}

/// Every identifier named (bindings and references).
struct Names(HashSet<String>);

impl Visit for Names {
    fn visit_ident(&mut self, i: &Ident) {
        self.0.insert(i.sym.to_string());
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn body_declarations_the_parameters_see_are_renamed_in_the_body() {
        let out = parsed("function f(a, g = () => x + a) { var x = 1, a; let { x: y } = o; return { x, a, y }; }");
        assert!(
            out.contains("function f(a, g = ()=>x + a) { var a$$body1 = a; var x$$body1 = 1, a$$body1; let { x: y } = o; return { x: x$$body1, a: a$$body1, y }; }"),
            "{out}"
        );
    }

    #[test]
    fn bodies_without_parameter_code_or_with_eval_keep_their_names() {
        let plain = "function f(a) { var a = 1; return a; }";
        assert!(parsed(plain).contains("var a = 1; return a;"));
        let evals = "function f(g = () => x) { var x = eval('1'); return x; }";
        assert!(parsed(evals).contains("var x = eval('1'); return x;"));
    }

    #[test]
    fn nested_bodies_get_names_of_their_own() {
        let out = parsed("function o(a = () => x) { var x; function i(b = () => x) { var x; } }");
        assert!(
            out.contains("function i(b = ()=>x$$body2) { var x$$body1; }"),
            "{out}"
        );
    }
}
