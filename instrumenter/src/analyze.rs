//! Capture analysis: which bindings are referenced from a function other than
//! the one that declares them. Those live in scope objects; every other
//! binding stays a plain local.

use std::collections::{HashMap, HashSet};

use swc_common::{BytePos, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

pub struct Analysis {
    /// Bindings that must live in a scope object.
    pub captured: HashSet<Id>,
    /// `const` bindings: assigning one throws.
    pub consts: HashSet<Id>,
    /// Function and class expressions' own names: assigning one throws in
    /// strict code and does nothing in sloppy code.
    pub own_names: HashSet<Id>,
    /// Captured `let`/`const` bindings another function may read before
    /// their declaration has run (it is hoisted, or made before the
    /// declaration, and code that could call it runs first): their scope
    /// object slots throw until then.
    pub dead_zone: HashSet<Id>,
}

pub fn run(script: &Script) -> Analysis {
    let mut v = Analyzer::default();
    v.frames.push(0);
    v.parents.push(0);
    v.starts.push(BytePos(0));
    v.hoisted.push(false);
    v.next = 1;
    script.visit_with(&mut v);
    let captured = v
        .uses
        .iter()
        .filter(|(id, frame)| v.declared.get(id).is_some_and(|d| d != frame))
        .map(|(id, _)| id.clone())
        .collect();
    let dead_zone = v
        .uses
        .iter()
        .filter(|(id, frame)| v.read_early(id, *frame))
        .map(|(id, _)| id.clone())
        .collect();
    Analysis {
        captured,
        consts: v.consts,
        own_names: v.own_names,
        dead_zone,
    }
}

#[derive(Default)]
struct Analyzer {
    /// The functions enclosing the current point, by index (0 is the program).
    frames: Vec<usize>,
    next: usize,
    /// By function: the one it is in, where it starts, whether it is hoisted.
    parents: Vec<usize>,
    starts: Vec<BytePos>,
    hoisted: Vec<bool>,
    /// The next function entered is a declaration.
    declaring_fn: bool,
    declared: HashMap<Id, usize>,
    uses: Vec<(Id, usize)>,
    consts: HashSet<Id>,
    own_names: HashSet<Id>,
    /// `let`/`const` bindings: where the declaration ends, and whether code
    /// that could call a function runs in its scope before that.
    lexical: HashMap<Id, (BytePos, bool)>,
    /// For each statement list being visited: whether what came before in
    /// it runs no code of the program's (only declares).
    inert: Vec<bool>,
}

impl Analyzer {
    fn current(&self) -> usize {
        *self.frames.last().expect("program frame")
    }

    fn enter(&mut self, start: BytePos) {
        self.parents.push(self.current());
        self.starts.push(start);
        self.hoisted.push(std::mem::take(&mut self.declaring_fn));
        self.frames.push(self.next);
        self.next += 1;
    }

    fn declare(&mut self, id: &Ident) {
        let frame = self.current();
        self.declared.entry(id.to_id()).or_insert(frame);
    }

    fn frame<N: VisitWith<Self> + Spanned>(&mut self, node: &N) {
        self.enter(node.span().lo);
        node.visit_children_with(self);
        self.frames.pop();
    }

    /// Visits statements in order, noting when one runs code.
    fn statements(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            s.visit_with(self);
            if !inert_stmt(s) {
                *self.inert.last_mut().expect("a statement list is open") = false;
            }
        }
    }

    /// Whether the use of `id` in `frame` may run in its temporal dead zone:
    /// some function between the use and the declaring one is hoisted or
    /// made before the declaration ends.
    fn read_early(&self, id: &Id, frame: usize) -> bool {
        let (Some(&(end, exposed)), Some(&decl)) = (self.lexical.get(id), self.declared.get(id))
        else {
            return false;
        };
        let mut f = frame;
        while exposed && f != decl && f != 0 {
            if self.hoisted[f] || self.starts[f] < end {
                return true;
            }
            f = self.parents[f];
        }
        false
    }
}

/// Whether evaluating `e` runs none of the program's code.
fn inert_expr(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::Ident(_) | Expr::Arrow(_) | Expr::Fn(_) | Expr::This(_) => true,
        Expr::Tpl(t) => t.exprs.is_empty(),
        Expr::Array(a) => a
            .elems
            .iter()
            .flatten()
            .all(|e| e.spread.is_none() && inert_expr(&e.expr)),
        Expr::Object(o) => o.props.iter().all(|p| match p {
            PropOrSpread::Prop(p) => match &**p {
                Prop::KeyValue(kv) => !kv.key.is_computed() && inert_expr(&kv.value),
                Prop::Shorthand(_) => true,
                _ => false,
            },
            PropOrSpread::Spread(_) => false,
        }),
        _ => false,
    }
}

fn inert_stmt(s: &Stmt) -> bool {
    match s {
        Stmt::Empty(_) | Stmt::Decl(Decl::Fn(_)) => true,
        Stmt::Decl(Decl::Var(v)) => v
            .decls
            .iter()
            .all(|d| d.init.as_deref().is_none_or(inert_expr)),
        _ => false,
    }
}

impl Visit for Analyzer {
    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        self.inert.push(true);
        self.statements(stmts);
        self.inert.pop();
    }
    // (A switch's cases are one scope: what runs in one runs before the next.)
    fn visit_switch_stmt(&mut self, n: &SwitchStmt) {
        n.discriminant.visit_with(self);
        self.inert.push(true);
        for case in &n.cases {
            if let Some(test) = &case.test {
                test.visit_with(self);
                if !inert_expr(test) {
                    *self.inert.last_mut().expect("pushed above") = false;
                }
            }
            self.statements(&case.cons);
        }
        self.inert.pop();
    }
    fn visit_var_decl(&mut self, n: &VarDecl) {
        if n.kind != VarDeclKind::Var {
            let mut code_before = !self.inert.last().copied().unwrap_or(true);
            for d in &n.decls {
                code_before |= !d.init.as_deref().is_none_or(inert_expr);
                let mut ids = Vec::new();
                crate::ast::pattern_bindings(&d.name, &mut ids);
                for id in ids {
                    if n.kind == VarDeclKind::Const {
                        self.consts.insert(id.clone());
                    }
                    self.lexical.insert(id, (d.span.hi, code_before));
                }
            }
        }
        n.visit_children_with(self);
    }
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
        self.enter(n.class.span.lo);
        if let Some(id) = &n.ident {
            self.declare(id);
            self.own_names.insert(id.to_id());
        }
        n.class.body.visit_with(self);
        self.frames.pop();
    }
    fn visit_class_decl(&mut self, n: &ClassDecl) {
        self.declare(&n.ident);
        n.class.super_class.visit_with(self);
        self.enter(n.class.span.lo);
        n.class.body.visit_with(self);
        self.frames.pop();
    }
    fn visit_class_prop(&mut self, n: &ClassProp) {
        n.key.visit_with(self);
        self.enter(n.span.lo);
        n.value.visit_with(self);
        self.frames.pop();
    }
    fn visit_private_prop(&mut self, n: &PrivateProp) {
        self.enter(n.span.lo);
        n.value.visit_with(self);
        self.frames.pop();
    }
    fn visit_static_block(&mut self, n: &StaticBlock) {
        self.frame(n);
    }
    fn visit_fn_decl(&mut self, n: &FnDecl) {
        self.declare(&n.ident);
        self.declaring_fn = true;
        n.function.visit_with(self);
    }
    fn visit_fn_expr(&mut self, n: &FnExpr) {
        self.enter(n.function.span.lo);
        if let Some(id) = &n.ident {
            self.declare(id);
            self.own_names.insert(id.to_id());
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
    use std::collections::HashSet;

    use swc_ecma_ast::Id;

    use crate::testing::with_script;

    /// The names in one of the analysis's sets, sorted.
    fn names(source: &str, set: fn(&super::Analysis) -> &HashSet<Id>) -> Vec<String> {
        with_script(source, |s| {
            let analysis = super::run(s);
            let mut names: Vec<String> = set(&analysis).iter().map(|id| id.0.to_string()).collect();
            names.sort();
            names
        })
    }

    fn captured(source: &str) -> Vec<String> {
        names(source, |a| &a.captured)
    }

    fn dead_zone(source: &str) -> Vec<String> {
        names(source, |a| &a.dead_zone)
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
    fn bindings_a_function_may_read_before_their_declaration_are_in_the_dead_zone() {
        // Read by a function made, and maybe called, before the declaration.
        assert_eq!(dead_zone("const f = () => y; f(); let y = 1;"), ["y"]);
        // Hoisted, and something runs first that could call it.
        assert_eq!(
            dead_zone("g(); let z = 1; function g() { return z; }"),
            ["z"]
        );
        // Nothing runs before the declarations: no function can read them early.
        assert_eq!(
            dead_zone("function make() { let n = 0; const k = { a: 1 }; function inc() { return n++ + k.a; } return inc; }"),
            Vec::<String>::new()
        );
        // Made after the declaration.
        assert_eq!(
            dead_zone("h(); let w = 1; const h2 = () => w;"),
            Vec::<String>::new()
        );
        // A switch's cases are one scope.
        assert_eq!(
            dead_zone("switch (0) { case 0: f(); case 1: let v = 1; function f() { return v; } }"),
            ["v"]
        );
    }

    #[test]
    fn class_field_initializers_capture_like_functions() {
        assert_eq!(captured("let seed = 3; class A { x = seed; }"), ["seed"]);
    }
}
