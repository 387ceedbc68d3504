//! The normal body, the one that runs: each site is followed by
//! `if ($$cap) { $$l = k; break $$capture; }`, each yield point is
//! `if (--$$c < 0) { $$c = $things.yield(); <that check> }`; a generator
//! records itself when a snapshot looks at it suspended. No resume guards.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use super::*;

/// The normal body: the normalized statements with a capture check after
/// each site and yield point, inside the block a capturing frame breaks out
/// of to record itself.
pub(super) fn body(directives: &[Stmt], norm: &Normalized, m: Mode, record: &Expr) -> Vec<Stmt> {
    let mut body = norm.body.clone();
    body.visit_mut_with(&mut NormalSites(m));
    let mut normal = directives.to_vec();
    let mut declared = norm.locals.clone();
    declared.extend(["$$l".to_string(), "$$ret".to_string()]);
    normal.push(declare_names(&declared));
    match m {
        Mode::Function => {
            let mut inner = vec![yield_check(0)];
            inner.extend(body);
            normal.extend(with_recorder(inner, Box::new(record.clone())));
        }
        Mode::Generator(record) => {
            // A look at a generator that has not started runs it to here.
            normal.push(Stmt::If(IfStmt {
                span: DUMMY_SP,
                test: member_expr(ident_expr(LIB), "peeking"),
                cons: Box::new(block(vec![
                    set_label(0),
                    expr_stmt(Box::new(record.clone())),
                    peek_loop(0, bare_yield(), record),
                ])),
                alt: None,
            }));
            normal.extend(body);
        }
    }

    normal
}

/// `if ($$cap) { $$l = k; break $$capture; }`
pub(super) fn capture_check(k: usize) -> Stmt {
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: ident_expr(CAP),
        cons: Box::new(block(vec![
            set_label(k),
            Stmt::Break(BreakStmt {
                span: DUMMY_SP,
                label: Some(ident(CAPTURE_LABEL)),
            }),
        ])),
        alt: None,
    })
}

/// `if (--$$c < 0) { $$c = $things.yield(); <capture check> }`
pub(super) fn yield_check(k: usize) -> Stmt {
    let dec = Expr::Update(UpdateExpr {
        span: DUMMY_SP,
        op: UpdateOp::MinusMinus,
        prefix: true,
        arg: ident_expr(COUNTER),
    });
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: Box::new(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::Lt,
            left: Box::new(dec),
            right: num(0.0),
        })),
        cons: Box::new(block(vec![
            expr_stmt(assign(
                simple_ident_target(COUNTER),
                lib_call("yield", vec![]),
            )),
            capture_check(k),
        ])),
        alt: None,
    })
}

pub(super) fn set_label(k: usize) -> Stmt {
    expr_stmt(assign(simple_ident_target("$$l"), num(k as f64)))
}

/// Expands the site markers of the normal body, filters captures out of the
/// program's catch clauses, and holds captures off in finally blocks.
pub(super) struct NormalSites<'a>(pub(super) Mode<'a>);

impl VisitMut for NormalSites<'_> {
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        s.visit_mut_children_with(self);
        if let Stmt::Labeled(l) = s {
            if let Some(k) = site_of(&l.label) {
                *s = expand_normal_site(
                    k,
                    std::mem::replace(&mut *l.body, Stmt::Empty(EmptyStmt { span: DUMMY_SP })),
                    self.0,
                );
            }
        }
    }
    fn visit_mut_try_stmt(&mut self, t: &mut TryStmt) {
        t.visit_mut_children_with(self);
        if let Mode::Function = self.0 {
            filter_captures(t);
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

pub(super) fn expand_normal_site(k: usize, body: Stmt, m: Mode) -> Stmt {
    match (body, m) {
        (Stmt::Labeled(l), Mode::Function) if &*l.label.sym == YIELD_MARK => yield_check(k),
        (Stmt::Labeled(l), Mode::Generator(_)) if &*l.label.sym == YIELD_MARK => {
            Stmt::Empty(EmptyStmt { span: DUMMY_SP })
        }
        (other, Mode::Function) => {
            let call = site_call(&other);
            expand_site(k, other, call)
        }
        (other, Mode::Generator(record)) => match site_call(&other) {
            y if matches!(*y, Expr::Yield(_)) => peek_site(k, other, y, record),
            // Captures are held off while a generator runs: a call is no site.
            _ => other,
        },
    }
}

/// A generator's yield site, `target = yield v`, where a look at the
/// suspended generator (`next($things.PEEK)`) records the frame and yields
/// again: `while (($$ret = yield v) === $things.PEEK) { $$l = k; <record> }
/// target = $$ret;`.
pub(super) fn peek_site(k: usize, s: Stmt, y: Box<Expr>, record: &Expr) -> Stmt {
    let looked = peek_loop(k, y, record);
    let ret = ident_expr("$$ret");
    match s {
        Stmt::Expr(e) => match *e.expr {
            Expr::Assign(a) => block(vec![
                looked,
                expr_stmt(Box::new(Expr::Assign(AssignExpr { right: ret, ..a }))),
            ]),
            _ => looked,
        },
        Stmt::Return(_) => block(vec![
            looked,
            Stmt::Return(ReturnStmt {
                span: DUMMY_SP,
                arg: Some(ret),
            }),
        ]),
        other => other,
    }
}

/// `while (($$ret = <yield>) === $things.PEEK) { $$l = k; <record> }`
pub(super) fn peek_loop(k: usize, y: Box<Expr>, record: &Expr) -> Stmt {
    Stmt::While(WhileStmt {
        span: DUMMY_SP,
        test: Box::new(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::EqEqEq,
            left: assign(simple_ident_target("$$ret"), y),
            right: member_expr(ident_expr(LIB), "PEEK"),
        })),
        body: Box::new(block(vec![
            set_label(k),
            expr_stmt(Box::new(record.clone())),
        ])),
    })
}

pub(super) fn bare_yield() -> Box<Expr> {
    Box::new(Expr::Yield(YieldExpr {
        span: DUMMY_SP,
        arg: None,
        delegate: false,
    }))
}

/// The call of a site statement.
pub(super) fn site_call(s: &Stmt) -> Box<Expr> {
    match s {
        Stmt::Expr(e) => match &*e.expr {
            Expr::Assign(a) => a.right.clone(),
            other => Box::new(other.clone()),
        },
        Stmt::Return(r) => r.arg.clone().expect("a return site returns a call"),
        _ => unreachable!("a site is an expression statement or a return"),
    }
}

/// A site statement performing `call` (the program's call, or a re-entry)
/// and then the capture check. The result goes through `$$ret` where
/// storing it could be seen before the check (a member, a return).
pub(super) fn expand_site(k: usize, s: Stmt, call: Box<Expr>) -> Stmt {
    let ret = || simple_ident_target("$$ret");
    match s {
        Stmt::Expr(e) => match *e.expr {
            Expr::Assign(a)
                if matches!(a.left, AssignTarget::Simple(SimpleAssignTarget::Ident(_))) =>
            {
                block(vec![
                    expr_stmt(Box::new(Expr::Assign(AssignExpr { right: call, ..a }))),
                    capture_check(k),
                ])
            }
            Expr::Assign(a) => block(vec![
                expr_stmt(assign(ret(), call)),
                capture_check(k),
                expr_stmt(Box::new(Expr::Assign(AssignExpr {
                    right: ident_expr("$$ret"),
                    ..a
                }))),
            ]),
            _ => block(vec![expr_stmt(call), capture_check(k)]),
        },
        Stmt::Return(_) => block(vec![
            expr_stmt(assign(ret(), call)),
            capture_check(k),
            Stmt::Return(ReturnStmt {
                span: DUMMY_SP,
                arg: Some(ident_expr("$$ret")),
            }),
        ]),
        other => other,
    }
}
