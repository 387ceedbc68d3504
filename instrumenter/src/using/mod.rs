//! `using` and `await using` declarations become `const` declarations in a
//! try statement after which what they hold is disposed, through the
//! prelude's `$$using` (prelude_using.js): the later passes see only
//! constructs they already make capturable, and a capture can stop inside a
//! dispose method or between the awaits of an async disposal. A block,
//! function body, static block or catch body whose statements hold one
//! (a switch case cannot):
//!
//! ```text
//! { S1; using x = e; S2 }
//! => { const $$us0 = $$using.stack();
//!      $$ul0: try { S1; const x = e; $$using.add($$us0, x, false); S2;
//!                   $$using.leave($$us0, 0) }
//!      catch ($$ue) { $$using.threw($$us0, $$ue) }
//!      finally { if (!$$us0.left) $$using.dispose($$us0) }
//!      $$using.dispose($$us0);
//!      if ($$us0.exit === 1) return $$us0.value; ... }
//! ```
//!
//! A `return`, `break` or `continue` out of S1 or S2 leaves the try by
//! `break $$ul0` and is taken after the disposal (exits.rs); the `finally`
//! only disposes for a generator closed while suspended in the block. With
//! `await using`, `$$using.dispose` is a loop that awaits each step
//! (`async_disposal`). `for (using x of xs) body` holds such a block per
//! iteration. The declaration stays a `const` (its own statement, so a
//! function or class value keeps the binding's name). `for (using x = e; ...)`,
//! which SWC does not parse, is read as a `using` before the loop
//! (for_heads.rs).

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::{
    binding, block, bool_lit, call, expr_stmt, ident, ident_expr, member_expr, not, null, num,
    try_stmt, var_decl,
};

mod exits;
pub mod for_heads;

/// The object prelude_using.js declares.
pub const HELPER: &str = "$$using";

pub fn run(script: &mut Script) {
    // The prelude's helper, as the resolver bound it (absent: no `using`).
    let Some(helper) = script.body.iter().find_map(|s| match s {
        Stmt::Decl(Decl::Var(v)) => match &v.decls[..] {
            [VarDeclarator {
                name: Pat::Ident(b),
                ..
            }] if &*b.id.sym == HELPER => Some(b.id.clone()),
            _ => None,
        },
        _ => None,
    }) else {
        return;
    };
    script.visit_mut_with(&mut Using { helper, next: 0 });
}

struct Using {
    helper: Ident,
    next: usize,
}

fn using_decl(s: &Stmt) -> Option<&UsingDecl> {
    match s {
        Stmt::Decl(Decl::Using(u)) => Some(u),
        _ => None,
    }
}

impl Using {
    fn call(&self, method: &str, args: Vec<Box<Expr>>) -> Box<Expr> {
        call(
            member_expr(Box::new(Expr::Ident(self.helper.clone())), method),
            args,
        )
    }

    fn fresh_stack(&mut self) -> String {
        let name = format!("$$us{}", self.next);
        self.next += 1;
        name
    }

    /// `using a = e1, b = e2;` as `const a = e1; $$using.add(s, a, async);` ...
    fn declarations(&self, u: &UsingDecl, stack: &str) -> Vec<Stmt> {
        let mut out = Vec::new();
        for d in &u.decls {
            out.push(var_decl(
                VarDeclKind::Const,
                vec![(d.name.clone(), d.init.clone())],
            ));
            let Pat::Ident(name) = &d.name else {
                unreachable!("the parser allows only identifiers in using declarations")
            };
            out.push(expr_stmt(self.call(
                "add",
                vec![
                    ident_expr(stack),
                    Box::new(Expr::Ident(name.id.clone())),
                    bool_lit(u.is_await),
                ],
            )));
        }
        out
    }

    /// Each `using` declaration at the top of `stmts` rewritten for `stack`;
    /// whether any was `await using`.
    fn rewrite_decls(&self, stmts: &mut Vec<Stmt>, stack: &str) -> bool {
        let mut is_async = false;
        let old = std::mem::take(stmts);
        for s in old {
            match using_decl(&s) {
                Some(u) => {
                    is_async |= u.is_await;
                    stmts.extend(self.declarations(u, stack));
                }
                None => stmts.push(s),
            }
        }
        is_async
    }

    /// A block's or function body's statements, if they hold `using` declarations.
    fn statements(&mut self, stmts: &mut Vec<Stmt>) {
        if !stmts.iter().any(|s| using_decl(s).is_some()) {
            return;
        }
        // (A function body's directives stay first.)
        let directives = stmts
            .iter()
            .take_while(|s| crate::ast::is_directive(s))
            .count();
        let mut body = stmts.split_off(directives);
        let stack = self.fresh_stack();
        let is_async = self.rewrite_decls(&mut body, &stack);
        stmts.extend(self.guarded(&stack, body, is_async));
    }

    /// The statements that hold `body` in a block that disposes `stack`.
    fn guarded(&self, stack: &str, mut body: Vec<Stmt>, is_async: bool) -> Vec<Stmt> {
        let label = format!("$$ul{}", &stack[4..]);
        let leave = |args| self.call("leave", args);
        let mut exits = exits::Exits::new(&leave, stack, &label);
        body.visit_mut_with(&mut exits);
        let dispatch = exits.dispatch();
        body.push(expr_stmt(
            self.call("leave", vec![ident_expr(stack), num(0.0)]),
        ));
        let err = "$$ue";
        let threw = || {
            vec![expr_stmt(
                self.call("threw", vec![ident_expr(stack), ident_expr(err)]),
            )]
        };
        // A generator closed while suspended in the block (its `return()`)
        // leaves through `finally`: disposed there, without awaiting.
        let closed = Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: Box::new(not(member_expr(ident_expr(stack), "left"))),
            cons: Box::new(expr_stmt(self.call("dispose", vec![ident_expr(stack)]))),
            alt: None,
        });
        let attempt = Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: ident(&label),
            body: Box::new(try_stmt(
                block(body),
                Some((err.into(), threw())),
                Some(vec![closed]),
            )),
        });
        let mut out = vec![
            var_decl(
                VarDeclKind::Const,
                vec![(binding(stack), Some(self.call("stack", vec![])))],
            ),
            attempt,
        ];
        if is_async {
            out.push(self.async_disposal(stack, err));
            out.push(expr_stmt(self.call("end", vec![ident_expr(stack)])));
        } else {
            out.push(expr_stmt(self.call("dispose", vec![ident_expr(stack)])));
        }
        out.extend(dispatch);
        out
    }

    /// `for (;;) { const $$uw = $$using.step(s); if ($$uw === null) break;
    /// try { await $$uw.value } catch ($$ue) { $$using.threw(s, $$ue) } }`
    fn async_disposal(&self, stack: &str, err: &str) -> Stmt {
        let step = "$$uw";
        let awaited = try_stmt(
            block(vec![expr_stmt(Box::new(Expr::Await(AwaitExpr {
                span: DUMMY_SP,
                arg: member_expr(ident_expr(step), "value"),
            })))]),
            Some((
                err.into(),
                vec![expr_stmt(
                    self.call("threw", vec![ident_expr(stack), ident_expr(err)]),
                )],
            )),
            None,
        );
        let done = Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: Box::new(Expr::Bin(BinExpr {
                span: DUMMY_SP,
                op: BinaryOp::EqEqEq,
                left: ident_expr(step),
                right: null(),
            })),
            cons: Box::new(Stmt::Break(BreakStmt {
                span: DUMMY_SP,
                label: None,
            })),
            alt: None,
        });
        Stmt::For(ForStmt {
            span: DUMMY_SP,
            init: None,
            test: None,
            update: None,
            body: Box::new(block(vec![
                var_decl(
                    VarDeclKind::Const,
                    vec![(
                        binding(step),
                        Some(self.call("step", vec![ident_expr(stack)])),
                    )],
                ),
                done,
                awaited,
            ])),
        })
    }
}

impl VisitMut for Using {
    fn visit_mut_block_stmt(&mut self, b: &mut BlockStmt) {
        b.visit_mut_children_with(self);
        self.statements(&mut b.stmts);
    }

    fn visit_mut_function_body(&mut self, b: &mut FunctionBody) {
        b.visit_mut_children_with(self);
        self.statements(&mut b.stmts);
    }

    fn visit_mut_for_of_stmt(&mut self, f: &mut ForOfStmt) {
        f.visit_mut_children_with(self);
        let ForHead::UsingDecl(u) = &f.left else {
            return;
        };
        let u = (**u).clone();
        let d = &u.decls[0];
        let Pat::Ident(name) = &d.name else {
            unreachable!("the parser allows only identifiers in using declarations")
        };
        f.left = ForHead::VarDecl(Box::new(VarDecl {
            span: u.span,
            kind: VarDeclKind::Const,
            declare: false,
            decls: vec![d.clone()],
            ..Default::default()
        }));
        let stack = self.fresh_stack();
        let add = expr_stmt(self.call(
            "add",
            vec![
                ident_expr(&stack),
                Box::new(Expr::Ident(name.id.clone())),
                bool_lit(u.is_await),
            ],
        ));
        let body = std::mem::replace(&mut *f.body, Stmt::Empty(EmptyStmt { span: DUMMY_SP }));
        *f.body = block(self.guarded(&stack, vec![add, body], u.is_await));
    }
}
