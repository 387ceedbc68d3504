//! Declared `arguments`, before names are resolved. In sloppy code a script
//! or a function may declare a binding named `arguments` (`var arguments`,
//! a parameter, a function); inside a nested function that is not an arrow,
//! `arguments` is still that function's own object. SWC's resolver binds
//! such a use to the outer declaration, so the declaring scope's
//! `arguments` is renamed (`arguments$$own1`), in itself and its arrows; a
//! `var` of it in a function starts as the arguments object, as the one
//! binding it is in the language.

use std::collections::HashSet;

use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::*;

const NAME: &str = "arguments";

pub fn run(script: &mut Script) {
    let mut own = Own(0);
    script.body.visit_mut_with(&mut own);
    // (A top-level `var arguments` starts undefined: node's would be its
    // module wrapper's arguments, which things-js does not have.)
    own.scope(&mut [], &mut script.body, false);
}

/// Counts the scopes renamed (each gets a name of its own).
struct Own(usize);

impl Own {
    /// Renames `arguments` in a scope that declares it; `function` says
    /// whether the scope has an arguments object.
    fn scope(&mut self, params: &mut [&mut Pat], body: &mut Vec<Stmt>, function: bool) {
        // (Strict code cannot declare `arguments`.)
        if has_use_strict(body) {
            return;
        }
        let mut declared = Vec::new();
        for p in params.iter() {
            pattern_bindings(p, &mut declared);
        }
        let by_param = declared.iter().any(|id| &*id.0 == NAME);
        let mut vars = Vec::new();
        collect_vars(body, &mut vars);
        let by_var = vars.iter().any(|id| &*id.0 == NAME);
        collect_lexical(body, &mut declared);
        let otherwise = declared.iter().any(|id| &*id.0 == NAME);
        if !by_var && !otherwise {
            return;
        }
        self.0 += 1;
        let renamed = format!("{NAME}$$own{}", self.0);
        let names: HashSet<String> = [NAME.to_string()].into();
        let to = |_: &str| renamed.clone();
        let mut rename = Rename {
            names: &names,
            to: &to,
            own_only: true,
        };
        for p in params.iter_mut() {
            p.visit_mut_with(&mut rename);
        }
        body.visit_mut_with(&mut rename);
        if function && by_var && !by_param && !otherwise {
            let at = body.iter().take_while(|s| is_directive(s)).count();
            body.insert(
                at,
                var_decl(
                    VarDeclKind::Var,
                    vec![(binding(&renamed), Some(ident_expr(NAME)))],
                ),
            );
        }
    }
}

impl VisitMut for Own {
    fn visit_mut_function(&mut self, f: &mut Function) {
        f.visit_mut_children_with(self);
        if let Some(body) = f.body.as_mut() {
            let mut params: Vec<&mut Pat> = f.params.iter_mut().map(|p| &mut p.pat).collect();
            self.scope(&mut params, &mut body.stmts, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn a_declared_arguments_is_renamed_where_it_is_the_declared_one() {
        let out = parsed("var arguments; ({ arguments = 4 } = o); function f() { return arguments; } const g = () => arguments;");
        assert!(
            out.contains("var arguments$$own1; ({ arguments: arguments$$own1 = 4 } = o); function f() { return arguments; } const g = ()=>arguments$$own1;"),
            "{out}"
        );
        let out = parsed("function f() { var arguments; return () => arguments; }");
        assert!(out.contains("function f() { var arguments$$own1 = arguments; var arguments$$own1; return ()=>arguments$$own1; }"), "{out}");
        let out = parsed("function h(arguments) { return () => arguments; }");
        assert!(
            out.contains("function h(arguments$$own1) { return ()=>arguments$$own1; }"),
            "{out}"
        );
        let plain = parsed("function k() { return arguments; }");
        assert!(plain.contains("return arguments;"), "{plain}");
    }
}
