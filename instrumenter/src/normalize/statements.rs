//! Statements: each normalized into a list of simple statements, calls in
//! sites of their own, declarations as assignments.

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::*;

impl Normalizer {
    /// A statement (a block's statements one by one) normalized into `out`.
    pub(super) fn flatten_into(&mut self, s: Stmt, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        match s {
            Stmt::Block(b) => b.stmts.into_iter().try_for_each(|s| self.stmt(s, out)),
            other => self.stmt(other, out),
        }
    }

    pub(super) fn block(&mut self, s: Stmt) -> Result<Stmt, Unsupported> {
        let mut out = Vec::new();
        self.flatten_into(s, &mut out)?;
        Ok(block(out))
    }

    pub(super) fn loop_body(&mut self, s: Stmt, head: Vec<Stmt>) -> Result<Stmt, Unsupported> {
        let mut out = vec![self.yield_point()];
        out.extend(head);
        self.flatten_into(s, &mut out)?;
        Ok(block(out))
    }

    pub(super) fn stmt(&mut self, s: Stmt, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        let open = self.open.len();
        let result = self.stmt_inner(s, out);
        self.open.truncate(open);
        result
    }

    pub(super) fn stmt_inner(&mut self, s: Stmt, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        match s {
            Stmt::Expr(e) => self.expr_stmt(*e.expr, out),
            Stmt::Return(r) => {
                match r.arg {
                    Some(arg) if is_site_call(&arg) => {
                        let call = self.call_operands(*arg, out)?;
                        self.site(
                            Stmt::Return(ReturnStmt {
                                span: DUMMY_SP,
                                arg: Some(Box::new(call)),
                            }),
                            out,
                        );
                    }
                    Some(arg) => {
                        let v = self.expr(*arg, out)?;
                        out.push(Stmt::Return(ReturnStmt {
                            span: DUMMY_SP,
                            arg: Some(Box::new(v)),
                        }));
                    }
                    None => out.push(Stmt::Return(r)),
                }
                Ok(())
            }
            Stmt::Throw(t) => {
                let v = self.expr(*t.arg, out)?;
                out.push(Stmt::Throw(ThrowStmt {
                    span: DUMMY_SP,
                    arg: Box::new(v),
                }));
                Ok(())
            }
            Stmt::Decl(Decl::Var(v)) => self.var_decl(*v, out),
            Stmt::Decl(_) => Err(Unsupported("a declaration left after closure conversion")),
            Stmt::Block(b) => {
                let mut inner = Vec::new();
                for s in b.stmts {
                    self.stmt(s, &mut inner)?;
                }
                out.push(block(inner));
                Ok(())
            }
            Stmt::If(i) => {
                let test = self.expr(*i.test, out)?;
                let cons = self.block(*i.cons)?;
                let alt = match i.alt {
                    Some(a) => Some(Box::new(self.block(*a)?)),
                    None => None,
                };
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(cons),
                    alt,
                }));
                Ok(())
            }
            Stmt::While(w) => self.while_loop(None, *w.test, *w.body, out),
            Stmt::DoWhile(d) => self.do_while(None, d, out),
            Stmt::For(f) => self.for_loop(None, f, out),
            Stmt::ForOf(f) => {
                self.for_each(None, f.left, *f.right, *f.body, "iterOf", f.is_await, out)
            }
            Stmt::ForIn(f) => self.for_each(None, f.left, *f.right, *f.body, "iterIn", false, out),
            Stmt::Labeled(l) => match *l.body {
                Stmt::While(w) => self.while_loop(Some(l.label), *w.test, *w.body, out),
                Stmt::For(f) => self.for_loop(Some(l.label), f, out),
                Stmt::DoWhile(d) => self.do_while(Some(l.label), d, out),
                Stmt::ForOf(f) => self.for_each(
                    Some(l.label),
                    f.left,
                    *f.right,
                    *f.body,
                    "iterOf",
                    f.is_await,
                    out,
                ),
                Stmt::ForIn(f) => self.for_each(
                    Some(l.label),
                    f.left,
                    *f.right,
                    *f.body,
                    "iterIn",
                    false,
                    out,
                ),
                body => {
                    let mut inner = Vec::new();
                    self.stmt(body, &mut inner)?;
                    out.push(Stmt::Labeled(LabeledStmt {
                        span: DUMMY_SP,
                        label: l.label,
                        body: Box::new(block(inner)),
                    }));
                    Ok(())
                }
            },
            Stmt::Switch(sw)
                if sw
                    .cases
                    .iter()
                    .any(|c| c.test.as_ref().is_some_and(contains_call)) =>
            {
                self.switch_on_case_index(sw, out)
            }
            Stmt::Switch(sw) => {
                let disc = self.expr(*sw.discriminant, out)?;
                let mut cases = Vec::new();
                for c in sw.cases {
                    let mut cons = Vec::new();
                    for s in c.cons {
                        self.stmt(s, &mut cons)?;
                    }
                    cases.push(SwitchCase {
                        span: DUMMY_SP,
                        test: c.test,
                        cons,
                    });
                }
                out.push(Stmt::Switch(SwitchStmt {
                    span: DUMMY_SP,
                    body_ctxt: SyntaxContext::empty(),
                    discriminant: Box::new(disc),
                    cases,
                }));
                Ok(())
            }
            Stmt::Try(t) => {
                let block_stmt = self.block(Stmt::Block(t.block))?;
                let handler = match t.handler {
                    Some(h) => {
                        let param = self.temp();
                        let mut body = Vec::new();
                        if let Some(p) = h.param {
                            let target = AssignTarget::try_from(p)
                                .map_err(|_| Unsupported("a catch pattern"))?;
                            body.push(expr_stmt(assign(target, ident_expr(&param))));
                        }
                        for s in h.body.stmts {
                            self.stmt(s, &mut body)?;
                        }
                        Some((param, body))
                    }
                    None => None,
                };
                // A finally block runs for any completion; re-entering it would
                // need that completion, so it is left as it is and `frames`
                // holds captures off while it runs. (So a generator cannot
                // be suspended in one and still be captured.)
                if t.finalizer.as_ref().is_some_and(contains_yield) {
                    return Err(Unsupported("a yield in a finally block"));
                }
                let finalizer = t.finalizer.map(|f| f.stmts);
                out.push(try_stmt(block_stmt, handler, finalizer));
                Ok(())
            }
            Stmt::Empty(_) | Stmt::Break(_) | Stmt::Continue(_) | Stmt::Debugger(_) => {
                out.push(s);
                Ok(())
            }
            Stmt::With(_) => Err(Unsupported("with")),
        }
    }

    /// A switch whose case tests call something: the tests become an `if`
    /// chain (in their order, the default last, as the switch tries them)
    /// that finds the index of the case to enter, and the switch dispatches
    /// on that index. `switch (d) { case f(): A; default: B; case g(): C }` ->
    /// `t = d; if (t === f()) k = 0; else if (t === g()) k = 2; else k = 1;
    /// switch (k) { case 0: A; case 1: B; case 2: C }`
    pub(super) fn switch_on_case_index(
        &mut self,
        sw: SwitchStmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let disc = self.expr(*sw.discriminant, out)?;
        let d = self.spill(disc, out);
        let k = self.temp();
        let set_k = |i: f64| Box::new(expr_stmt(assign(simple_ident_target(&k), num(i))));
        let default = sw.cases.iter().position(|c| c.test.is_none());
        let mut chain = set_k(default.map_or(-1.0, |i| i as f64));
        let mut cases = Vec::with_capacity(sw.cases.len());
        for (i, c) in sw.cases.into_iter().enumerate().rev() {
            if let Some(test) = c.test {
                chain = Box::new(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(Expr::Bin(BinExpr {
                        span: DUMMY_SP,
                        op: BinaryOp::EqEqEq,
                        left: Box::new(d.clone()),
                        right: test,
                    })),
                    cons: set_k(i as f64),
                    alt: Some(chain),
                }));
            }
            cases.push(SwitchCase {
                span: DUMMY_SP,
                test: Some(num(i as f64)),
                cons: c.cons,
            });
        }
        cases.reverse();
        self.stmt(*chain, out)?;
        self.stmt(
            Stmt::Switch(SwitchStmt {
                span: DUMMY_SP,
                body_ctxt: SyntaxContext::empty(),
                discriminant: ident_expr(&k),
                cases,
            }),
            out,
        )
    }

    pub(super) fn var_decl(&mut self, v: VarDecl, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        for d in v.decls {
            match d.init {
                Some(init) => {
                    let target = AssignTarget::try_from(d.name)
                        .map_err(|_| Unsupported("a declaration pattern"))?;
                    self.assign_stmt(target, *init, out)?;
                }
                // `let x;` starts undefined on each entry; `var x;` keeps its value.
                None if v.kind != VarDeclKind::Var => {
                    let target = AssignTarget::try_from(d.name)
                        .map_err(|_| Unsupported("a declaration pattern"))?;
                    out.push(expr_stmt(assign(target, undefined())));
                }
                None => {}
            }
        }
        Ok(())
    }
}

pub(super) fn push_labeled(out: &mut Vec<Stmt>, label: Option<Ident>, s: Stmt) {
    out.push(match label {
        Some(label) => Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label,
            body: Box::new(s),
        }),
        None => s,
    });
}

pub(super) fn contains_yield(b: &BlockStmt) -> bool {
    struct Y(bool);
    impl Visit for Y {
        fn visit_yield_expr(&mut self, _: &YieldExpr) {
            self.0 = true;
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut y = Y(false);
    b.visit_with(&mut y);
    y.0
}
