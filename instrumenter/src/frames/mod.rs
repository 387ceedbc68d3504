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

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;

use crate::ast::*;
use crate::bodies::{Framing, Normalized, Pending, Unsupported};
use crate::normalize::YIELD_MARK;

mod normal;
mod resume;

use normal::*;
use resume::*;

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
    /// Strict by its context or its own directive (the resume body, at the
    /// top level, says it again).
    pub strict: bool,
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

/// What framing the pending bodies gives the program.
pub struct Frames {
    /// Each pending body, framed, to splice back in its place.
    pub bodies: Vec<Vec<Stmt>>,
    /// The resume factories, and their names by body id.
    pub resume_decls: Vec<Stmt>,
    pub resumes: Vec<String>,
    /// Why some functions run without stack capture.
    pub notes: Vec<crate::bodies::Note>,
}

/// Frames every pending body as `closures` asked (and `normalize` allowed).
/// Resume bodies are numbered from `first_resume`.
pub fn run(pending: Vec<Pending>, first_resume: usize) -> Frames {
    let mut out = Frames {
        bodies: Vec::with_capacity(pending.len()),
        resume_decls: Vec::new(),
        resumes: Vec::new(),
        notes: Vec::new(),
    };
    for p in pending {
        let (self_name, arrow, generator) = match p.framing {
            Framing::Capture { self_name, arrow } => (self_name, arrow, false),
            Framing::Generator { self_name } => (self_name, false, true),
            Framing::Guard => {
                out.bodies.push(guarded(p.stmts));
                continue;
            }
            Framing::Plain => {
                out.bodies.push(p.stmts);
                continue;
            }
        };
        let id = first_resume + out.resumes.len();
        let body = Body {
            id,
            params: p.params,
            stmts: p.stmts,
            self_name,
            env: p.env.last().cloned(),
            prologue: chain_prologue(&p.env),
            arrow,
            generator,
            strict: p.strict,
        };
        let norm = p.normalized.expect("normalize ran on every capturing body");
        match capturable(body, norm) {
            Framed::Capturable(normal, resume) => {
                out.resumes.push(format!("$$r{id}"));
                out.resume_decls.push(resume);
                out.bodies.push(normal);
            }
            Framed::Uncapturable(stmts, reason) => {
                out.notes.push(crate::bodies::Note { reason, generator });
                out.bodies.push(stmts);
            }
        }
    }
    out
}

/// Frames one body, given its normalization.
pub fn capturable(b: Body, norm: Result<Normalized, Unsupported>) -> Framed {
    let (directives, _) = split_directives(b.stmts.clone());
    let norm = match norm {
        Ok(n) => n,
        // A generator's body keeps running plainly (holding captures off
        // across its yields would stop them for as long as it is suspended).
        Err(Unsupported(reason)) if b.generator => return Framed::Uncapturable(b.stmts, reason),
        Err(Unsupported(reason)) => return Framed::Uncapturable(guarded(b.stmts), reason),
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
    let normal = normal::body(&directives, &norm, m, &record);
    let mut resume_directives = directives;
    if b.strict && !has_use_strict(&resume_directives) {
        resume_directives.insert(0, use_strict());
    }
    let resume = resume::factory(
        &b,
        resume_directives,
        norm.body,
        &names,
        uses_arguments,
        m,
        &record,
    );
    Framed::Capturable(normal, resume)
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
            strict: false,
        }
    }

    fn framed(b: Body) -> Framed {
        let norm = crate::normalize::function_body(&b.params, b.stmts.clone());
        capturable(b, norm)
    }

    fn frame(source: &str) -> (String, String) {
        with_script(source, |s| match framed(body(7, s.body.clone(), false)) {
            Framed::Capturable(normal, resume) => {
                (squash(&print(normal)), squash(&print(vec![resume])))
            }
            Framed::Uncapturable(..) => panic!("guarded"),
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
                "function $$r7($$e, $$self) { return function($$fr) { var r; ({ 0: r } = $$fr.l);"
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
            let Framed::Capturable(normal, resume) = framed(body(3, stmts, true)) else {
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
        with_script("({ a = f() } = o);", |s| {
            assert!(matches!(
                framed(body(0, s.body.clone(), false)),
                Framed::Uncapturable(_, "a call inside a destructuring pattern")
            ));
        });
    }
}
