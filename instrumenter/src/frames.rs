//! Capturable frames: the code around a normalized function body that lets
//! a capture record the frame and a restore re-enter it.
//!
//! A capture does not throw (in QuickJS an exception that passes many
//! handlers costs time in the depth of the stack at each one): `$things.yield()`
//! raises the wrapper's flag `$$cap`, and every frame, right after the yield
//! point or call it is at, sees the flag, breaks out to its `$$capture` block,
//! records itself (body, site, locals, this) and returns; so does its caller,
//! down to the task dispatcher.
//!
//! The *normal body* is what runs: the normalized statements, each site
//! followed by `if ($$cap) { $$l = k; break $$capture; }`, yield points as
//! `if (--$$c < 0) { $$c = $things.yield(); <that check> }`. It carries no
//! resume guards.
//!
//! The *resume body* (`$$rB`, a top-level factory like the closure factories)
//! is only used to re-enter a restored frame: it restores the locals and runs
//! the same statements with guards (`$$r`: still resuming, `$$k`: the target
//! site) that skip everything before the target site; at a call site it
//! re-enters the next restored frame instead of calling.
//!
//! Functions that cannot be re-entered (getters, setters, constructors, ...)
//! and bodies the normalization does not handle are *guarded* instead:
//! `$things.nc` is raised while they run, and a capture waits for it to drop.

use std::collections::HashMap;

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::*;
use crate::normalize::{self, block, not, simple_ident_target, try_stmt, YIELD_MARK};

/// The sentinel a capture throws (a wrapper-level constant).
pub const CAP: &str = "$$cap";
/// The block a capturing frame breaks out of.
const CAPTURE_LABEL: &str = "$$capture";
/// The yield budget (a wrapper-level variable).
pub const COUNTER: &str = "$$c";

pub struct Body {
    /// This body's index in the resume-factory table.
    pub id: usize,
    pub params: Vec<Pat>,
    pub stmts: Vec<Stmt>,
    /// The function's own name, if it is a named function expression.
    pub self_name: Option<String>,
    /// The innermost scope object around the function (its factory's `$$e`).
    pub env: Option<String>,
    /// The prologue that rebuilds the scope-object chain from `$$e`.
    pub prologue: Vec<Stmt>,
    /// Arrows have no `this` or `arguments` of their own.
    pub arrow: bool,
    pub generator: bool,
}

pub enum Framed {
    /// The normal body and the resume factory `$$rB`.
    Capturable(Vec<Stmt>, Stmt),
    /// The body could not be made capturable (the reason given): a function
    /// runs guarded, a generator as it is.
    Uncapturable(Vec<Stmt>, &'static str),
}

/// How a body's sites are expanded.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// A function: a capture unwinds it from its sites and yield points.
    Function,
    /// A generator (captures are held off while it runs): its frame is
    /// recorded, with this record, when a snapshot looks at it suspended.
    Generator(&'a Expr),
}

pub fn capturable(b: Body) -> Framed {
    let (directives, stmts): (Vec<Stmt>, Vec<Stmt>) = split_directives(b.stmts.clone());
    let norm = match normalize::function_body(&b.params, stmts) {
        Ok(n) => n,
        // A generator's body keeps running plainly (holding captures off
        // across its yields would stop them for as long as it is suspended).
        Err(normalize::Unsupported(reason)) if b.generator => {
            return Framed::Uncapturable(b.stmts, reason)
        }
        Err(normalize::Unsupported(reason)) => {
            return Framed::Uncapturable(guarded(b.stmts), reason)
        }
    };
    let mut names: Vec<String> = Vec::new();
    for p in &b.params {
        param_names(p, &mut names);
    }
    names.extend(norm.locals.iter().cloned());
    let uses_arguments = !b.arrow && uses_arguments(&norm.body);
    let record = record(&b, &names, &norm.live, uses_arguments);
    let m = if b.generator {
        Mode::Generator(&record)
    } else {
        Mode::Function
    };

    // The normal body.
    let mut body = norm.body.clone();
    body.visit_mut_with(&mut NormalSites(m));
    let mut normal = directives.clone();
    let mut declared = norm.locals.clone();
    declared.extend(["$$l".to_string(), "$$ret".to_string()]);
    normal.push(declare_names(&declared));
    match m {
        Mode::Function => {
            let mut inner = vec![yield_check(0)];
            inner.extend(body);
            normal.extend(with_recorder(inner, record.clone()));
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

    // The resume body.
    let mut resume_body = norm.body;
    if uses_arguments {
        resume_body.visit_mut_with(&mut RenameArguments);
    }
    let mut resume = directives;
    if !names.is_empty() {
        resume.push(declare_names(&names));
        resume.push(expr_stmt(assign(
            AssignTarget::Pat(AssignTargetPat::Array(ArrayPat {
                span: DUMMY_SP,
                elems: names.iter().map(|n| Some(binding(n))).collect(),
                optional: false,
                type_ann: None,
            })),
            member_expr(ident_expr("$$fr"), "l"),
        )));
    }
    let mut frame_vars = vec![];
    if uses_arguments {
        frame_vars.push(("$$args", "a"));
    }
    if b.generator {
        // A restore creates the generator object before it knows `this`.
        frame_vars.push(("$$this", "t"));
    }
    frame_vars.extend([("$$l", "s"), ("$$k", "s")]);
    let mut vars: Vec<(Pat, Option<Box<Expr>>)> = frame_vars
        .into_iter()
        .map(|(v, field)| (binding(v), Some(member_expr(ident_expr("$$fr"), field))))
        .collect();
    vars.push((
        binding("$$r"),
        Some(Box::new(Expr::Lit(Lit::Bool(true.into())))),
    ));
    vars.push((binding("$$ret"), None));
    resume.push(var_decl(VarDeclKind::Let, vars));
    match m {
        Mode::Function => {
            let mut inner = vec![resume_yield(0)];
            inner.extend(resume_stmts(resume_body, m));
            resume.extend(with_recorder(inner, record.clone()));
        }
        Mode::Generator(record) => {
            // `if ($$r && $$k === 0) { $$r = false; <suspended at the start> }`
            resume.push(Stmt::If(IfStmt {
                span: DUMMY_SP,
                test: resuming_at(0, 0),
                cons: Box::new(block(vec![
                    stop_resuming(),
                    peek_loop(0, bare_yield(), record),
                ])),
                alt: None,
            }));
            resume.extend(resume_stmts(resume_body, m));
            resume.visit_mut_with(&mut ThisFromFrame);
        }
    }

    let mut factory = b.prologue.clone();
    if let Some(n) = &b.self_name {
        factory.push(var_decl(
            VarDeclKind::Const,
            vec![(binding(n), Some(ident_expr("$$self")))],
        ));
    }
    factory.push(Stmt::Return(ReturnStmt {
        span: DUMMY_SP,
        arg: Some(Box::new(Expr::Fn(FnExpr {
            ident: None,
            function: Box::new(function(vec![binding("$$fr")], resume, b.generator)),
        }))),
    }));
    let decl = Stmt::Decl(Decl::Fn(FnDecl {
        ident: ident(&format!("$$r{}", b.id)),
        declare: false,
        function: Box::new(function(
            vec![binding("$$e"), binding("$$self")],
            factory,
            false,
        )),
    }));
    Framed::Capturable(normal, decl)
}

fn stop_resuming() -> Stmt {
    expr_stmt(assign(
        simple_ident_target("$$r"),
        Box::new(Expr::Lit(Lit::Bool(false.into()))),
    ))
}

/// `$things.nc++; try { body } finally { $things.nc--; }`
pub fn guarded(stmts: Vec<Stmt>) -> Vec<Stmt> {
    let (mut out, stmts) = split_directives(stmts);
    out.push(expr_stmt(Box::new(Expr::Update(UpdateExpr {
        span: DUMMY_SP,
        op: UpdateOp::PlusPlus,
        prefix: false,
        arg: member_expr(ident_expr(LIB), "nc"),
    }))));
    out.push(try_stmt(
        block(stmts),
        None,
        Some(vec![expr_stmt(Box::new(Expr::Update(UpdateExpr {
            span: DUMMY_SP,
            op: UpdateOp::MinusMinus,
            prefix: false,
            arg: member_expr(ident_expr(LIB), "nc"),
        })))]),
    ));
    out
}

fn split_directives(stmts: Vec<Stmt>) -> (Vec<Stmt>, Vec<Stmt>) {
    let n = stmts.iter().take_while(|s| is_directive(s)).count();
    let mut stmts = stmts;
    let rest = stmts.split_off(n);
    (stmts, rest)
}

/// `var` rather than `let`: QuickJS checks a `let` for its temporal dead
/// zone at every read, and these are declared before any use anyway.
fn declare_names(names: &[String]) -> Stmt {
    var_decl(
        VarDeclKind::Var,
        names.iter().map(|n| (binding(n), None)).collect(),
    )
}

/// `$$capture: { inner; return; } $things.frame(...); return;`: the body,
/// and the record a capturing frame breaks out to.
fn with_recorder(mut inner: Vec<Stmt>, record: Box<Expr>) -> Vec<Stmt> {
    inner.push(Stmt::Return(ReturnStmt {
        span: DUMMY_SP,
        arg: None,
    }));
    vec![
        Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: ident(CAPTURE_LABEL),
            body: Box::new(block(inner)),
        }),
        expr_stmt(record),
        Stmt::Return(ReturnStmt {
            span: DUMMY_SP,
            arg: None,
        }),
    ]
}

/// `$things.frame(B, $$l, self, this, [locals], env, args)`: the frame's record.
fn record(
    b: &Body,
    names: &[String],
    live: &HashMap<String, Vec<usize>>,
    uses_arguments: bool,
) -> Box<Expr> {
    let undefined_or = |cond: bool, e: Box<Expr>| if cond { e } else { undefined() };
    lib_call(
        "frame",
        vec![
            num(b.id as f64),
            ident_expr("$$l"),
            match &b.self_name {
                Some(n) => ident_expr(n),
                None => undefined(),
            },
            undefined_or(!b.arrow, Box::new(Expr::This(ThisExpr { span: DUMMY_SP }))),
            Box::new(Expr::Array(ArrayLit {
                span: DUMMY_SP,
                elems: names
                    .iter()
                    .map(|n| {
                        Some(ExprOrSpread {
                            spread: None,
                            expr: recorded(n, live),
                        })
                    })
                    .collect(),
            })),
            b.env.as_deref().map(ident_expr).unwrap_or_else(null),
            undefined_or(
                uses_arguments,
                lib_call(
                    "argsOf",
                    vec![ident_expr(if b.arrow { "undefined" } else { "arguments" })],
                ),
            ),
        ],
    )
}

/// `if ($$cap) { $$l = k; break $$capture; }`
fn capture_check(k: usize) -> Stmt {
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

/// A local as the frame records it: a temporary only at the sites where it
/// is live (a dead one may hold anything, an engine iterator for instance).
fn recorded(name: &str, live: &HashMap<String, Vec<usize>>) -> Box<Expr> {
    let Some(sites) = live.get(name) else {
        return ident_expr(name);
    };
    if sites.is_empty() {
        return undefined();
    }
    let test = sites
        .iter()
        .map(|k| {
            Box::new(Expr::Bin(BinExpr {
                span: DUMMY_SP,
                op: BinaryOp::EqEqEq,
                left: ident_expr("$$l"),
                right: num(*k as f64),
            }))
        })
        .reduce(|a, b| {
            Box::new(Expr::Bin(BinExpr {
                span: DUMMY_SP,
                op: BinaryOp::LogicalOr,
                left: a,
                right: b,
            }))
        })
        .expect("a site");
    Box::new(Expr::Cond(CondExpr {
        span: DUMMY_SP,
        test,
        cons: ident_expr(name),
        alt: undefined(),
    }))
}

/// `if (--$$c < 0) { $$c = $things.yield(); <capture check> }`
fn yield_check(k: usize) -> Stmt {
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

fn set_label(k: usize) -> Stmt {
    expr_stmt(assign(simple_ident_target("$$l"), num(k as f64)))
}

/// At a yield point of a resume body: the target one stops the resuming.
fn resume_yield(k: usize) -> Stmt {
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: ident_expr("$$r"),
        // Braced: an `if` without `else` as the branch of an `if` with one.
        cons: Box::new(block(vec![Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: is_target(k, k),
            cons: Box::new(stop_resuming()),
            alt: None,
        })])),
        alt: Some(Box::new(yield_check(k))),
    })
}

/// `$$r || test`: a loop is entered while resuming.
fn resuming_or(test: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LogicalOr,
        left: ident_expr("$$r"),
        right: test,
    }))
}

/// `$$r && <$$k in lo..=hi>`: resuming towards a site in that range.
fn resuming_at(lo: usize, hi: usize) -> Box<Expr> {
    Box::new(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LogicalAnd,
        left: ident_expr("$$r"),
        right: is_target(lo, hi),
    }))
}

/// `$$k >= lo && $$k <= hi`
fn is_target(lo: usize, hi: usize) -> Box<Expr> {
    let ge = Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::GtEq,
        left: ident_expr("$$k"),
        right: num(lo as f64),
    });
    if lo == hi {
        return Box::new(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::EqEqEq,
            left: ident_expr("$$k"),
            right: num(lo as f64),
        }));
    }
    let le = Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LtEq,
        left: ident_expr("$$k"),
        right: num(hi as f64),
    });
    Box::new(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LogicalAnd,
        left: Box::new(ge),
        right: Box::new(le),
    }))
}

/// A site label's number.
fn site_of(label: &Ident) -> Option<usize> {
    label.sym.strip_prefix("$$L")?.parse().ok()
}

/// The range of site numbers inside a statement.
fn sites_in(s: &Stmt) -> Option<(usize, usize)> {
    struct R(Option<(usize, usize)>);
    impl swc_ecma_visit::Visit for R {
        fn visit_labeled_stmt(&mut self, l: &LabeledStmt) {
            if let Some(k) = site_of(&l.label) {
                self.0 = Some(match self.0 {
                    None => (k, k),
                    Some((lo, hi)) => (lo.min(k), hi.max(k)),
                });
            }
            swc_ecma_visit::VisitWith::visit_children_with(l, self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut r = R(None);
    swc_ecma_visit::VisitWith::visit_with(s, &mut r);
    r.0
}

/// Expands the site markers of the normal body, filters captures out of the
/// program's catch clauses, and holds captures off in finally blocks.
struct NormalSites<'a>(Mode<'a>);

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

fn expand_normal_site(k: usize, body: Stmt, m: Mode) -> Stmt {
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
fn peek_site(k: usize, s: Stmt, y: Box<Expr>, record: &Expr) -> Stmt {
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
fn peek_loop(k: usize, y: Box<Expr>, record: &Expr) -> Stmt {
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

fn bare_yield() -> Box<Expr> {
    Box::new(Expr::Yield(YieldExpr {
        span: DUMMY_SP,
        arg: None,
        delegate: false,
    }))
}

/// The call of a site statement.
fn site_call(s: &Stmt) -> Box<Expr> {
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
fn expand_site(k: usize, s: Stmt, call: Box<Expr>) -> Stmt {
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

/// A capturing frame breaks out through the program's finally blocks, which
/// must not run then (they run when the frame is re-entered and completes);
/// and they hold captures off while they run.
fn filter_captures(t: &mut TryStmt) {
    if let Some(f) = &mut t.finalizer {
        let body = guarded(std::mem::take(&mut f.stmts));
        f.stmts = vec![Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: Box::new(not(ident_expr(CAP))),
            cons: Box::new(block(body)),
            alt: None,
        })];
    }
}

/// The statements of a resume body: those before the target site are
/// skipped, the one holding it is entered, the rest run as usual.
fn resume_stmts(stmts: Vec<Stmt>, m: Mode) -> Vec<Stmt> {
    let mut out = Vec::new();
    let mut plain = Vec::new();
    let flush = |plain: &mut Vec<Stmt>, out: &mut Vec<Stmt>| {
        if !plain.is_empty() {
            let mut stmts = std::mem::take(plain);
            stmts.visit_mut_with(&mut NormalSites(m));
            out.push(Stmt::If(IfStmt {
                span: DUMMY_SP,
                test: Box::new(not(ident_expr("$$r"))),
                cons: Box::new(block(stmts)),
                alt: None,
            }));
        }
    };
    for s in stmts {
        match sites_in(&s) {
            None => plain.push(s),
            Some((lo, hi)) => {
                flush(&mut plain, &mut out);
                let test = Expr::Bin(BinExpr {
                    span: DUMMY_SP,
                    op: BinaryOp::LogicalOr,
                    left: Box::new(not(ident_expr("$$r"))),
                    right: is_target(lo, hi),
                });
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(block(vec![resume_stmt(s, m)])),
                    alt: None,
                }));
            }
        }
    }
    flush(&mut plain, &mut out);
    out
}

fn resume_block(s: Stmt, m: Mode) -> Stmt {
    match s {
        Stmt::Block(b) => block(resume_stmts(b.stmts, m)),
        other => block(resume_stmts(vec![other], m)),
    }
}

fn resume_stmt(s: Stmt, m: Mode) -> Stmt {
    match s {
        Stmt::Labeled(l) if site_of(&l.label).is_some() => {
            let k = site_of(&l.label).expect("a site");
            match *l.body {
                Stmt::Labeled(y) if &*y.label.sym == YIELD_MARK => match m {
                    Mode::Function => resume_yield(k),
                    Mode::Generator(_) => Stmt::Empty(EmptyStmt { span: DUMMY_SP }),
                },
                // Resuming at a generator's yield site suspends it there again
                // (its call sites are never the target).
                body if matches!(m, Mode::Generator(_)) => {
                    let target = matches!(*site_call(&body), Expr::Yield(_));
                    let site = expand_normal_site(k, body, m);
                    if target {
                        block(vec![stop_resuming(), site])
                    } else {
                        site
                    }
                }
                // `if ($$r) { $$r = false; <the site, re-entering> } else <the site>`
                body => {
                    let resuming = block(vec![
                        stop_resuming(),
                        expand_site(k, body.clone(), lib_call("reenter", vec![])),
                    ]);
                    Stmt::If(IfStmt {
                        span: DUMMY_SP,
                        test: ident_expr("$$r"),
                        cons: Box::new(resuming),
                        alt: Some(Box::new(expand_normal_site(k, body, m))),
                    })
                }
            }
        }
        Stmt::Block(b) => block(resume_stmts(b.stmts, m)),
        Stmt::If(i) => {
            let cons_range = sites_in(&i.cons);
            let test = match cons_range {
                Some((lo, hi)) => Expr::Cond(CondExpr {
                    span: DUMMY_SP,
                    test: ident_expr("$$r"),
                    cons: is_target(lo, hi),
                    alt: i.test,
                }),
                None => Expr::Cond(CondExpr {
                    span: DUMMY_SP,
                    test: ident_expr("$$r"),
                    cons: Box::new(Expr::Lit(Lit::Bool(false.into()))),
                    alt: i.test,
                }),
            };
            Stmt::If(IfStmt {
                span: DUMMY_SP,
                test: Box::new(test),
                cons: Box::new(resume_block(*i.cons, m)),
                alt: i.alt.map(|a| Box::new(resume_block(*a, m))),
            })
        }
        Stmt::While(w) => Stmt::While(WhileStmt {
            span: DUMMY_SP,
            test: resuming_or(w.test),
            body: Box::new(resume_block(*w.body, m)),
        }),
        Stmt::DoWhile(d) => Stmt::DoWhile(DoWhileStmt {
            span: DUMMY_SP,
            test: d.test,
            body: Box::new(resume_block(*d.body, m)),
        }),
        Stmt::For(f) => Stmt::For(ForStmt {
            span: DUMMY_SP,
            init: None,
            test: Some(match f.test {
                Some(t) => resuming_or(t),
                None => Box::new(Expr::Lit(Lit::Bool(true.into()))),
            }),
            update: f.update,
            body: Box::new(resume_block(*f.body, m)),
        }),
        Stmt::Labeled(l) => Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: l.label,
            body: Box::new(resume_stmt(*l.body, m)),
        }),
        Stmt::Switch(sw) => {
            // Resuming selects the case holding the target with a marker value.
            let marker = member_expr(ident_expr(LIB), "RESUME");
            let cases = sw
                .cases
                .into_iter()
                .map(|c| {
                    let range = sites_in(&block(c.cons.clone()));
                    let test = match (c.test, range) {
                        (Some(t), Some((lo, hi))) => Some(Box::new(Expr::Cond(CondExpr {
                            span: DUMMY_SP,
                            test: resuming_at(lo, hi),
                            cons: marker.clone(),
                            alt: t,
                        }))),
                        (t, _) => t,
                    };
                    SwitchCase {
                        span: DUMMY_SP,
                        test,
                        cons: resume_stmts(c.cons, m),
                    }
                })
                .collect();
            Stmt::Switch(SwitchStmt {
                span: DUMMY_SP,
                body_ctxt: SyntaxContext::empty(),
                discriminant: Box::new(Expr::Cond(CondExpr {
                    span: DUMMY_SP,
                    test: ident_expr("$$r"),
                    cons: marker,
                    alt: sw.discriminant,
                })),
                cases,
            })
        }
        Stmt::Try(t) => {
            let t = *t;
            let catch_range = t
                .handler
                .as_ref()
                .and_then(|h| sites_in(&Stmt::Block(h.body.clone())));
            let mut block_stmts = Vec::new();
            if let Some((lo, hi)) = catch_range {
                // Re-entering a catch block: throw the marker into it.
                block_stmts.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: resuming_at(lo, hi),
                    cons: Box::new(Stmt::Throw(ThrowStmt {
                        span: DUMMY_SP,
                        arg: member_expr(ident_expr(LIB), "RESUME"),
                    })),
                    alt: None,
                }));
            }
            block_stmts.extend(resume_stmts(t.block.stmts, m));
            let handler = t.handler.map(|h| {
                let param = match h.param {
                    Some(Pat::Ident(p)) => p.id.sym.to_string(),
                    _ => "$$x".to_string(),
                };
                let mut body = h.body.stmts;
                // The first statement assigns the caught value to the program's
                // binding; skip it when re-entering (the binding was restored).
                let assign_param =
                    if body.first().is_some_and(|s| sites_in(s).is_none()) && !body.is_empty() {
                        Some(body.remove(0))
                    } else {
                        None
                    };
                let mut stmts = Vec::new();
                if let Some(a) = assign_param {
                    stmts.push(Stmt::If(IfStmt {
                        span: DUMMY_SP,
                        test: Box::new(Expr::Bin(BinExpr {
                            span: DUMMY_SP,
                            op: BinaryOp::NotEqEq,
                            left: ident_expr(&param),
                            right: member_expr(ident_expr(LIB), "RESUME"),
                        })),
                        cons: Box::new(a),
                        alt: None,
                    }));
                }
                stmts.extend(resume_stmts(body, m));
                (param, stmts)
            });
            let mut out = try_stmt(block(block_stmts), handler, t.finalizer.map(|f| f.stmts));
            if let (Stmt::Try(t), Mode::Function) = (&mut out, m) {
                filter_captures(t);
            }
            out
        }
        other => other,
    }
}

fn param_names(p: &Pat, out: &mut Vec<String>) {
    struct C<'a>(&'a mut Vec<String>);
    impl swc_ecma_visit::Visit for C<'_> {
        fn visit_binding_ident(&mut self, b: &BindingIdent) {
            self.0.push(b.id.sym.to_string());
        }
        fn visit_expr(&mut self, _: &Expr) {}
        fn visit_prop_name(&mut self, _: &PropName) {}
    }
    swc_ecma_visit::VisitWith::visit_with(p, &mut C(out));
}

fn uses_arguments(stmts: &[Stmt]) -> bool {
    struct F(bool);
    impl swc_ecma_visit::Visit for F {
        fn visit_ident(&mut self, i: &Ident) {
            self.0 |= &*i.sym == "arguments";
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut f = F(false);
    swc_ecma_visit::VisitWith::visit_with(&stmts.to_vec(), &mut f);
    f.0
}

/// `this` in a generator's resume body is the recorded one, `$$this`.
struct ThisFromFrame;

impl VisitMut for ThisFromFrame {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        if let Expr::This(_) = e {
            *e = *ident_expr("$$this");
        } else {
            e.visit_mut_children_with(self);
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

struct RenameArguments;

impl VisitMut for RenameArguments {
    fn visit_mut_ident(&mut self, i: &mut Ident) {
        if &*i.sym == "arguments" {
            i.sym = "$$args".into();
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
    fn visit_mut_member_prop(&mut self, p: &mut MemberProp) {
        if let MemberProp::Computed(c) = p {
            c.visit_mut_with(self);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{print, squash, with_script};

    /// A top-level body with no scope around it.
    fn body(id: usize, stmts: Vec<Stmt>, generator: bool) -> Body {
        Body {
            id,
            params: vec![],
            stmts,
            self_name: None,
            env: None,
            prologue: vec![],
            arrow: false,
            generator,
        }
    }

    fn frame(source: &str) -> (String, String) {
        with_script(source, |s| {
            match capturable(body(7, s.body.clone(), false)) {
                Framed::Capturable(normal, resume) => {
                    (squash(&print(normal)), squash(&print(vec![resume])))
                }
                Framed::Uncapturable(..) => panic!("guarded"),
            }
        })
    }

    #[test]
    fn the_normal_body_checks_for_a_capture_after_each_site() {
        let (normal, _) = frame("let r = f(1); return r;");
        assert_eq!(
            normal,
            squash(
                "var r, $$l, $$ret;
                $$capture: {
                    if (--$$c < 0) { $$c = $things.yield(); if ($$cap) { $$l = 0; break $$capture; } }
                    { r = f(1); if ($$cap) { $$l = 1; break $$capture; } }
                    return r;
                    return;
                }
                $things.frame(7, $$l, void 0, this, [ r ], null, void 0);
                return;"
            )
        );
    }

    #[test]
    fn the_resume_body_reenters_the_callee_at_its_site() {
        let (_, resume) = frame("let r = f(1); return r;");
        assert!(
            resume.starts_with(
                "function $$r7($$e, $$self) { return function($$fr) { var r; [r] = $$fr.l;"
            ),
            "{resume}"
        );
        assert!(
            resume.contains("if ($$r) { $$r = false; { r = $things.reenter(); if ($$cap) { $$l = 1; break $$capture; } } } else { r = f(1);"),
            "{resume}"
        );
    }

    #[test]
    fn a_generator_records_its_frame_when_looked_at_suspended() {
        with_script("function* g() { let x = 1; x = yield x; return x; }", |s| {
            let Some(Stmt::Decl(Decl::Fn(f))) = s.body.first() else {
                unreachable!()
            };
            let stmts = f.function.body.clone().expect("a body").stmts;
            let Framed::Capturable(normal, resume) = capturable(body(3, stmts, true)) else {
                panic!("guarded")
            };
            let record = "{ $$l = 1; $things.frame(3, $$l, void 0, this, [ x ], null, void 0); }";
            assert_eq!(
                squash(&print(normal)),
                squash(&format!(
                    "var x, $$l, $$ret;
                    if ($things.peeking) {{
                        $$l = 0; $things.frame(3, $$l, void 0, this, [ x ], null, void 0);
                        while(($$ret = yield) === $things.PEEK){{ $$l = 0; $things.frame(3, $$l, void 0, this, [ x ], null, void 0); }}
                    }}
                    x = 1;
                    {{ while(($$ret = yield x) === $things.PEEK){record} x = $$ret; }}return x;"
                ))
            );
            let resume = squash(&print(vec![resume]));
            assert!(resume.contains("return function*($$fr) {"), "{resume}");
            assert!(
                resume.contains("if (!$$r || $$k === 1) { { $$r = false; { while(($$ret = yield x) === $things.PEEK){ $$l = 1; $things.frame(3, $$l, void 0, $$this,"),
                "{resume}"
            );
        });
    }

    #[test]
    fn unsupported_shapes_run_guarded() {
        with_script("do { i++; } while (more());", |s| {
            assert!(matches!(
                capturable(body(0, s.body.clone(), false)),
                Framed::Uncapturable(_, "a call in a do-while test")
            ));
        });
    }
}
