//! The ways out of a block that holds `using` declarations, other than its
//! end or a throw: a `return`, or a `break`/`continue` to a statement outside
//! it. Each becomes `$$using.leave(stack, k, value); break $$ulN;` (to the end
//! of the block's try statement, where its resources are disposed), and the
//! original statement runs after the disposal, when `stack.exit === k`. So
//! the disposal, awaits included, happens outside any `finally` block, where
//! a capture can stop.

use swc_common::{EqIgnoreSpan, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::{block, expr_stmt, ident, ident_expr, member_expr, num};

/// The exit codes: 0 is the block's end, 1 a `return`.
const RETURN: usize = 1;

pub(super) struct Exits<'a> {
    /// `$$using.leave`, as the caller builds it.
    pub leave: &'a dyn Fn(Vec<Box<Expr>>) -> Box<Expr>,
    pub stack: &'a str,
    pub label: &'a str,
    /// Labels declared inside the block (a jump to one stays inside).
    labels: Vec<swc_ecma_ast::Ident>,
    /// Loops, and loops or switches, around the statement inside the block.
    loops: usize,
    breakables: usize,
    /// Whether a `return` leaves; the jumps out, by exit code less 2.
    returns: bool,
    jumps: Vec<Stmt>,
}

impl<'a> Exits<'a> {
    pub fn new(
        leave: &'a dyn Fn(Vec<Box<Expr>>) -> Box<Expr>,
        stack: &'a str,
        label: &'a str,
    ) -> Self {
        Exits {
            leave,
            stack,
            label,
            labels: Vec::new(),
            loops: 0,
            breakables: 0,
            returns: false,
            jumps: Vec::new(),
        }
    }

    /// `leave(stack, code, value); break label;`
    fn redirect(&self, code: usize, value: Option<Box<Expr>>) -> Stmt {
        let mut args = vec![ident_expr(self.stack), num(code as f64)];
        args.extend(value);
        block(vec![
            expr_stmt((self.leave)(args)),
            Stmt::Break(BreakStmt {
                span: DUMMY_SP,
                label: Some(ident(self.label)),
            }),
        ])
    }

    fn jump_code(&mut self, jump: &Stmt) -> usize {
        let at = match self.jumps.iter().position(|j| j.eq_ignore_span(jump)) {
            Some(at) => at,
            None => {
                self.jumps.push(jump.clone());
                self.jumps.len() - 1
            }
        };
        at + 2
    }

    /// What runs after the disposal: each way out, taken if it was.
    pub fn dispatch(self) -> Vec<Stmt> {
        let exit = |code: usize, then: Stmt| {
            Stmt::If(IfStmt {
                span: DUMMY_SP,
                test: Box::new(Expr::Bin(BinExpr {
                    span: DUMMY_SP,
                    op: BinaryOp::EqEqEq,
                    left: member_expr(ident_expr(self.stack), "exit"),
                    right: num(code as f64),
                })),
                cons: Box::new(then),
                alt: None,
            })
        };
        let mut out = Vec::new();
        if self.returns {
            out.push(exit(
                RETURN,
                Stmt::Return(ReturnStmt {
                    span: DUMMY_SP,
                    arg: Some(member_expr(ident_expr(self.stack), "value")),
                }),
            ));
        }
        for (i, jump) in self.jumps.iter().enumerate() {
            out.push(exit(i + 2, jump.clone()));
        }
        out
    }

    fn leaves(&self, s: &Stmt) -> bool {
        let inside = |label: &Option<Ident>, depth: usize| match label {
            Some(l) => self.labels.iter().any(|x| x.sym == l.sym),
            None => depth > 0,
        };
        match s {
            Stmt::Return(_) => true,
            Stmt::Break(b) => !inside(&b.label, self.breakables),
            Stmt::Continue(c) => !inside(&c.label, self.loops),
            _ => false,
        }
    }

    fn in_loop(&mut self, body: &mut Stmt, is_loop: bool) {
        self.loops += usize::from(is_loop);
        self.breakables += 1;
        body.visit_mut_with(self);
        self.loops -= usize::from(is_loop);
        self.breakables -= 1;
    }
}

impl VisitMut for Exits<'_> {
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        if self.leaves(s) {
            *s = match std::mem::replace(s, Stmt::Empty(EmptyStmt { span: DUMMY_SP })) {
                Stmt::Return(r) => {
                    self.returns = true;
                    self.redirect(RETURN, r.arg)
                }
                jump => {
                    let code = self.jump_code(&jump);
                    self.redirect(code, None)
                }
            };
            return;
        }
        match s {
            Stmt::Labeled(l) => {
                self.labels.push(l.label.clone());
                l.body.visit_mut_with(self);
                self.labels.pop();
            }
            Stmt::For(f) => self.in_loop(&mut f.body, true),
            Stmt::ForIn(f) => self.in_loop(&mut f.body, true),
            Stmt::ForOf(f) => self.in_loop(&mut f.body, true),
            Stmt::While(w) => self.in_loop(&mut w.body, true),
            Stmt::DoWhile(d) => self.in_loop(&mut d.body, true),
            Stmt::Switch(sw) => {
                self.breakables += 1;
                for c in &mut sw.cases {
                    c.cons.visit_mut_with(self);
                }
                self.breakables -= 1;
            }
            _ => s.visit_mut_children_with(self),
        }
    }
    // (A function's returns are its own.)
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
    fn visit_mut_getter_prop(&mut self, _: &mut GetterProp) {}
    fn visit_mut_setter_prop(&mut self, _: &mut SetterProp) {}
}
