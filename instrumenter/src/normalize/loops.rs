//! Loops: each starts with a yield point; for-of and for-in iterate through
//! library state objects (a native iterator's position cannot be captured);
//! `continue` becomes a break out of the body.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use super::*;

/// `continue` for one loop (unlabeled at its own depth, or with its label)
/// becomes `break` out of the labeled block that ends its body.
pub(super) struct ContinueToBreak {
    pub(super) label: Option<String>,
    pub(super) to: Ident,
    /// Loops entered inside the body (an unlabeled `continue` there is theirs).
    pub(super) depth: usize,
}

impl VisitMut for ContinueToBreak {
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        match s {
            Stmt::Continue(c) => {
                let ours = match &c.label {
                    None => self.depth == 0,
                    Some(l) => self.label.as_deref() == Some(&*l.sym),
                };
                if ours {
                    *s = Stmt::Break(BreakStmt {
                        span: DUMMY_SP,
                        label: Some(self.to.clone()),
                    });
                }
            }
            Stmt::For(_) | Stmt::ForIn(_) | Stmt::ForOf(_) | Stmt::While(_) | Stmt::DoWhile(_) => {
                self.depth += 1;
                s.visit_mut_children_with(self);
                self.depth -= 1;
            }
            _ => s.visit_mut_children_with(self),
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

impl Normalizer {
    pub(super) fn while_loop(
        &mut self,
        label: Option<Ident>,
        test: Expr,
        body: Stmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let (test, head) = if contains_call(&test) {
            // `while (f(x)) body` -> `while (true) { <yield>; t = f(x); if (!t) break; body }`
            let mut head = Vec::new();
            let v = self.expr(test, &mut head)?;
            head.push(break_unless(v));
            (Expr::Lit(Lit::Bool(true.into())), head)
        } else {
            (test, vec![])
        };
        let body = self.loop_body(body, head)?;
        push_labeled(
            out,
            label,
            Stmt::While(WhileStmt {
                span: DUMMY_SP,
                test: Box::new(test),
                body: Box::new(body),
            }),
        );
        Ok(())
    }

    pub(super) fn for_loop(
        &mut self,
        label: Option<Ident>,
        mut f: ForStmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        match f.init.take() {
            Some(VarDeclOrExpr::VarDecl(v)) => self.var_decl(*v, out)?,
            Some(VarDeclOrExpr::Expr(e)) => self.expr_stmt(*e, out)?,
            None => {}
        }
        if f.test.as_ref().is_some_and(contains_call)
            || f.update.as_ref().is_some_and(contains_call)
        {
            return self.for_loop_with_calls(label, f, out);
        }
        let body = self.loop_body(*f.body, vec![])?;
        push_labeled(
            out,
            label,
            Stmt::For(ForStmt {
                span: DUMMY_SP,
                init: None,
                test: f.test,
                update: f.update,
                body: Box::new(body),
            }),
        );
        Ok(())
    }

    /// `for (; test; update) body` with calls in test or update:
    /// `for (;;) { <yield>; <test>; if (!t) break; $$next: { body } <update> }`,
    /// with the body's `continue`s for this loop turned into `break $$next`.
    pub(super) fn for_loop_with_calls(
        &mut self,
        label: Option<Ident>,
        f: ForStmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let mut head = Vec::new();
        if let Some(test) = f.test {
            let v = self.expr(*test, &mut head)?;
            head.push(break_unless(v));
        }
        head.push(self.body_left_by_continue(&label, *f.body)?);
        if let Some(update) = f.update {
            self.expr_stmt(*update, &mut head)?;
        }
        let mut stmts = vec![self.yield_point()];
        stmts.extend(head);
        push_labeled(out, label, forever(stmts));
        Ok(())
    }

    /// `do body while (test)`; when the test calls something,
    /// `for (;;) { <yield>; $$next: { body } if (!test) break; }` (a
    /// `continue` leaves the block, so the test still runs).
    pub(super) fn do_while(
        &mut self,
        label: Option<Ident>,
        d: DoWhileStmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        if !contains_call(&d.test) {
            let body = self.loop_body(*d.body, vec![])?;
            let looped = Stmt::DoWhile(DoWhileStmt {
                span: DUMMY_SP,
                test: d.test,
                body: Box::new(body),
            });
            push_labeled(out, label, looped);
            return Ok(());
        }
        let mut stmts = vec![self.yield_point()];
        stmts.push(self.body_left_by_continue(&label, *d.body)?);
        let v = self.expr(*d.test, &mut stmts)?;
        stmts.push(break_unless(v));
        push_labeled(out, label, forever(stmts));
        Ok(())
    }

    /// `$$nextK: { body }`, the loop's `continue`s turned into `break $$nextK`
    /// (so what follows the body in the loop still runs).
    fn body_left_by_continue(
        &mut self,
        label: &Option<Ident>,
        mut body: Stmt,
    ) -> Result<Stmt, Unsupported> {
        let next = ident(&format!("$$next{}", self.sites));
        body.visit_mut_with(&mut ContinueToBreak {
            label: label.as_ref().map(|l| l.sym.to_string()),
            to: next.clone(),
            depth: 0,
        });
        let mut inner = Vec::new();
        self.flatten_into(body, &mut inner)?;
        Ok(Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: next,
            body: Box::new(block(inner)),
        }))
    }

    /// `for (x of xs) body` -> `t = $things.iterOf(xs); while (true) { <yield>; if ($things.iterDone(t)) break; x = t.v; body }`
    #[allow(clippy::too_many_arguments)]
    pub(super) fn for_each(
        &mut self,
        label: Option<Ident>,
        left: ForHead,
        right: Expr,
        body: Stmt,
        start: &str,
        is_await: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        if is_await {
            return Err(Unsupported("for await"));
        }
        let iterable = self.expr(right, out)?;
        if let Expr::Ident(t) = &iterable {
            // Read out by `iterOf` at once: not needed by the loop's frames.
            self.open.retain(|o| *o != *t.sym);
        }
        let state = self.temp();
        out.push(expr_stmt(assign(
            simple_ident_target(&state),
            lib_call(start, vec![Box::new(iterable)]),
        )));

        let target = match left {
            ForHead::VarDecl(v) => {
                let d = v
                    .decls
                    .into_iter()
                    .next()
                    .ok_or(Unsupported("an empty for-of head"))?;
                AssignTarget::try_from(d.name).map_err(|_| Unsupported("a for-of pattern"))?
            }
            ForHead::Pat(p) => {
                AssignTarget::try_from(p).map_err(|_| Unsupported("a for-of target"))?
            }
            ForHead::UsingDecl(_) => return Err(Unsupported("using")),
        };
        let done = Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: lib_call("iterDone", vec![ident_expr(&state)]),
            cons: Box::new(Stmt::Break(BreakStmt {
                span: DUMMY_SP,
                label: None,
            })),
            alt: None,
        });
        let mut head = vec![if start == "iterOf" {
            array_step(&state, done)
        } else {
            done
        }];
        self.assign_stmt(target, *member_expr(ident_expr(&state), "v"), &mut head)?;
        let body = self.loop_body(body, head)?;
        let mut looped = Vec::new();
        push_labeled(
            &mut looped,
            label,
            Stmt::While(WhileStmt {
                span: DUMMY_SP,
                test: Box::new(Expr::Lit(Lit::Bool(true.into()))),
                body: Box::new(body),
            }),
        );
        if start == "iterOf" {
            // Leaving early (break, return, throw) closes the iterator, as for-of does.
            let close = vec![expr_stmt(lib_call("iterClose", vec![ident_expr(&state)]))];
            out.push(try_stmt(block(looped), None, Some(close)));
        } else {
            out.extend(looped);
        }
        Ok(())
    }
}

/// `for (;;) { stmts }`
fn forever(stmts: Vec<Stmt>) -> Stmt {
    Stmt::For(ForStmt {
        span: DUMMY_SP,
        init: None,
        test: None,
        update: None,
        body: Box::new(block(stmts)),
    })
}

/// `if (!v) break;`
pub(super) fn break_unless(v: Expr) -> Stmt {
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: Box::new(not(Box::new(v))),
        cons: Box::new(Stmt::Break(BreakStmt {
            span: DUMMY_SP,
            label: None,
        })),
        alt: None,
    })
}

/// The step of a for-of over an array, inline (the common case):
/// `if (s.a !== undefined) { if (s.i >= s.a.length) break; s.v = s.a[s.i++]; } else <other>`
pub(super) fn array_step(state: &str, other: Stmt) -> Stmt {
    let field = |f: &str| member_expr(ident_expr(state), f);
    let brk = || {
        Box::new(Stmt::Break(BreakStmt {
            span: DUMMY_SP,
            label: None,
        }))
    };
    let bin = |op, left, right| {
        Box::new(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op,
            left,
            right,
        }))
    };
    let next = Box::new(Expr::Update(UpdateExpr {
        span: DUMMY_SP,
        op: UpdateOp::PlusPlus,
        prefix: false,
        arg: field("i"),
    }));
    let item = Box::new(Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj: field("a"),
        prop: MemberProp::Computed(ComputedPropName {
            span: DUMMY_SP,
            expr: next,
        }),
    }));
    let array = block(vec![
        Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: bin(
                BinaryOp::GtEq,
                field("i"),
                member_expr(field("a"), "length"),
            ),
            cons: brk(),
            alt: None,
        }),
        expr_stmt(assign(
            AssignTarget::Simple(SimpleAssignTarget::Member(member(ident_expr(state), "v"))),
            item,
        )),
    ]);
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: bin(BinaryOp::NotEqEq, field("a"), undefined()),
        cons: Box::new(array),
        alt: Some(Box::new(other)),
    })
}
