//! Capture analysis: which bindings are referenced from a function other than
//! the one that declares them. Those live in scope objects; every other
//! binding stays a plain local.

use std::collections::{HashMap, HashSet};

use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

pub struct Analysis {
    /// Bindings that must live in a scope object.
    pub captured: HashSet<Id>,
}

pub fn run(script: &Script) -> Analysis {
    let mut v = Analyzer::default();
    v.frames.push(0);
    v.next = 1;
    script.visit_with(&mut v);
    let captured = v
        .uses
        .iter()
        .filter(|(id, frame)| v.declared.get(id).is_some_and(|d| d != frame))
        .map(|(id, _)| id.clone())
        .collect();
    Analysis { captured }
}

#[derive(Default)]
struct Analyzer {
    /// The functions enclosing the current point, by index (0 is the program).
    frames: Vec<usize>,
    next: usize,
    declared: HashMap<Id, usize>,
    uses: Vec<(Id, usize)>,
}

impl Analyzer {
    fn current(&self) -> usize {
        *self.frames.last().expect("program frame")
    }

    fn enter(&mut self) {
        self.frames.push(self.next);
        self.next += 1;
    }

    fn declare(&mut self, id: &Ident) {
        let frame = self.current();
        self.declared.entry(id.to_id()).or_insert(frame);
    }

    fn frame<N: VisitWith<Self>>(&mut self, node: &N) {
        self.enter();
        node.visit_children_with(self);
        self.frames.pop();
    }
}

impl Visit for Analyzer {
    fn visit_function(&mut self, n: &Function) {
        self.frame(n);
    }
    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        self.frame(n);
    }
    fn visit_constructor(&mut self, n: &Constructor) {
        self.frame(n);
    }
    fn visit_class_expr(&mut self, n: &ClassExpr) {
        n.class.super_class.visit_with(self);
        self.enter();
        if let Some(id) = &n.ident {
            self.declare(id);
        }
        n.class.body.visit_with(self);
        self.frames.pop();
    }
    fn visit_class_decl(&mut self, n: &ClassDecl) {
        self.declare(&n.ident);
        n.class.super_class.visit_with(self);
        self.enter();
        n.class.body.visit_with(self);
        self.frames.pop();
    }
    fn visit_class_prop(&mut self, n: &ClassProp) {
        n.key.visit_with(self);
        self.enter();
        n.value.visit_with(self);
        self.frames.pop();
    }
    fn visit_private_prop(&mut self, n: &PrivateProp) {
        self.enter();
        n.value.visit_with(self);
        self.frames.pop();
    }
    fn visit_static_block(&mut self, n: &StaticBlock) {
        self.frame(n);
    }
    fn visit_fn_decl(&mut self, n: &FnDecl) {
        self.declare(&n.ident);
        n.function.visit_with(self);
    }
    fn visit_fn_expr(&mut self, n: &FnExpr) {
        self.enter();
        if let Some(id) = &n.ident {
            self.declare(id);
        }
        n.function.visit_children_with(self);
        self.frames.pop();
    }
    fn visit_binding_ident(&mut self, n: &BindingIdent) {
        self.declare(&n.id);
        self.uses.push((n.id.to_id(), self.current()));
    }
    fn visit_ident(&mut self, n: &Ident) {
        self.uses.push((n.to_id(), self.current()));
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::with_script;

    fn captured(source: &str) -> Vec<String> {
        with_script(source, |s| {
            let mut names: Vec<String> = super::run(s)
                .captured
                .iter()
                .map(|id| id.0.to_string())
                .collect();
            names.sort();
            names
        })
    }

    #[test]
    fn only_bindings_used_by_another_function_are_captured() {
        assert_eq!(
            captured("function f() { let a = 1, b = 2; b++; return () => a; }"),
            ["a"]
        );
    }

    #[test]
    fn top_level_bindings_read_by_functions_are_captured_and_others_not() {
        assert_eq!(
            captured("let n = 0; const k = 2; function inc() { n += 1; } inc(); k;"),
            ["n"]
        );
    }

    #[test]
    fn class_field_initializers_capture_like_functions() {
        assert_eq!(captured("let seed = 3; class A { x = seed; }"), ["seed"]);
    }
}
