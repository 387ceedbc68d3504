//! The resume body (`$$rB`, a top-level factory like the closure
//! factories), only used to re-enter a restored frame: it restores the
//! locals and runs the same statements with guards (`$$r`: still resuming,
//! `$$k`: the target site) that skip everything before the target site; at a
//! call site it re-enters the next restored frame instead of calling.

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use super::*;

/// The resume factory `$$rB($$e, $$self)`: it rebuilds the scope chain and
/// returns the resume body, which restores a recorded frame's locals and
/// runs the statements with guards that skip to the recorded site.
pub(super) fn factory(
    b: &Body,
    directives: Vec<Stmt>,
    mut resume_body: Vec<Stmt>,
    names: &[String],
    uses_arguments: bool,
    m: Mode,
    record: &Expr,
) -> Stmt {
    if uses_arguments {
        resume_body.visit_mut_with(&mut RenameArguments);
    }
    let mut resume = directives;
    if !names.is_empty() {
        resume.push(declare_names(names));
        // `({ 0: a, 1: b } = $$fr.l)`: an array pattern would go through
        // Array.prototype[Symbol.iterator], which the program may have replaced.
        resume.push(expr_stmt(assign(
            AssignTarget::Pat(AssignTargetPat::Object(ObjectPat {
                span: DUMMY_SP,
                props: names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        ObjectPatProp::KeyValue(KeyValuePatProp {
                            key: PropName::Num(Number::from(i as f64)),
                            value: Box::new(binding(n)),
                        })
                    })
                    .collect(),
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
            resume.extend(with_recorder(inner, Box::new(record.clone())));
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
    decl
}
pub(super) fn stop_resuming() -> Stmt {
    expr_stmt(assign(
        simple_ident_target("$$r"),
        Box::new(Expr::Lit(Lit::Bool(false.into()))),
    ))
}

/// At a yield point of a resume body: the target one stops the resuming.
pub(super) fn resume_yield(k: usize) -> Stmt {
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
pub(super) fn resuming_or(test: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LogicalOr,
        left: ident_expr("$$r"),
        right: test,
    }))
}

/// `$$r && <$$k in lo..=hi>`: resuming towards a site in that range.
pub(super) fn resuming_at(lo: usize, hi: usize) -> Box<Expr> {
    Box::new(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LogicalAnd,
        left: ident_expr("$$r"),
        right: is_target(lo, hi),
    }))
}

/// `$$k >= lo && $$k <= hi`
pub(super) fn is_target(lo: usize, hi: usize) -> Box<Expr> {
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
pub(super) fn site_of(label: &Ident) -> Option<usize> {
    label.sym.strip_prefix("$$L")?.parse().ok()
}

/// The range of site numbers inside a statement.
pub(super) fn sites_in(s: &Stmt) -> Option<(usize, usize)> {
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

/// A capturing frame breaks out through the program's finally blocks, which
/// must not run then (they run when the frame is re-entered and completes);
/// and they hold captures off while they run.
pub(super) fn filter_captures(t: &mut TryStmt) {
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
pub(super) fn resume_stmts(stmts: Vec<Stmt>, m: Mode) -> Vec<Stmt> {
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

pub(super) fn resume_block(s: Stmt, m: Mode) -> Stmt {
    match s {
        Stmt::Block(b) => block(resume_stmts(b.stmts, m)),
        other => block(resume_stmts(vec![other], m)),
    }
}

pub(super) fn resume_stmt(s: Stmt, m: Mode) -> Stmt {
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
                // (`new` gives the object the constructor made, unless it
                // returned another).
                body => {
                    let reenter = match *site_call(&body) {
                        Expr::New(_) => "reenterNew",
                        _ => "reenter",
                    };
                    let resuming = block(vec![
                        stop_resuming(),
                        expand_site(k, body.clone(), lib_call(reenter, vec![])),
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

/// `this` in a generator's resume body is the recorded one, `$$this`.
pub(super) struct ThisFromFrame;

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

pub(super) struct RenameArguments;

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
