//! Block-level generator and async function declarations in sloppy code,
//! before names are resolved. Annex B makes a plain function declared in a
//! block also a variable of the enclosing function; a generator or async
//! function stays the block's, like a `let`. SWC's resolver treats all of
//! them alike, so such a declaration is renamed within its block
//! (`x$$block1`): outside it, the name is what it was (often not defined, as
//! in node).

use std::collections::HashSet;

use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::{has_use_strict, Rename};

pub fn run(script: &mut Script, strict: bool) {
    script.visit_mut_with(&mut Blocks {
        strict: vec![strict],
        renamed: 0,
    });
}

struct Blocks {
    /// Whether the code being visited is strict, innermost last.
    strict: Vec<bool>,
    renamed: usize,
}

impl Blocks {
    fn in_code<N: VisitMutWith<Self>>(&mut self, strict: bool, node: &mut N) {
        let outer = *self.strict.last().expect("the script's");
        self.strict.push(outer || strict);
        node.visit_mut_children_with(self);
        self.strict.pop();
    }

    /// Renames, in `lists` (one block's statements), the generator and async
    /// functions declared directly in them.
    fn scope(&mut self, lists: &mut [&mut Vec<Stmt>]) {
        if *self.strict.last().expect("the script's") {
            return;
        }
        let names: HashSet<String> = lists
            .iter()
            .flat_map(|stmts| stmts.iter())
            .filter_map(|s| match s {
                Stmt::Decl(Decl::Fn(f)) if f.function.is_generator || f.function.is_async => {
                    Some(f.ident.sym.to_string())
                }
                _ => None,
            })
            .collect();
        if names.is_empty() {
            return;
        }
        self.renamed += 1;
        let n = self.renamed;
        let to = |name: &str| format!("{name}$$block{n}");
        for stmts in lists {
            stmts.visit_mut_with(&mut Rename::all(&names, &to));
        }
    }
}

impl VisitMut for Blocks {
    fn visit_mut_function(&mut self, f: &mut Function) {
        let strict = f.body.as_ref().is_some_and(|b| has_use_strict(&b.stmts));
        self.in_code(strict, f);
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        let strict =
            matches!(&*a.body, ArrowFunctionBody::FunctionBody(b) if has_use_strict(&b.stmts));
        self.in_code(strict, a);
    }

    fn visit_mut_class(&mut self, c: &mut Class) {
        self.in_code(true, c);
    }

    fn visit_mut_block_stmt(&mut self, b: &mut BlockStmt) {
        b.visit_mut_children_with(self);
        self.scope(&mut [&mut b.stmts]);
    }

    fn visit_mut_switch_stmt(&mut self, s: &mut SwitchStmt) {
        s.visit_mut_children_with(self);
        // (The cases share one block.)
        let mut lists: Vec<&mut Vec<Stmt>> = s.cases.iter_mut().map(|c| &mut c.cons).collect();
        self.scope(&mut lists);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn sloppy_block_generators_and_async_functions_stay_in_their_block() {
        let out = parsed("{ function* g() {} async function a() {} function f() {} g(); } g; f;");
        assert!(out.contains("{ function* g$$block1() {} async function a$$block1() {} function f() {} g$$block1(); }g; f;"), "{out}");
        let out = parsed("switch (0) { case 0: async function* x() {} default: x(); }");
        assert!(
            out.contains("case 0: async function* x$$block1() {} default: x$$block1();"),
            "{out}"
        );
        let strict = parsed("'use strict'; { function* g() {} }");
        assert!(strict.contains("function* g()"), "{strict}");
    }
}
