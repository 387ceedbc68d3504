//! Scope objects: which bindings of a scope are captured, the scope object
//! that holds them (opened where the scope is entered, per iteration for
//! `for (let ...)`), and declarations of captured bindings turned into
//! assignments to it.

use std::collections::HashSet;

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMutWith, VisitWith};

use super::*;

/// An entry of a scope object being opened.
pub(super) enum Slot {
    /// A binding, initialised from the local of the same name (parameters,
    /// catch and loop-head bindings) or to `undefined`.
    Binding(Id, bool),
    This,
    Arguments,
}

impl Rewriter<'_> {
    pub(super) fn is_captured(&self, id: &Id) -> bool {
        self.analysis.captured.contains(id)
    }

    /// Opens a scope object for the captured slots; returns its declaration
    /// (`const $$sN = {...}`), or None when nothing is captured.
    pub(super) fn open_scope(
        &mut self,
        slots: Vec<Slot>,
        kind: VarDeclKind,
    ) -> Option<(String, Stmt)> {
        if slots.is_empty() {
            return None;
        }
        let name = format!("$$s{}", self.next_scope);
        self.next_scope += 1;
        let parent = self
            .chain
            .last()
            .map(|p| ident_expr(p))
            .unwrap_or_else(null);
        let mut entries = vec![(PARENT.to_string(), parent)];
        let mut dead = Vec::new();
        let mut seen = HashSet::new();
        for slot in slots {
            let (key, value) = match slot {
                Slot::Binding(id, from_local) => {
                    self.home.insert(id.clone(), name.clone());
                    // (A slot made from a local, a parameter or a loop head, starts initialized.)
                    if !from_local && self.analysis.dead_zone.contains(&id) {
                        dead.push(id.0.to_string());
                    }
                    let value = if from_local {
                        // The local itself (same scope context, so later renames follow it).
                        Box::new(Expr::Ident(Ident::new(id.0.clone(), DUMMY_SP, id.1)))
                    } else {
                        undefined()
                    };
                    (id.0.to_string(), value)
                }
                Slot::This => (
                    "this".to_string(),
                    Box::new(Expr::This(ThisExpr { span: DUMMY_SP })),
                ),
                Slot::Arguments => ("arguments".to_string(), ident_expr("arguments")),
            };
            if seen.insert(key.clone()) {
                entries.push((key, value));
            }
        }
        self.chain.push(name.clone());
        // Slots another function may read before their declaration runs
        // throw until it does (analyze.rs, `dead_zone`).
        let mut scope = object(entries);
        if !dead.is_empty() {
            let names = dead
                .into_iter()
                .map(|n| Some(ExprOrSpread::from(str_lit(&n))))
                .collect();
            scope = lib_call(
                "deadZone",
                vec![
                    scope,
                    Box::new(Expr::Array(ArrayLit {
                        span: DUMMY_SP,
                        elems: names,
                    })),
                ],
            );
        }
        let decl = var_decl(kind, vec![(binding(&name), Some(scope))]);
        Some((name, decl))
    }

    pub(super) fn close_scope(&mut self, opened: &Option<(String, Stmt)>) {
        if opened.is_some() {
            self.chain.pop();
        }
    }

    pub(super) fn captured_slots(
        &self,
        ids: impl IntoIterator<Item = Id>,
        from_local: bool,
    ) -> Vec<Slot> {
        ids.into_iter()
            .filter(|id| self.is_captured(id))
            .map(|id| Slot::Binding(id, from_local))
            .collect()
    }

    /// What an assignment to `id` writes to: its scope object's slot, or for a
    /// constant `$things.constTarget.v`, whose setter throws the TypeError
    /// (after the value is evaluated, in any pattern). A function or class
    /// expression's own name is a constant in strict code; in sloppy code
    /// the value goes nowhere (`$things.nowhere.v`).
    pub(super) fn target_of(&self, id: &Ident) -> Option<Box<Expr>> {
        let target = |name| Some(member_expr(member_expr(ident_expr("$things"), name), "v"));
        if !self.initializing && self.is_constant(id) {
            return target("constTarget");
        }
        if self.is_own_name(id) {
            return target("nowhere");
        }
        self.home_of(id)
    }

    /// Whether assigning `id` throws: a constant, or in strict code a
    /// captured function or class expression's own name.
    pub(super) fn is_constant(&self, id: &Ident) -> bool {
        self.analysis.consts.contains(&id.to_id()) || (self.strict && self.is_own_name(id))
    }

    /// A function or class expression's own name held by a scope object (an
    /// uncaptured one keeps the engine's binding, which behaves).
    pub(super) fn is_own_name(&self, id: &Ident) -> bool {
        let id = id.to_id();
        self.home.contains_key(&id) && self.analysis.own_names.contains(&id)
    }

    /// The scope object member for a captured binding, if it has a home.
    /// (The member keeps the name's place in the source, for the source map.)
    pub(super) fn home_of(&self, id: &Ident) -> Option<Box<Expr>> {
        let home = self.home.get(&id.to_id())?;
        let mut m = member(ident_expr(home), &id.sym);
        if let MemberProp::Ident(name) = &mut m.prop {
            name.span = id.span;
        }
        Some(Box::new(Expr::Member(m)))
    }

    /// Rewrites a declaration's pattern made the target of its own
    /// assignment (a constant's too: it is the declaration).
    fn declared_target(&mut self, target: &mut Pat) {
        let was = std::mem::replace(&mut self.initializing, true);
        target.visit_mut_with(self);
        self.initializing = was;
    }

    /// The lexical bindings of a block's statements (its functions that are
    /// their function's variables apart).
    pub(super) fn block_lexical(&self, stmts: &[Stmt], out: &mut Vec<Id>) {
        let mut names = Vec::new();
        collect_lexical(stmts, &mut names);
        out.extend(names.into_iter().filter(|id| !self.annex_b.contains(id)));
    }

    /// Rewrites a statement list: hoists function declarations to its start
    /// and turns declarations of captured bindings into assignments.
    pub(super) fn stmts(&mut self, stmts: &mut Vec<Stmt>, function_level: bool) {
        let mut hoisted = Vec::new();
        let mut out = Vec::with_capacity(stmts.len());
        for stmt in std::mem::take(stmts) {
            match stmt {
                Stmt::Decl(Decl::Fn(mut f)) => {
                    let created = self.lift_function(
                        &mut f.function,
                        Some(&f.ident),
                        false,
                        Some(&f.ident.sym),
                        None,
                    );
                    hoisted.push(self.declare_value(
                        &f.ident,
                        created,
                        if function_level {
                            VarDeclKind::Var
                        } else {
                            VarDeclKind::Let
                        },
                    ));
                }
                Stmt::Decl(Decl::Class(mut c)) => {
                    let created = self.lift_class(&mut c.class, Some(&c.ident), None);
                    out.push(self.declare_value(&c.ident, created, VarDeclKind::Let));
                }
                Stmt::Decl(Decl::Var(v)) if self.has_captured(&v) => {
                    out.extend(self.split_var_decl(*v));
                }
                mut other => {
                    other.visit_mut_with(self);
                    out.push(other);
                }
            }
        }
        let at = out.iter().take_while(|s| is_directive(s)).count();
        out.splice(at..at, hoisted);
        *stmts = out;
    }

    /// `home.name = value` for a captured binding, else a declaration.
    pub(super) fn declare_value(
        &mut self,
        name: &Ident,
        value: Box<Expr>,
        kind: VarDeclKind,
    ) -> Stmt {
        match self.home_of(name) {
            Some(target) => expr_stmt(assign(simple_target(target), value)),
            None => var_decl(
                kind,
                vec![(
                    Pat::Ident(BindingIdent {
                        id: name.clone(),
                        type_ann: None,
                    }),
                    Some(value),
                )],
            ),
        }
    }

    pub(super) fn has_captured(&self, v: &VarDecl) -> bool {
        let mut names = Vec::new();
        for d in &v.decls {
            pattern_bindings(&d.name, &mut names);
        }
        names.iter().any(|id| self.is_captured(id))
    }

    /// Splits a declaration with captured bindings, one statement per
    /// declarator: `let <plain locals>; <pattern as assignment> = init;`.
    pub(super) fn split_var_decl(&mut self, v: VarDecl) -> Vec<Stmt> {
        let kind = if v.kind == VarDeclKind::Var {
            VarDeclKind::Var
        } else {
            VarDeclKind::Let
        };
        let mut out = Vec::new();
        for mut d in v.decls {
            let mut names = Vec::new();
            pattern_bindings(&d.name, &mut names);
            if !names.iter().any(|id| self.is_captured(id)) {
                d.visit_mut_with(self);
                out.push(Stmt::Decl(Decl::Var(Box::new(VarDecl {
                    span: DUMMY_SP,
                    ctxt: v.ctxt,
                    kind: v.kind,
                    declare: false,
                    decls: vec![d],
                }))));
                continue;
            }
            let locals: Vec<(Pat, Option<Box<Expr>>)> = names
                .iter()
                .filter(|id| !self.is_captured(id))
                .map(|id| {
                    (
                        Pat::Ident(BindingIdent {
                            id: Ident::new(id.0.clone(), DUMMY_SP, id.1),
                            type_ann: None,
                        }),
                        None,
                    )
                })
                .collect();
            if !locals.is_empty() {
                out.push(var_decl(kind, locals));
            }
            let init = match d.init.take() {
                Some(mut init) => {
                    init.visit_mut_with(self);
                    Some(init)
                }
                // `var x;` keeps its value; `let x;` starts undefined.
                None if v.kind == VarDeclKind::Var => None,
                None => Some(undefined()),
            };
            if let Some(init) = init {
                let mut target = d.name;
                self.declared_target(&mut target);
                let target = AssignTarget::try_from(target)
                    .expect("a declaration pattern is an assignment target");
                out.push(expr_stmt(assign(target, init)));
            }
        }
        out
    }

    pub(super) fn for_stmt(&mut self, f: &mut ForStmt) -> Option<Stmt> {
        let Some(VarDeclOrExpr::VarDecl(v)) = &f.init else {
            f.visit_mut_children_with(self);
            return None;
        };
        if !self.has_captured(v) {
            f.visit_mut_children_with(self);
            return None;
        }
        let Some(VarDeclOrExpr::VarDecl(v)) = f.init.take() else {
            unreachable!()
        };
        let lexical = v.kind != VarDeclKind::Var;
        let mut names = Vec::new();
        for d in &v.decls {
            pattern_bindings(&d.name, &mut names);
        }
        // `{ let $$sN = {...}; let <plain>; for (<assignments>; test; $$sN = {...$$sN}, update) body }`:
        // a fresh copy of the scope object per iteration, as per-iteration bindings.
        let opened = if lexical {
            self.open_scope(self.captured_slots(names, false), VarDeclKind::Let)
        } else {
            None
        };
        let mut prelude: Vec<Stmt> = opened.iter().map(|(_, d)| d.clone()).collect();
        let mut assigns = Vec::new();
        for stmt in self.split_var_decl(*v) {
            match stmt {
                Stmt::Expr(e) => assigns.push(e.expr),
                decl => prelude.push(decl),
            }
        }
        f.init = (!assigns.is_empty()).then(|| VarDeclOrExpr::Expr(seq(assigns)));
        f.test.visit_mut_with(self);
        f.update.visit_mut_with(self);
        f.body.visit_mut_with(self);
        if let Some((scope, _)) = &opened {
            let copy = assign(
                simple_target(ident_expr(scope)),
                Box::new(Expr::Object(ObjectLit {
                    span: DUMMY_SP,
                    props: vec![PropOrSpread::Spread(SpreadElement {
                        dot3_token: DUMMY_SP,
                        expr: ident_expr(scope),
                    })],
                })),
            );
            f.update = Some(match f.update.take() {
                Some(u) => seq(vec![copy, u]),
                None => copy,
            });
        }
        self.close_scope(&opened);
        Some(Stmt::Block(BlockStmt {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            stmts: prelude,
        }))
    }

    /// `for (const x of xs) body`: the head binding stays, and is copied into a
    /// scope object made per iteration when captured.
    pub(super) fn for_in_of_body(&mut self, head: &mut ForHead, body: &mut Box<Stmt>) {
        let names = match head {
            ForHead::VarDecl(v) if v.kind != VarDeclKind::Var => {
                let mut names = Vec::new();
                for d in &v.decls {
                    pattern_bindings(&d.name, &mut names);
                }
                names
            }
            _ => Vec::new(),
        };
        match head {
            ForHead::VarDecl(v) if v.kind == VarDeclKind::Var && self.has_captured(v) => {
                // `for (var x of xs)`: x lives in the function's scope object.
                let d = v.decls.pop().expect("one declarator");
                let mut target = d.name;
                self.declared_target(&mut target);
                *head = ForHead::Pat(Box::new(target));
            }
            _ => {
                self.declaring = true;
                head.visit_mut_with(self);
                self.declaring = false;
            }
        }
        let opened = self.open_scope(self.captured_slots(names, true), VarDeclKind::Const);
        body.visit_mut_with(self);
        self.close_scope(&opened);
        if let Some((_, decl)) = opened {
            let inner = std::mem::replace(&mut **body, Stmt::Empty(EmptyStmt { span: DUMMY_SP }));
            **body = Stmt::Block(BlockStmt {
                span: DUMMY_SP,
                ctxt: SyntaxContext::empty(),
                stmts: vec![decl, inner],
            });
        }
    }

    /// Inside an arrow: the scope-object member holding the enclosing
    /// function's `this` or `arguments`.
    pub(super) fn lexical(&self, what: &str) -> Option<Box<Expr>> {
        if self.fns.last()?.kind != FnKind::Arrow {
            return None;
        }
        let owner = self.fns.iter().rev().find(|f| f.kind == FnKind::Normal)?;
        let home = if what == "this" {
            &owner.this_home
        } else {
            &owner.arguments_home
        };
        home.as_ref().map(|h| member_expr(ident_expr(h), what))
    }
}

/// Whether arrows directly inside (not inside nested non-arrow functions)
/// read `this` / `arguments`.
pub(super) fn arrows_use(stmts: &[Stmt]) -> (bool, bool) {
    let mut u = ArrowUses::default();
    stmts.visit_with(&mut u);
    (u.this, u.arguments)
}

pub(super) fn arrows_use_expr(e: &Expr) -> (bool, bool) {
    let mut u = ArrowUses::default();
    e.visit_with(&mut u);
    (u.this, u.arguments)
}

#[derive(Default)]
pub(super) struct ArrowUses {
    pub(super) depth: usize,
    pub(super) this: bool,
    pub(super) arguments: bool,
}

impl Visit for ArrowUses {
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        self.depth += 1;
        a.visit_children_with(self);
        self.depth -= 1;
    }
    fn visit_function(&mut self, _: &Function) {}
    fn visit_class(&mut self, c: &Class) {
        // Only the parts evaluated in the enclosing scope.
        c.super_class.visit_with(self);
    }
    fn visit_this_expr(&mut self, _: &ThisExpr) {
        self.this |= self.depth > 0;
    }
    fn visit_ident(&mut self, i: &Ident) {
        self.arguments |= self.depth > 0 && &*i.sym == "arguments";
    }
}
