//! Parameters that hold closures move into the body. A closure made in a
//! parameter default (`function g(a, b = () => a)`) would be lifted with the
//! function's scope object as its environment, and that object is made by
//! the body, after the parameters: so the parameters are read from plain
//! ones instead, and declared as the body's first statement, where the
//! scope object exists.
//!
//! `function g(a, {x} = {}, ...r) { body }` becomes
//! `function g($$param0, ...$$params) { let a = $$param0, { 0: {x} = {} } = $$params, r = $$params.slice(1); body }`:
//! the parameters before the first default or rest stay parameters (so
//! `g.length` is kept), and `let` keeps their order of evaluation and their
//! temporal dead zone (`(a = b, b) => ...` still throws).
//!
//! Left as they are: generators (their parameters are evaluated when they
//! are called, their body only at the first `next`), native async functions,
//! setters (exactly one parameter), and functions whose body declares a name
//! the parameters use or declare (the parameters' scope would see the body's).

use std::collections::HashSet;

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::*;

const FIRST: &str = "$$param";
const REST: &str = "$$params";

pub fn run(script: &mut Script) {
    script.visit_mut_with(&mut Move);
}

struct Move;

impl VisitMut for Move {
    fn visit_mut_function(&mut self, f: &mut Function) {
        f.visit_mut_children_with(self);
        if f.is_generator || f.is_async {
            return;
        }
        let Some(body) = f.body.as_mut() else { return };
        let pats: Vec<Pat> = f.params.iter().map(|p| p.pat.clone()).collect();
        if let Some((params, decl)) = moved(&pats, &body.stmts) {
            f.params = params.into_iter().map(Param::from).collect();
            body.stmts.insert(0, decl);
        }
    }

    fn visit_mut_constructor(&mut self, c: &mut Constructor) {
        c.visit_mut_children_with(self);
        let Some(body) = c.body.as_mut() else { return };
        let pats: Option<Vec<Pat>> = c
            .params
            .iter()
            .map(|p| match p {
                ParamOrTsParamProp::Param(p) => Some(p.pat.clone()),
                ParamOrTsParamProp::TsParamProp(_) => None,
            })
            .collect();
        let Some(pats) = pats else { return };
        if let Some((params, decl)) = moved(&pats, &body.stmts) {
            c.params = params
                .into_iter()
                .map(|p| ParamOrTsParamProp::Param(Param::from(p)))
                .collect();
            body.stmts.insert(0, decl);
        }
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        a.visit_mut_children_with(self);
        if a.is_async || a.is_generator {
            return;
        }
        let body = match &*a.body {
            ArrowFunctionBody::FunctionBody(b) => b.stmts.clone(),
            ArrowFunctionBody::Expr(_) => vec![],
        };
        if let Some((params, decl)) = moved(&a.params, &body) {
            let mut stmts = take_arrow_body(a);
            stmts.insert(0, decl);
            a.params = params;
            *a.body = ArrowFunctionBody::FunctionBody(FunctionBody {
                span: DUMMY_SP,
                stmts,
            });
        }
    }

    // A setter has exactly one parameter: it stays.
    fn visit_mut_setter_prop(&mut self, s: &mut SetterProp) {
        s.key.visit_mut_with(self);
        s.function.visit_mut_children_with(self);
    }

    fn visit_mut_class_method(&mut self, m: &mut ClassMethod) {
        if m.kind == MethodKind::Setter {
            m.key.visit_mut_with(self);
            m.function.visit_mut_children_with(self);
        } else {
            m.visit_mut_children_with(self);
        }
    }

    fn visit_mut_private_method(&mut self, m: &mut PrivateMethod) {
        if m.kind == MethodKind::Setter {
            m.function.visit_mut_children_with(self);
        } else {
            m.visit_mut_children_with(self);
        }
    }
}

/// The new parameter list and the body's first statement, if `params`
/// should move.
fn moved(params: &[Pat], body: &[Stmt]) -> Option<(Vec<Pat>, Stmt)> {
    if !params.iter().any(makes_closure) || !apart(params, body) {
        return None;
    }
    let kept = params
        .iter()
        .take_while(|p| !matches!(p, Pat::Assign(_) | Pat::Rest(_)))
        .count();
    let mut new_params: Vec<Pat> = (0..kept).map(|i| binding(&format!("{FIRST}{i}"))).collect();
    if kept < params.len() {
        new_params.push(Pat::Rest(RestPat {
            span: DUMMY_SP,
            dot3_token: DUMMY_SP,
            arg: Box::new(binding(REST)),
            type_ann: None,
        }));
    }
    // `let a = $$param0, { 0: b = () => a, 1: {x} } = $$params, r = $$params.slice(2)`:
    // a default is a destructuring default, so a function there is named
    // after its parameter as before.
    let mut decls: Vec<(Pat, Option<Box<Expr>>)> = params[..kept]
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), Some(ident_expr(&format!("{FIRST}{i}")))))
        .collect();
    let (rest, given): (Vec<&Pat>, Vec<&Pat>) = params[kept..]
        .iter()
        .partition(|p| matches!(p, Pat::Rest(_)));
    if !given.is_empty() {
        let props = given
            .iter()
            .enumerate()
            .map(|(k, p)| {
                ObjectPatProp::KeyValue(KeyValuePatProp {
                    key: PropName::Num(Number::from(k as f64)),
                    value: Box::new((*p).clone()),
                })
            })
            .collect();
        let pattern = Pat::Object(ObjectPat {
            span: DUMMY_SP,
            props,
            optional: false,
            type_ann: None,
        });
        decls.push((pattern, Some(ident_expr(REST))));
    }
    if let Some(Pat::Rest(r)) = rest.first() {
        decls.push((*r.arg.clone(), Some(slice_from(given.len()))));
    }
    Some((new_params, var_decl(VarDeclKind::Let, decls)))
}

/// `$$params.slice(k)`
fn slice_from(k: usize) -> Box<Expr> {
    call(member_expr(ident_expr(REST), "slice"), vec![num(k as f64)])
}

/// Whether a parameter makes a function, arrow or class when it is bound.
fn makes_closure(p: &Pat) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_function(&mut self, _: &Function) {
            self.0 = true;
        }
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {
            self.0 = true;
        }
        fn visit_class(&mut self, _: &Class) {
            self.0 = true;
        }
    }
    let mut f = Finder(false);
    p.visit_with(&mut f);
    f.0
}

/// Whether no name the body declares is one the parameters use or declare.
fn apart(params: &[Pat], body: &[Stmt]) -> bool {
    let mut declared = Vec::new();
    collect_vars(body, &mut declared);
    collect_lexical(body, &mut declared);
    let declared: HashSet<String> = declared.into_iter().map(|id| id.0.to_string()).collect();
    struct Names<'a>(&'a HashSet<String>, bool);
    impl Visit for Names<'_> {
        fn visit_ident(&mut self, i: &Ident) {
            self.1 |= self.0.contains(&*i.sym);
        }
    }
    let mut names = Names(&declared, false);
    params.visit_with(&mut names);
    !names.1
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    fn moved(source: &str) -> String {
        squash(&with_script(source, |script| {
            super::run(script);
            print(std::mem::take(&mut script.body))
        }))
    }

    #[test]
    fn parameters_with_closures_are_declared_in_the_body() {
        let out = moved("function g(a, b = () => a, ...r) { return b(); }");
        assert!(out.contains("function g($$param0, ...$$params) { let a = $$param0, { 0: b = ()=>a } = $$params, r = $$params.slice(1);"), "{out}");
        let out = moved("const f = ({ x } = {}, cb = function () { return x; }) => cb();");
        assert!(
            out.contains(
                "(...$$params)=>{ let { 0: { x } = {}, 1: cb = function() { return x; } } = $$params;"
            ),
            "{out}"
        );
        assert!(out.contains("return cb(); }"), "{out}");
    }

    #[test]
    fn other_parameters_stay() {
        for src in [
            "function g(a, b = 1) { return a + b; }",
            "function* g(a, b = () => a) { yield b(); }",
            "function g(a, b = () => a) { var a; return b(); }",
            "function g(a = () => h) { function h() {} }",
            "const o = { set v(x = () => 1) {} };",
            "class C { set v(x = () => 1) {} static set #w(y = () => 2) {} }",
        ] {
            let out = moved(src);
            assert!(!out.contains("$$param"), "{src} -> {out}");
        }
    }
}
