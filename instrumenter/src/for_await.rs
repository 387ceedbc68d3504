//! `for await` in a function that `desugar_async` turned into a generator
//! (a `for await` whose function is no longer async): a loop whose awaits
//! are yields (the driver awaits them), over library state a snapshot can
//! carry (`$things.asyncIterOf`, runtime/js/08_async.js). Loops in functions
//! left native stay as they are.
//!
//! `for await (const x of xs) body` becomes
//!
//! ```text
//! {
//!   const $$aw0 = $things.asyncIterOf(xs);
//!   while (true) {
//!     const $$ar0 = $things.asyncResult(yield $things.asyncNext($$aw0));
//!     if ($$ar0.done) break;
//!     try { const x = $$ar0.value; body }
//!     catch ($$ae0) { if (!$$aw0.closing) yield $things.asyncClose($$aw0, true); throw $$ae0; }
//!   }
//! }
//! ```
//!
//! and every way out of `body` other than finishing an iteration (`break`,
//! `return`, a `break`/`continue` to an outer label) first awaits
//! `$things.asyncClose` (the iterator's `return()`), as the built-in does.

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::*;

pub fn run(script: &mut Script) {
    script.visit_mut_with(&mut Loops {
        in_async: vec![false],
        loops: 0,
    });
}

struct Loops {
    /// Whether each enclosing function is (still) async, innermost last.
    in_async: Vec<bool>,
    /// Loops rewritten so far (their names are numbered).
    loops: usize,
}

impl VisitMut for Loops {
    fn visit_mut_function(&mut self, f: &mut Function) {
        self.in_async.push(f.is_async);
        f.visit_mut_children_with(self);
        self.in_async.pop();
    }
    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        self.in_async.push(a.is_async);
        a.visit_mut_children_with(self);
        self.in_async.pop();
    }
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        // Inner loops first; a labeled loop keeps its label.
        let (label, f) = match s {
            Stmt::Labeled(LabeledStmt { label, body, .. }) if matches!(&**body, Stmt::ForOf(f) if f.is_await) =>
            {
                let Stmt::ForOf(f) = &mut **body else {
                    unreachable!()
                };
                f.visit_mut_children_with(self);
                (Some(label.clone()), f)
            }
            _ => {
                s.visit_mut_children_with(self);
                match s {
                    Stmt::ForOf(f) if f.is_await => (None, f),
                    _ => return,
                }
            }
        };
        if self.in_async.last() == Some(&true) {
            return;
        }
        let f = std::mem::replace(
            f,
            ForOfStmt {
                span: DUMMY_SP,
                is_await: false,
                left: ForHead::Pat(Box::new(Pat::Invalid(Invalid { span: DUMMY_SP }))),
                right: ident_expr("undefined"),
                body: Box::new(Stmt::Empty(EmptyStmt { span: DUMMY_SP })),
            },
        );
        *s = rewrite(f, label, self.loops);
        self.loops += 1;
    }
}

/// The loop replacing one `for await` statement (with its label, if it
/// has one); `n` makes its names unique.
fn rewrite(f: ForOfStmt, label: Option<Ident>, n: usize) -> Stmt {
    let state = format!("$$aw{n}");
    let result = format!("$$ar{n}");
    let caught = format!("$$ae{n}");
    let close = |quiet: bool| {
        let mut args = vec![ident_expr(&state)];
        if quiet {
            args.push(Box::new(Expr::Lit(Lit::Bool(true.into()))));
        }
        yield_of(lib_call("asyncClose", args))
    };
    let value = member_expr(ident_expr(&result), "value");
    let bind = match f.left {
        ForHead::VarDecl(mut v) => {
            v.decls[0].init = Some(value);
            Stmt::Decl(Decl::Var(v))
        }
        ForHead::Pat(p) => expr_stmt(assign(
            AssignTarget::try_from(*p).expect("a for-of target is assignable"),
            value,
        )),
        ForHead::UsingDecl(_) => unreachable!("`using` is not parsed for scripts"),
    };
    let mut body = match *f.body {
        Stmt::Block(b) => b.stmts,
        other => vec![other],
    };
    let inner_labels = labels_in(&body);
    body.visit_mut_with(&mut CloseOnExit {
        close: &close,
        own: label.as_ref().map(|l| l.sym.to_string()),
        inner_labels,
        depth: 0,
    });
    // Binding the value can throw too (a destructuring of null): inside the try.
    body.insert(0, bind);
    let guarded_body = Stmt::Try(Box::new(TryStmt {
        span: DUMMY_SP,
        block: BlockStmt {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            stmts: body,
        },
        handler: Some(CatchClause {
            span: DUMMY_SP,
            param: Some(binding(&caught)),
            body: BlockStmt {
                span: DUMMY_SP,
                ctxt: SyntaxContext::empty(),
                stmts: vec![
                    Stmt::If(IfStmt {
                        span: DUMMY_SP,
                        test: Box::new(Expr::Unary(UnaryExpr {
                            span: DUMMY_SP,
                            op: UnaryOp::Bang,
                            arg: member_expr(ident_expr(&state), "closing"),
                        })),
                        cons: Box::new(expr_stmt(close(true))),
                        alt: None,
                    }),
                    Stmt::Throw(ThrowStmt {
                        span: DUMMY_SP,
                        arg: ident_expr(&caught),
                    }),
                ],
            },
        }),
        finalizer: None,
    }));
    let step = var_decl(
        VarDeclKind::Const,
        vec![(
            binding(&result),
            Some(lib_call(
                "asyncResult",
                vec![yield_of(lib_call("asyncNext", vec![ident_expr(&state)]))],
            )),
        )],
    );
    let done = Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: member_expr(ident_expr(&result), "done"),
        cons: Box::new(Stmt::Break(BreakStmt {
            span: DUMMY_SP,
            label: None,
        })),
        alt: None,
    });
    let mut lp = Stmt::While(WhileStmt {
        span: DUMMY_SP,
        test: Box::new(Expr::Lit(Lit::Bool(true.into()))),
        body: Box::new(block(vec![step, done, guarded_body])),
    });
    if let Some(label) = label {
        lp = Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label,
            body: Box::new(lp),
        });
    }
    block(vec![
        var_decl(
            VarDeclKind::Const,
            vec![(
                binding(&state),
                Some(lib_call("asyncIterOf", vec![f.right])),
            )],
        ),
        lp,
    ])
}

/// Labels declared inside the loop body (jumps to them stay inside).
fn labels_in(stmts: &[Stmt]) -> Vec<String> {
    struct L(Vec<String>);
    impl Visit for L {
        fn visit_labeled_stmt(&mut self, l: &LabeledStmt) {
            self.0.push(l.label.sym.to_string());
            l.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut l = L(Vec::new());
    stmts.visit_with(&mut l);
    l.0
}

/// Puts `yield <close>;` before each jump out of the loop body.
struct CloseOnExit<'a> {
    close: &'a dyn Fn(bool) -> Box<Expr>,
    /// The loop's own label (`continue` to it stays in the loop).
    own: Option<String>,
    inner_labels: Vec<String>,
    /// Loops and switches entered inside the body (an unlabeled `break`
    /// there is theirs; an unlabeled `continue` inside a loop too).
    depth: usize,
}

impl VisitMut for CloseOnExit<'_> {
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        let leaves = match s {
            Stmt::Break(BreakStmt { label: None, .. }) => self.depth == 0,
            Stmt::Break(BreakStmt { label: Some(l), .. }) => {
                !self.inner_labels.iter().any(|x| *x == *l.sym)
            }
            Stmt::Continue(ContinueStmt { label: Some(l), .. }) => {
                !self.inner_labels.iter().any(|x| *x == *l.sym)
                    && self.own.as_deref() != Some(&*l.sym)
            }
            Stmt::Return(_) => true,
            Stmt::For(_)
            | Stmt::ForIn(_)
            | Stmt::ForOf(_)
            | Stmt::While(_)
            | Stmt::DoWhile(_)
            | Stmt::Switch(_) => {
                self.depth += 1;
                s.visit_mut_children_with(self);
                self.depth -= 1;
                false
            }
            _ => {
                s.visit_mut_children_with(self);
                false
            }
        };
        if leaves {
            let jump = std::mem::replace(s, Stmt::Empty(EmptyStmt { span: DUMMY_SP }));
            *s = match jump {
                // The returned value is evaluated before the iterator closes.
                Stmt::Return(ReturnStmt { arg: Some(v), .. }) => Stmt::Return(ReturnStmt {
                    span: DUMMY_SP,
                    arg: Some(lib_call("first", vec![v, (self.close)(false)])),
                }),
                jump => block(vec![expr_stmt((self.close)(false)), jump]),
            };
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

#[cfg(test)]
mod tests {
    use crate::testing::{print, squash, with_script};

    /// `desugar_async`, then this pass.
    fn rewrite_loops(source: &str) -> String {
        with_script(source, |s| {
            crate::desugar_async::run(s);
            super::run(s);
            squash(&print(s.body.clone()))
        })
    }

    #[test]
    fn for_await_becomes_a_loop_of_awaits_that_closes_on_exit() {
        let code =
            rewrite_loops("async function h(xs) { for await (const x of xs) { if (x) break; } }");
        assert!(
            code.contains("const $$aw0 = $things.asyncIterOf(xs); while(true){ const $$ar0 = $things.asyncResult((yield $things.asyncNext($$aw0))); if ($$ar0.done) break; try { const x = $$ar0.value; if (x) { yield $things.asyncClose($$aw0); break; } } catch ($$ae0) {"),
            "{code}"
        );
    }

    #[test]
    fn loops_in_functions_left_native_stay() {
        let code = rewrite_loops(
            "class A extends B { async m(xs) { for await (const x of xs) super.f(x); } }",
        );
        assert!(code.contains("for await (const x of xs)"), "{code}");
    }
}
