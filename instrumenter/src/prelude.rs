//! The prelude: JavaScript put in front of the program and instrumented with
//! it, so that a capture can stop inside. prelude.js has Array methods that
//! call back (a capture can happen inside their callbacks); a program gets
//! only the methods its text names: one that does not name `sort` cannot
//! call it but through a computed name, which reaches the engine's own
//! (correct too; a capture then waits for it to return). Each method kept
//! costs start-up. prelude_delegate.js has the loop of an async generator's
//! `yield*`, put in front of programs whose text has a `yield*`;
//! prelude_using.js the disposal of `using` declarations (using.rs), in front
//! of programs whose text has `using`.

use swc_common::{sync::Lrc, SourceMap};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

const SOURCE: &str = include_str!("prelude.js");
const DELEGATE_SOURCE: &str = include_str!("prelude_delegate.js");
const USING_SOURCE: &str = include_str!("prelude_using.js");

/// The generator function prelude_delegate.js declares.
pub const ASYNC_DELEGATE: &str = "$$asyncDelegate";

/// The methods the prelude defines (the keys of its `methods` object).
const METHODS: &[&str] = &[
    "forEach",
    "map",
    "filter",
    "some",
    "every",
    "reduce",
    "reduceRight",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "flatMap",
    "sort",
    "toSorted",
];

/// Helpers only the sorting methods use.
const SORTING: &[&str] = &["comparator", "before", "mergeSort", "sortedValues"];

/// The prelude's statements for a program with this source text.
pub fn statements(cm: &Lrc<SourceMap>, program: &str) -> Vec<Stmt> {
    let mut stmts = array_methods(cm, program);
    stmts.extend(helpers(cm, program));
    stmts
}

/// The helpers of `yield*` in async generators and of `using`, if the text
/// has them (a function made from text at run time gets only these: the
/// program installed the Array methods).
pub fn helpers(cm: &Lrc<SourceMap>, program: &str) -> Vec<Stmt> {
    let mut stmts = Vec::new();
    if delegates(program) {
        let script = crate::parse::unresolved(cm, DELEGATE_SOURCE, "things-js:prelude_delegate.js")
            .expect("the prelude parses");
        stmts.extend(script.body);
    }
    if program.contains("using") {
        let script = crate::parse::unresolved(cm, USING_SOURCE, "things-js:prelude_using.js")
            .expect("the prelude parses");
        stmts.extend(script.body);
    }
    stmts
}

/// The Array methods the program names (none if it names none).
fn array_methods(cm: &Lrc<SourceMap>, program: &str) -> Vec<Stmt> {
    let wanted: Vec<&str> = METHODS
        .iter()
        .copied()
        .filter(|m| program.contains(m))
        .collect();
    if wanted.is_empty() {
        return vec![];
    }
    let mut script =
        crate::parse::unresolved(cm, SOURCE, "things-js:prelude.js").expect("the prelude parses");
    let sorting = wanted.iter().any(|m| matches!(*m, "sort" | "toSorted"));
    script.visit_mut_with(&mut Keep { wanted, sorting });
    script.body
}

/// Whether the text has `yield` followed by `*` (spaces between allowed).
fn delegates(program: &str) -> bool {
    program
        .match_indices("yield")
        .any(|(i, w)| program[i + w.len()..].trim_start().starts_with('*'))
}

struct Keep<'a> {
    wanted: Vec<&'a str>,
    sorting: bool,
}

fn method_name(p: &PropOrSpread) -> Option<&str> {
    match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::Method(m) => match &m.key {
                PropName::Ident(i) => Some(&i.sym),
                _ => None,
            },
            _ => None,
        },
        PropOrSpread::Spread(_) => None,
    }
}

impl VisitMut for Keep<'_> {
    fn visit_mut_object_lit(&mut self, o: &mut ObjectLit) {
        o.props
            .retain(|p| method_name(p).is_none_or(|name| self.wanted.contains(&name)));
        o.visit_mut_children_with(self);
    }
    fn visit_mut_var_decl(&mut self, v: &mut VarDecl) {
        if !self.sorting {
            v.decls
                .retain(|d| !matches!(&d.name, Pat::Ident(b) if SORTING.contains(&&*b.id.sym)));
        }
        v.visit_mut_children_with(self);
    }
    fn visit_mut_stmts(&mut self, stmts: &mut Vec<Stmt>) {
        stmts.visit_mut_children_with(self);
        stmts.retain(|s| !matches!(s, Stmt::Decl(Decl::Var(v)) if v.decls.is_empty()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::print;

    fn kept(program: &str) -> String {
        swc_common::GLOBALS.set(&Default::default(), || {
            print(statements(&Default::default(), program))
        })
    }

    #[test]
    fn a_program_gets_the_methods_it_names() {
        assert_eq!(kept("console.log(1)"), "");
        let code = kept("xs.reduce((a, b) => a + b)");
        assert!(code.contains("reduce (callbackfn)"), "{code}");
        assert!(
            !code.contains("forEach (") && !code.contains("mergeSort"),
            "{code}"
        );
        assert!(kept("xs.toSorted()").contains("mergeSort"));
    }

    #[test]
    fn a_program_with_yield_star_gets_the_delegation_loop() {
        assert!(!kept("function* g() { yield 1; }").contains("$$asyncDelegate"));
        assert!(kept("async function* g() { yield *h(); }").contains("function* $$asyncDelegate"));
    }

    #[test]
    fn the_list_of_methods_is_the_preludes() {
        let all = kept(&METHODS.join(" "));
        for m in METHODS {
            assert!(
                all.contains(&format!(" {m} (")),
                "{m} missing from prelude.js"
            );
        }
    }
}
