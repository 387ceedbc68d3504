//! Guards that keep the semantics hoisting would lose: the temporal dead
//! zone of let/const, and assignments to constants.

use std::collections::HashSet;

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use super::*;

/// Bindings of these kinds declared in the body.
pub(super) fn bindings_of_kind(stmts: &[Stmt], kinds: &[VarDeclKind]) -> HashSet<Id> {
    struct C<'a>(HashSet<Id>, &'a [VarDeclKind]);
    impl Visit for C<'_> {
        fn visit_var_decl(&mut self, v: &VarDecl) {
            if self.1.contains(&v.kind) {
                let mut ids = Vec::new();
                for d in &v.decls {
                    pattern_bindings(&d.name, &mut ids);
                }
                self.0.extend(ids);
            }
            v.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut c = C(HashSet::new(), kinds);
    stmts.visit_with(&mut c);
    c.0
}

/// Hoisted, a block-scoped local would read as `undefined` before its
/// declaration. A use that comes before the declaration in the text (in
/// this function, outside nested ones) always runs in its temporal dead
/// zone: it throws the ReferenceError it would (an assignment after
/// evaluating its value). Uses from nested functions are not checked.
pub(super) struct TdzGuard {
    pub(super) lexical: HashSet<Id>,
    pub(super) declared: HashSet<Id>,
}

impl TdzGuard {
    pub(super) fn early(&self, i: &Ident) -> bool {
        let id = i.to_id();
        self.lexical.contains(&id) && !self.declared.contains(&id)
    }
}

impl VisitMut for TdzGuard {
    fn visit_mut_var_decl(&mut self, v: &mut VarDecl) {
        for d in &mut v.decls {
            d.init.visit_mut_with(self);
            let mut ids = Vec::new();
            pattern_bindings(&d.name, &mut ids);
            self.declared.extend(ids);
        }
    }
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        let dead = match e {
            Expr::Ident(i) if self.early(i) => Some((i.sym.clone(), None)),
            Expr::Update(UpdateExpr { arg, .. }) if matches!(&**arg, Expr::Ident(i) if self.early(i)) =>
            {
                let Expr::Ident(i) = &**arg else {
                    unreachable!()
                };
                Some((i.sym.clone(), None))
            }
            // `x = v` evaluates v first; `x += v` reads x first.
            Expr::Assign(AssignExpr {
                left: AssignTarget::Simple(SimpleAssignTarget::Ident(b)),
                right,
                op,
                ..
            }) if self.early(&b.id) => {
                let value = (*op == AssignOp::Assign).then(|| {
                    right.visit_mut_with(self);
                    std::mem::replace(right, undefined())
                });
                Some((b.id.sym.clone(), value))
            }
            _ => None,
        };
        match dead {
            None => e.visit_mut_children_with(self),
            Some((name, value)) => {
                let throw = lib_call("tdz", vec![str_lit(&name)]);
                *e = match value {
                    Some(v) => Expr::Seq(SeqExpr {
                        span: DUMMY_SP,
                        exprs: vec![v, throw],
                    }),
                    None => *throw,
                };
            }
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

/// Constants become plain locals when hoisted; assigning one still throws
/// the TypeError it would (after evaluating the value, as the engine does).
pub(super) struct ConstGuard(pub(super) HashSet<Id>);

impl VisitMut for ConstGuard {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        e.visit_mut_children_with(self);
        let target = match e {
            Expr::Assign(AssignExpr {
                left: AssignTarget::Simple(SimpleAssignTarget::Ident(b)),
                ..
            }) => Some(b.id.clone()),
            Expr::Update(UpdateExpr { arg, .. }) => match &**arg {
                Expr::Ident(i) => Some(i.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(id) = target.filter(|i| self.0.contains(&i.to_id())) else {
            return;
        };
        let value = match e {
            Expr::Assign(a) => std::mem::replace(&mut a.right, undefined()),
            _ => undefined(),
        };
        *e = Expr::Seq(SeqExpr {
            span: DUMMY_SP,
            exprs: vec![value, lib_call("constAssign", vec![str_lit(&id.sym)])],
        });
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}
