//! Expressions: every call goes into a site statement of its own, with what
//! was evaluated before it kept in temporaries so the order of evaluation
//! does not change.

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::*;

impl Normalizer {
    pub(super) fn expr_stmt(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        match e {
            Expr::Assign(a) if a.op == AssignOp::Assign => self.assign_stmt(a.left, *a.right, out),
            e if is_site_call(&e) => {
                let call = self.call_operands(e, out)?;
                self.site(expr_stmt(Box::new(call)), out);
                Ok(())
            }
            Expr::Seq(s) => {
                for e in s.exprs {
                    self.expr_stmt(*e, out)?;
                }
                Ok(())
            }
            e => {
                let v = self.expr(e, out)?;
                // Only what cannot throw goes: a name read alone still throws
                // when nothing declares it, and a regular expression literal
                // can be an early error of the engine's.
                let inert = match &v {
                    Expr::Ident(i) => i.sym.starts_with("$$t"),
                    Expr::Lit(Lit::Regex(_)) => false,
                    other => is_pure(other),
                };
                if !inert {
                    out.push(expr_stmt(Box::new(v)));
                }
                Ok(())
            }
        }
    }

    /// `target = value` as a statement; a call on the right is the site itself
    /// when the target is a plain name or a member of a stable object.
    pub(super) fn assign_stmt(
        &mut self,
        target: AssignTarget,
        value: Expr,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let value_calls = contains_call(&value);
        let target = self.target(target, value_calls, out)?;
        if is_site_call(&value) {
            let call = self.call_operands(value, out)?;
            self.site(expr_stmt(assign(target, Box::new(call))), out);
        } else {
            let v = self.expr(value, out)?;
            out.push(expr_stmt(assign(target, Box::new(v))));
        }
        Ok(())
    }

    /// An assignment target whose parts are evaluated (into temporaries when a
    /// call follows) before the value.
    pub(super) fn target(
        &mut self,
        target: AssignTarget,
        call_follows: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<AssignTarget, Unsupported> {
        match target {
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => {
                let m = self.member(m, call_follows, out)?;
                Ok(AssignTarget::Simple(SimpleAssignTarget::Member(m)))
            }
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => {
                Ok(AssignTarget::Simple(SimpleAssignTarget::Ident(i)))
            }
            AssignTarget::Pat(p) => {
                if contains_call(&p) {
                    return Err(Unsupported("a call inside a destructuring pattern"));
                }
                Ok(AssignTarget::Pat(p))
            }
            _ => Err(Unsupported("an assignment target")),
        }
    }

    /// A member expression with its object (and computed key) evaluated; kept
    /// in temporaries when something with a call follows.
    pub(super) fn member(
        &mut self,
        m: MemberExpr,
        call_follows: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<MemberExpr, Unsupported> {
        let key_calls = matches!(&m.prop, MemberProp::Computed(c) if contains_call(&c.expr));
        let mut obj = self.expr(*m.obj, out)?;
        if (call_follows || key_calls) && !is_stable(&obj) {
            obj = self.spill(obj, out);
        }
        let prop = match m.prop {
            MemberProp::Computed(c) => {
                let mut k = self.expr(*c.expr, out)?;
                if call_follows && !is_stable(&k) {
                    k = self.spill(k, out);
                }
                MemberProp::Computed(ComputedPropName {
                    span: DUMMY_SP,
                    expr: Box::new(k),
                })
            }
            p => p,
        };
        Ok(MemberExpr {
            span: DUMMY_SP,
            obj: Box::new(obj),
            prop,
        })
    }

    pub(super) fn spill(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Expr {
        let t = self.temp();
        out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(e))));
        *ident_expr(&t)
    }

    /// The call with its callee and arguments evaluated, ready to be a site.
    pub(super) fn call_operands(
        &mut self,
        e: Expr,
        out: &mut Vec<Stmt>,
    ) -> Result<Expr, Unsupported> {
        match e {
            Expr::Call(c) => {
                let arg_calls: Vec<bool> = c.args.iter().map(|a| contains_call(&a.expr)).collect();
                let any_arg_call = arg_calls.iter().any(|x| *x);
                let callee = match c.callee {
                    Callee::Expr(callee) => Callee::Expr(Box::new(match *callee {
                        Expr::Member(m) => Expr::Member(self.member(m, any_arg_call, out)?),
                        Expr::Paren(ParenExpr { expr, .. })
                            if matches!(&*expr, Expr::Member(_)) =>
                        {
                            // `(a.b)(x)` keeps `this`, like `a.b(x)`.
                            let Expr::Member(m) = *expr else {
                                unreachable!()
                            };
                            Expr::Member(self.member(m, any_arg_call, out)?)
                        }
                        other => {
                            let v = self.expr(other, out)?;
                            if any_arg_call && !is_stable(&v) {
                                self.spill(v, out)
                            } else {
                                v
                            }
                        }
                    })),
                    Callee::Super(_) | Callee::Import(_) => {
                        return Err(Unsupported("super() or import()"))
                    }
                };
                let args = self.operands(
                    c.args.into_iter().map(|a| (a.spread, *a.expr)).collect(),
                    out,
                )?;
                Ok(Expr::Call(CallExpr {
                    span: DUMMY_SP,
                    ctxt: SyntaxContext::empty(),
                    callee,
                    args: to_args(args),
                    type_args: None,
                }))
            }
            Expr::Paren(p) => self.call_operands(*p.expr, out),
            // A constructor is a function that can capture too (a class's
            // runs guarded): its frame is re-entered like a callee's.
            Expr::New(n) => self.new_operands(n, out),
            // A generator's `yield v` is a site: its frame is recorded there.
            // The operand is yielded again for each look (see `frames`), so
            // anything that could read differently is evaluated once.
            Expr::Yield(y) => {
                let arg = match y.arg {
                    Some(a) => {
                        let v = self.expr(*a, out)?;
                        Some(Box::new(if is_pure(&v) { v } else { self.spill(v, out) }))
                    }
                    None => None,
                };
                Ok(Expr::Yield(YieldExpr {
                    span: DUMMY_SP,
                    arg,
                    delegate: false,
                }))
            }
            // Its only call is the chain's own (see `is_site_call`).
            e @ Expr::OptChain(_) => Ok(e),
            _ => Err(Unsupported("not a call")),
        }
    }

    /// `new C(args)` with its callee and arguments evaluated.
    pub(super) fn new_operands(
        &mut self,
        n: NewExpr,
        out: &mut Vec<Stmt>,
    ) -> Result<Expr, Unsupported> {
        let arg_calls = n
            .args
            .as_ref()
            .is_some_and(|a| a.iter().any(|a| contains_call(&a.expr)));
        let mut callee = self.expr(*n.callee, out)?;
        if arg_calls && !is_stable(&callee) {
            callee = self.spill(callee, out);
        }
        let args = match n.args {
            Some(args) => Some(to_args(
                self.operands(args.into_iter().map(|a| (a.spread, *a.expr)).collect(), out)?,
            )),
            None => None,
        };
        Ok(Expr::New(NewExpr {
            span: n.span,
            ctxt: SyntaxContext::empty(),
            callee: Box::new(callee),
            args,
            type_args: None,
        }))
    }

    /// Operands evaluated left to right; an operand is kept in a temporary
    /// when a later one contains a call (which could change it).
    pub(super) fn operands(
        &mut self,
        items: Vec<(Option<swc_common::Span>, Expr)>,
        out: &mut Vec<Stmt>,
    ) -> Result<Vec<(Option<swc_common::Span>, Expr)>, Unsupported> {
        let calls: Vec<bool> = items.iter().map(|(_, e)| contains_call(e)).collect();
        let mut result = Vec::with_capacity(items.len());
        for (i, (spread, e)) in items.into_iter().enumerate() {
            let mut v = self.expr(e, out)?;
            let later_call = calls[i + 1..].iter().any(|c| *c);
            if later_call && (!is_stable(&v) || spread.is_some()) {
                v = self.spill(v, out);
            }
            result.push((spread, v));
        }
        Ok(result)
    }

    /// An expression with every call moved into a site before it; returns
    /// what remains (call-free).
    pub(super) fn expr(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Result<Expr, Unsupported> {
        if !contains_call(&e) {
            return Ok(e);
        }
        match e {
            e if is_site_call(&e) => {
                let call = self.call_operands(e, out)?;
                let t = self.temp();
                self.site(
                    expr_stmt(assign(simple_ident_target(&t), Box::new(call))),
                    out,
                );
                Ok(*ident_expr(&t))
            }
            Expr::Call(c) => {
                // A factory or library call: not a site, but its operands may be.
                let args = self.operands(
                    c.args.into_iter().map(|a| (a.spread, *a.expr)).collect(),
                    out,
                )?;
                Ok(Expr::Call(CallExpr {
                    args: to_args(args),
                    ..c
                }))
            }
            Expr::Paren(p) => self.expr(*p.expr, out),
            Expr::Seq(s) => {
                let n = s.exprs.len();
                let mut last = None;
                for (i, e) in s.exprs.into_iter().enumerate() {
                    if i + 1 == n {
                        last = Some(self.expr(*e, out)?);
                    } else {
                        self.expr_stmt(*e, out)?;
                    }
                }
                Ok(last.expect("a sequence has an expression"))
            }
            Expr::Bin(b) if is_short_circuit(b.op) => {
                // `a && f()` -> `t = a; if (t) t = f();`
                let t = self.temp();
                let left = self.expr(*b.left, out)?;
                out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(left))));
                let test = goes_on(b.op, &t);
                let mut cons = Vec::new();
                self.assign_stmt(simple_ident_target(&t), *b.right, &mut cons)?;
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(block(cons)),
                    alt: None,
                }));
                Ok(*ident_expr(&t))
            }
            Expr::Cond(c) => {
                let t = self.temp();
                let test = self.expr(*c.test, out)?;
                let mut cons = Vec::new();
                self.assign_stmt(simple_ident_target(&t), *c.cons, &mut cons)?;
                let mut alt = Vec::new();
                self.assign_stmt(simple_ident_target(&t), *c.alt, &mut alt)?;
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(block(cons)),
                    alt: Some(Box::new(block(alt))),
                }));
                Ok(*ident_expr(&t))
            }
            Expr::Bin(b) => {
                let mut ops = self.operands(vec![(None, *b.left), (None, *b.right)], out)?;
                let right = ops.pop().expect("two").1;
                let left = ops.pop().expect("two").1;
                Ok(Expr::Bin(BinExpr {
                    span: DUMMY_SP,
                    op: b.op,
                    left: Box::new(left),
                    right: Box::new(right),
                }))
            }
            Expr::Unary(u) => {
                if u.op == UnaryOp::Delete {
                    return Err(Unsupported("delete of an expression with a call"));
                }
                let arg = self.expr(*u.arg, out)?;
                Ok(Expr::Unary(UnaryExpr {
                    span: DUMMY_SP,
                    op: u.op,
                    arg: Box::new(arg),
                }))
            }
            Expr::Member(m) => Ok(Expr::Member(self.member(m, false, out)?)),
            Expr::Assign(a) => {
                if a.op != AssignOp::Assign {
                    return self.compound_assign(a, out);
                }
                // `(x = f())` as a value: assign, then read the target back through a temporary.
                let t = self.temp();
                self.assign_stmt(simple_ident_target(&t), *a.right, out)?;
                let target = self.target(a.left, false, out)?;
                out.push(expr_stmt(assign(target, ident_expr(&t))));
                Ok(*ident_expr(&t))
            }
            Expr::Array(a) => {
                let mut items = Vec::new();
                let mut holes = Vec::new();
                for (i, el) in a.elems.into_iter().enumerate() {
                    match el {
                        Some(el) => items.push((el.spread, *el.expr)),
                        None => holes.push(i),
                    }
                }
                if !holes.is_empty() {
                    return Err(Unsupported("an array literal with holes and calls"));
                }
                let items = self.operands(items, out)?;
                Ok(Expr::Array(ArrayLit {
                    span: DUMMY_SP,
                    elems: items
                        .into_iter()
                        .map(|(spread, e)| {
                            Some(ExprOrSpread {
                                spread,
                                expr: Box::new(e),
                            })
                        })
                        .collect(),
                }))
            }
            Expr::Object(o) => {
                // Values (and computed keys) in order; spreads and methods as they are.
                let mut items = Vec::new();
                let mut shapes = Vec::new();
                for p in o.props {
                    match p {
                        PropOrSpread::Spread(s) => {
                            shapes.push(Shape::Spread);
                            items.push((None, *s.expr));
                        }
                        PropOrSpread::Prop(p) => match *p {
                            Prop::KeyValue(kv) => {
                                if let PropName::Computed(c) = &kv.key {
                                    if contains_call(&c.expr) {
                                        return Err(Unsupported("a call in a computed key"));
                                    }
                                }
                                shapes.push(Shape::KeyValue(kv.key));
                                items.push((None, *kv.value));
                            }
                            other => {
                                if contains_call(&other) {
                                    return Err(Unsupported("a call in an object literal member"));
                                }
                                shapes.push(Shape::Other(Box::new(other)));
                            }
                        },
                    }
                }
                let mut values = self.operands(items, out)?.into_iter();
                let props = shapes
                    .into_iter()
                    .map(|shape| match shape {
                        Shape::Spread => PropOrSpread::Spread(SpreadElement {
                            dot3_token: DUMMY_SP,
                            expr: Box::new(values.next().expect("value").1),
                        }),
                        Shape::KeyValue(key) => {
                            PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
                                key,
                                value: Box::new(values.next().expect("value").1),
                            })))
                        }
                        Shape::Other(p) => PropOrSpread::Prop(p),
                    })
                    .collect();
                Ok(Expr::Object(ObjectLit {
                    span: DUMMY_SP,
                    props,
                }))
            }
            Expr::Tpl(t) => {
                let exprs =
                    self.operands(t.exprs.into_iter().map(|e| (None, *e)).collect(), out)?;
                Ok(Expr::Tpl(Tpl {
                    span: DUMMY_SP,
                    exprs: exprs.into_iter().map(|(_, e)| Box::new(e)).collect(),
                    quasis: t.quasis,
                }))
            }
            Expr::New(n) => self.new_operands(n, out),
            Expr::Update(u) => match *u.arg {
                // `counts[f(x)]++`: the key is evaluated first.
                Expr::Member(m) => {
                    let m = self.member(m, false, out)?;
                    Ok(Expr::Update(UpdateExpr {
                        span: DUMMY_SP,
                        op: u.op,
                        prefix: u.prefix,
                        arg: Box::new(Expr::Member(m)),
                    }))
                }
                _ => Err(Unsupported("a call inside an update expression")),
            },
            Expr::OptChain(_) => Err(Unsupported("a call inside an optional chain")),
            Expr::Yield(YieldExpr {
                arg: Some(iterable),
                delegate: true,
                ..
            }) => {
                let iterable = self.expr(*iterable, out)?;
                let state = self.temp();
                out.push(expr_stmt(assign(
                    simple_ident_target(&state),
                    lib_call("delegate", vec![Box::new(iterable)]),
                )));
                for s in super::delegate::delegation_loop(&state) {
                    self.stmt(s, out)?;
                }
                Ok(*member_expr(ident_expr(&state), "v"))
            }
            Expr::Await(_) => Err(Unsupported("await outside a rewritten async function")),
            _ => Err(Unsupported("an expression with a call")),
        }
    }

    pub(super) fn compound_assign(
        &mut self,
        a: AssignExpr,
        out: &mut Vec<Stmt>,
    ) -> Result<Expr, Unsupported> {
        let Some(op) = a.op.to_update() else {
            return Err(Unsupported("a compound assignment"));
        };
        let target = self.target(a.left, true, out)?;
        let read = match &target {
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => Expr::Ident(i.id.clone()),
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => Expr::Member(m.clone()),
            _ => return Err(Unsupported("a compound assignment target")),
        };
        if is_short_circuit(op) {
            // `o.p ||= f()` -> `t1 = o; t = t1.p; if (!t) { t = f(); t1.p = t; }`
            let t = self.temp();
            out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(read))));
            let mut cons = Vec::new();
            self.assign_stmt(simple_ident_target(&t), *a.right, &mut cons)?;
            cons.push(expr_stmt(assign(target, ident_expr(&t))));
            out.push(Stmt::If(IfStmt {
                span: DUMMY_SP,
                test: Box::new(goes_on(op, &t)),
                cons: Box::new(block(cons)),
                alt: None,
            }));
            return Ok(*ident_expr(&t));
        }
        // `o.p += f()` -> `t1 = o; t2 = t1.p; t3 = f(); t1.p = t2 + t3`
        let old = self.spill(read, out);
        let value = self.expr(*a.right, out)?;
        let t = self.temp();
        let sum = Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op,
            left: Box::new(old),
            right: Box::new(value),
        });
        out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(sum))));
        out.push(expr_stmt(assign(target, ident_expr(&t))));
        Ok(*ident_expr(&t))
    }
}

fn is_short_circuit(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing
    )
}

/// Whether `&&`, `||` or `??` goes on to its right side, given the left
/// side's value in `t`.
fn goes_on(op: BinaryOp, t: &str) -> Expr {
    match op {
        BinaryOp::LogicalAnd => *ident_expr(t),
        BinaryOp::LogicalOr => not(ident_expr(t)),
        _ => Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::EqEq,
            left: ident_expr(t),
            right: null(),
        }),
    }
}

/// Normalized operands back as call arguments.
pub(super) fn to_args(items: Vec<(Option<swc_common::Span>, Expr)>) -> Vec<ExprOrSpread> {
    items
        .into_iter()
        .map(|(spread, e)| ExprOrSpread {
            spread,
            expr: Box::new(e),
        })
        .collect()
}

pub(super) enum Shape {
    Spread,
    KeyValue(PropName),
    Other(Box<Prop>),
}

/// A call that is a site: anything but calls of factories (`$$fK(...)`) and
/// of the runtime library (`$things.x(...)`), which never capture.
pub fn is_site_call(e: &Expr) -> bool {
    match e {
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => !is_internal_callee(callee),
            _ => true,
        },
        Expr::New(n) => !is_internal_callee(&n.callee),
        Expr::Yield(y) => !y.delegate,
        Expr::Paren(p) => is_site_call(&p.expr),
        // `a?.b(x)` with that one call: its callee and arguments are call-free.
        Expr::OptChain(_) => count_calls(e) == 1,
        _ => false,
    }
}

/// Calls (that could capture) and yields in an expression, not counting nested functions.
pub(super) fn count_calls(e: &Expr) -> usize {
    struct N(usize);
    impl Visit for N {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if !matches!(&c.callee, Callee::Expr(callee) if is_internal_callee(callee)) {
                self.0 += 1;
            }
            c.visit_children_with(self);
        }
        fn visit_opt_call(&mut self, c: &OptCall) {
            self.0 += 1;
            c.visit_children_with(self);
        }
        fn visit_yield_expr(&mut self, y: &YieldExpr) {
            self.0 += 1;
            y.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut n = N(0);
    e.visit_with(&mut n);
    n.0
}

pub(super) fn is_internal_callee(callee: &Expr) -> bool {
    match callee {
        Expr::Ident(i) => i.sym.starts_with("$$f"),
        Expr::Member(m) => matches!(&*m.obj, Expr::Ident(i) if &*i.sym == LIB),
        _ => false,
    }
}

/// Values that cannot change between their evaluation and a later call in
/// the same statement: literals, temporaries and scope-object references.
pub(super) fn is_stable(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::This(_) => true,
        Expr::Ident(i) => {
            i.sym.starts_with("$$t") || i.sym.starts_with("$$s") || &*i.sym == "undefined"
        }
        Expr::Unary(u) => u.op == UnaryOp::Void && is_stable(&u.arg),
        _ => false,
    }
}

pub(super) fn is_pure(e: &Expr) -> bool {
    matches!(e, Expr::Lit(_) | Expr::Ident(_) | Expr::This(_))
}

/// Whether an expression (not counting nested functions) calls anything that
/// could capture.
pub fn contains_call<N: VisitWith<CallFinder>>(n: &N) -> bool {
    let mut f = CallFinder(false);
    n.visit_with(&mut f);
    f.0
}

pub struct CallFinder(bool);

impl Visit for CallFinder {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if is_site_call(&Expr::Call(c.clone())) {
            self.0 = true;
        }
        c.visit_children_with(self);
    }
    fn visit_new_expr(&mut self, n: &NewExpr) {
        if !is_internal_callee(&n.callee) {
            self.0 = true;
        }
        n.visit_children_with(self);
    }
    fn visit_opt_call(&mut self, _: &OptCall) {
        self.0 = true;
    }
    fn visit_yield_expr(&mut self, _: &YieldExpr) {
        self.0 = true;
    }
    fn visit_await_expr(&mut self, _: &AwaitExpr) {
        self.0 = true;
    }
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_class(&mut self, _: &Class) {}
}
