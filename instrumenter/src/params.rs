//! Parameters whose binding runs code (a default or pattern that makes a
//! closure, calls a function, or reads a name or `this`) move into the
//! body. A closure made in a parameter default (`function g(a, b = () =>
//! a)`) would be lifted with the function's scope object as its
//! environment, and that object is made by the body, after the parameters;
//! a captured name read there lives in that object too; and a call made
//! there (`function f(opts = defaults())`) is no call site, so a capture
//! landing in the callee could not come back to it. So the parameters are
//! read from plain ones instead, and declared as the body's first statement.
//!
//! `function g(a, b = f(a), {x} = {}, ...r) { body }` becomes
//! `function g($$param0, ...$$params) { let a = $$param0, b = $$params[0] === void 0 ? f(a) : $$params[0], { 1: {x} = {} } = $$params, r = $$params.slice(2); body }`:
//! the parameters before the first default or rest stay parameters (so
//! `g.length` is kept), and `let` keeps their order of evaluation and their
//! temporal dead zone (`(a = b, b) => ...` still throws).
//!
//! An async function (desugared: `return $things.async(function* () {...}
//! .apply(this, arguments))`) whose parameters are not all plain names has
//! them declared first in the generator's body instead: the driver runs it
//! at once, so they are evaluated as before, and one that throws (a default,
//! a pattern given `undefined`) rejects the promise, as in node, instead of
//! throwing to the caller.
//!
//! A setter keeps exactly one parameter, `$$param0`, bound to the original
//! first thing in its body.
//!
//! Left as they are: generators (their parameters are evaluated when they
//! are called, their body only at the first `next`), native async functions,
//! functions whose body declares a name the parameters use or declare (the
//! parameters' scope would see the body's; `param_scope` renames such
//! declarations unless the body calls `eval`), and parameters calling `eval`
//! directly (its declarations belong to the parameters' scope).

use std::collections::HashSet;

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::*;

const FIRST: &str = "$$param";
const REST: &str = "$$params";

pub fn run(script: &mut Script) {
    script.visit_mut_with(&mut Move);
}

struct Move;

impl VisitMut for Move {
    fn visit_mut_function(&mut self, f: &mut Function) {
        f.visit_mut_children_with(self);
        if f.is_generator || f.is_async {
            return;
        }
        let Some(body) = f.body.as_mut() else { return };
        let pats: Vec<Pat> = f.params.iter().map(|p| p.pat.clone()).collect();
        if let Some(driven) = driven_body(&mut body.stmts) {
            if let Some((params, decl)) = moved(&pats, driven, !pats.iter().all(plain)) {
                f.params = params.into_iter().map(Param::from).collect();
                let at = driven.iter().take_while(|s| is_directive(s)).count();
                driven.insert(at, decl);
            }
            return;
        }
        if let Some((params, decl)) = moved(&pats, &body.stmts, pats.iter().any(binds_in_body)) {
            f.params = params.into_iter().map(Param::from).collect();
            body.stmts.insert(0, decl);
        }
    }

    fn visit_mut_constructor(&mut self, c: &mut Constructor) {
        c.visit_mut_children_with(self);
        let Some(body) = c.body.as_mut() else { return };
        let pats: Option<Vec<Pat>> = c
            .params
            .iter()
            .map(|p| match p {
                ParamOrTsParamProp::Param(p) => Some(p.pat.clone()),
                ParamOrTsParamProp::TsParamProp(_) => None,
            })
            .collect();
        let Some(pats) = pats else { return };
        if let Some((params, decl)) = moved(&pats, &body.stmts, pats.iter().any(binds_in_body)) {
            c.params = params
                .into_iter()
                .map(|p| ParamOrTsParamProp::Param(Param::from(p)))
                .collect();
            body.stmts.insert(0, decl);
        }
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        a.visit_mut_children_with(self);
        if a.is_async || a.is_generator {
            return;
        }
        if let ArrowFunctionBody::FunctionBody(b) = &mut *a.body {
            if let Some(driven) = driven_body(&mut b.stmts) {
                if let Some((params, decl)) = moved(&a.params, driven, !a.params.iter().all(plain))
                {
                    a.params = params;
                    let at = driven.iter().take_while(|s| is_directive(s)).count();
                    driven.insert(at, decl);
                }
                return;
            }
        }
        let body = match &*a.body {
            ArrowFunctionBody::FunctionBody(b) => b.stmts.clone(),
            ArrowFunctionBody::Expr(_) => vec![],
        };
        if let Some((params, decl)) = moved(&a.params, &body, a.params.iter().any(binds_in_body)) {
            let mut stmts = take_arrow_body(a);
            stmts.insert(0, decl);
            a.params = params;
            *a.body = ArrowFunctionBody::FunctionBody(FunctionBody {
                span: DUMMY_SP,
                stmts,
            });
        }
    }

    fn visit_mut_setter_prop(&mut self, s: &mut SetterProp) {
        s.key.visit_mut_with(self);
        s.function.visit_mut_children_with(self);
        setter(&mut s.function);
    }

    fn visit_mut_class_method(&mut self, m: &mut ClassMethod) {
        if m.kind == MethodKind::Setter {
            m.key.visit_mut_with(self);
            m.function.visit_mut_children_with(self);
            setter(&mut m.function);
        } else {
            m.visit_mut_children_with(self);
        }
    }

    fn visit_mut_private_method(&mut self, m: &mut PrivateMethod) {
        if m.kind == MethodKind::Setter {
            m.function.visit_mut_children_with(self);
            setter(&mut m.function);
        } else {
            m.visit_mut_children_with(self);
        }
    }
}

/// A setter has exactly one parameter: it becomes `$$param0`, bound to the
/// original one first thing in the body (`let p = $$param0 === void 0 ? d :
/// $$param0`, or `let { 0: pattern } = [$$param0]`).
fn setter(f: &mut Function) {
    let [param] = &f.params[..] else { return };
    let Some(body) = f.body.as_mut() else { return };
    let p = &param.pat;
    if !binds_in_body(p) || !apart(std::slice::from_ref(p), &body.stmts) || calls_eval(p) {
        return;
    }
    let given = || ident_expr(&format!("{FIRST}0"));
    let decl = match p {
        Pat::Assign(AssignPat { left, right, .. })
            if matches!(&**left, Pat::Ident(_)) && !names_itself(right) =>
        {
            (
                (**left).clone(),
                Some(given_or(given(), right.clone(), given())),
            )
        }
        _ => (
            Pat::Object(ObjectPat {
                span: DUMMY_SP,
                props: vec![ObjectPatProp::KeyValue(KeyValuePatProp {
                    key: PropName::Num(Number::from(0.0)),
                    value: Box::new(p.clone()),
                })],
                optional: false,
                type_ann: None,
            }),
            Some(Box::new(Expr::Array(ArrayLit {
                span: DUMMY_SP,
                elems: vec![Some(ExprOrSpread {
                    spread: None,
                    expr: given(),
                })],
            }))),
        ),
    };
    f.params = vec![Param::from(binding(&format!("{FIRST}0")))];
    body.stmts.insert(0, var_decl(VarDeclKind::Let, vec![decl]));
}

/// `given === void 0 ? default : value`
fn given_or(given: Box<Expr>, default: Box<Expr>, value: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Cond(CondExpr {
        span: DUMMY_SP,
        test: Box::new(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::EqEqEq,
            left: given,
            right: undefined(),
        })),
        cons: default,
        alt: value,
    }))
}

/// The new parameter list and the body's first statement, if `params`
/// should (`wanted`) and can move.
fn moved(params: &[Pat], body: &[Stmt], wanted: bool) -> Option<(Vec<Pat>, Stmt)> {
    // (A parameter calling `eval` directly declares in the parameters' scope,
    // not the body's: `var arguments` there is an error.)
    if !wanted || !apart(params, body) || params.iter().any(calls_eval) {
        return None;
    }
    let kept = params
        .iter()
        .take_while(|p| !matches!(p, Pat::Assign(_) | Pat::Rest(_)))
        .count();
    let mut new_params: Vec<Pat> = (0..kept).map(|i| binding(&format!("{FIRST}{i}"))).collect();
    if kept < params.len() {
        new_params.push(Pat::Rest(RestPat {
            span: DUMMY_SP,
            dot3_token: DUMMY_SP,
            arg: Box::new(binding(REST)),
            type_ann: None,
        }));
    }
    // `let a = $$param0, b = $$params[0] === void 0 ? f(a) : $$params[0],
    // { 1: c = () => a } = $$params, r = $$params.slice(2)`: a name with a
    // default is a conditional (a call there is then a call site like any
    // other); a default that makes a function or class stays a destructuring
    // default, so the function is named after its parameter as before.
    let mut decls: Vec<(Pat, Option<Box<Expr>>)> = params[..kept]
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), Some(ident_expr(&format!("{FIRST}{i}")))))
        .collect();
    let (rest, given): (Vec<&Pat>, Vec<&Pat>) = params[kept..]
        .iter()
        .partition(|p| matches!(p, Pat::Rest(_)));
    for (k, p) in given.iter().enumerate() {
        let given_k = || computed_member(ident_expr(REST), num(k as f64));
        match p {
            Pat::Assign(AssignPat { left, right, .. })
                if matches!(&**left, Pat::Ident(_)) && !names_itself(right) =>
            {
                decls.push((
                    (**left).clone(),
                    Some(given_or(given_k(), right.clone(), given_k())),
                ));
            }
            _ => {
                let pattern = Pat::Object(ObjectPat {
                    span: DUMMY_SP,
                    props: vec![ObjectPatProp::KeyValue(KeyValuePatProp {
                        key: PropName::Num(Number::from(k as f64)),
                        value: Box::new((*p).clone()),
                    })],
                    optional: false,
                    type_ann: None,
                });
                decls.push((pattern, Some(ident_expr(REST))));
            }
        }
    }
    if let Some(Pat::Rest(r)) = rest.first() {
        decls.push((*r.arg.clone(), Some(slice_from(given.len()))));
    }
    Some((new_params, var_decl(VarDeclKind::Let, decls)))
}

/// `$$params.slice(k)`
fn slice_from(k: usize) -> Box<Expr> {
    call(member_expr(ident_expr(REST), "slice"), vec![num(k as f64)])
}

/// `obj[key]`
fn computed_member(obj: Box<Expr>, key: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj,
        prop: MemberProp::Computed(ComputedPropName {
            span: DUMMY_SP,
            expr: key,
        }),
    }))
}

/// An anonymous function or class, which a default names after its parameter.
fn names_itself(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => names_itself(&p.expr),
        Expr::Fn(f) => f.ident.is_none(),
        Expr::Class(c) => c.ident.is_none(),
        Expr::Arrow(_) => true,
        _ => false,
    }
}

/// Whether binding a parameter runs code the body must hold: a default that
/// makes a closure (its environment is the scope object the body makes),
/// calls a function (outside the body such a call is no call site, so a
/// capture landing in the callee could not come back to it), or reads a
/// name or `this` (which closures in the body may capture into that scope
/// object). Literals alone stay.
fn binds_in_body(p: &Pat) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_expr(&mut self, e: &Expr) {
            match e {
                Expr::Ident(_)
                | Expr::This(_)
                | Expr::Call(_)
                | Expr::New(_)
                | Expr::TaggedTpl(_)
                | Expr::Fn(_)
                | Expr::Arrow(_)
                | Expr::Class(_) => self.0 = true,
                _ => e.visit_children_with(self),
            }
        }
    }
    let mut f = Finder(false);
    p.visit_with(&mut f);
    f.0
}

/// A parameter that cannot throw when it is bound: a name, or a rest name.
fn plain(p: &Pat) -> bool {
    match p {
        Pat::Ident(_) => true,
        Pat::Rest(r) => matches!(&*r.arg, Pat::Ident(_)),
        _ => false,
    }
}

/// The body of the generator an async function's desugared body drives
/// (`return $things.async(function* () { ... }.apply(this, arguments))`);
/// not an async generator's, whose parameters throw to the caller.
fn driven_body(stmts: &mut [Stmt]) -> Option<&mut Vec<Stmt>> {
    let [Stmt::Return(ReturnStmt { arg: Some(arg), .. })] = stmts else {
        return None;
    };
    let Expr::Call(driver) = &mut **arg else {
        return None;
    };
    let Callee::Expr(callee) = &driver.callee else {
        return None;
    };
    let is_async = matches!(&**callee, Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(p), .. })
        if &*p.sym == "async" && matches!(&**obj, Expr::Ident(o) if &*o.sym == "$things"));
    if !is_async {
        return None;
    }
    let Expr::Call(started) = &mut *driver.args.first_mut()?.expr else {
        return None;
    };
    let Callee::Expr(member) = &mut started.callee else {
        return None;
    };
    let Expr::Member(MemberExpr { obj, .. }) = &mut **member else {
        return None;
    };
    let Expr::Fn(FnExpr { function, .. }) = &mut **obj else {
        return None;
    };
    Some(&mut function.body.as_mut()?.stmts)
}

/// Whether no name the body declares is one the parameters use or declare.
fn apart(params: &[Pat], body: &[Stmt]) -> bool {
    let mut declared = Vec::new();
    collect_vars(body, &mut declared);
    collect_lexical(body, &mut declared);
    let declared: HashSet<String> = declared.into_iter().map(|id| id.0.to_string()).collect();
    struct Names<'a>(&'a HashSet<String>, bool);
    impl Visit for Names<'_> {
        fn visit_ident(&mut self, i: &Ident) {
            self.1 |= self.0.contains(&*i.sym);
        }
    }
    let mut names = Names(&declared, false);
    params.visit_with(&mut names);
    !names.1
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    fn moved(source: &str) -> String {
        squash(&with_script(source, |script| {
            super::run(script);
            print(std::mem::take(&mut script.body))
        }))
    }

    #[test]
    fn parameters_with_closures_are_declared_in_the_body() {
        let out = moved("function g(a, b = () => a, ...r) { return b(); }");
        assert!(out.contains("function g($$param0, ...$$params) { let a = $$param0, { 0: b = ()=>a } = $$params, r = $$params.slice(1);"), "{out}");
        let out = moved("const f = ({ x } = {}, cb = function () { return x; }) => cb();");
        assert!(
            out.contains(
                "(...$$params)=>{ let { 0: { x } = {} } = $$params, { 1: cb = function() { return x; } } = $$params;"
            ),
            "{out}"
        );
        assert!(out.contains("return cb(); }"), "{out}");
    }

    #[test]
    fn parameters_with_calls_are_declared_in_the_body() {
        let out = moved("function f(a, opts = defaults(a), { n } = make()) { return n; }");
        assert!(
            out.contains(
                "function f($$param0, ...$$params) { let a = $$param0, opts = $$params[0] === void 0 ? defaults(a) : $$params[0], { 1: { n } = make() } = $$params;"
            ),
            "{out}"
        );
    }

    #[test]
    fn an_async_functions_parameters_are_bound_in_its_generator() {
        let out = with_script(
            "async function f(a, { b } = {}) { return a + b; }",
            |script| {
                crate::desugar_async::run(script);
                super::run(script);
                squash(&print(std::mem::take(&mut script.body)))
            },
        );
        assert!(
            out.contains("function f($$param0, ...$$params) { return $things.async((function*() { let a = $$param0, { 0: { b } = {} } = $$params;"),
            "{out}"
        );
    }

    #[test]
    fn other_parameters_stay() {
        for src in [
            "function g(a, b = 1) { return a + b; }",
            "function* g(a, b = () => a) { yield b(); }",
            "function g(a = () => eval('h')) { function h() {} }",
        ] {
            let out = moved(src);
            assert!(!out.contains("$$param"), "{src} -> {out}");
        }
    }

    #[test]
    fn setters_keep_one_parameter() {
        let out = moved("const o = { set v(x = f()) { return x; } };");
        assert!(
            out.contains(
                "set v ($$param0){ let x = $$param0 === void 0 ? f() : $$param0; return x; }"
            ),
            "{out}"
        );
        let out = moved("class C { static set #w({ y } = g()) {} }");
        assert!(
            out.contains("static set #w($$param0) { let { 0: { y } = g() } = [ $$param0 ]; }"),
            "{out}"
        );
    }

    #[test]
    fn parameters_move_past_body_declarations_renamed_apart() {
        let out = moved("function g(a, b = () => a) { var a; return b(); }");
        assert!(out.contains("let a = $$param0, { 0: b = ()=>a } = $$params; var a$$body1 = a; var a$$body1; return b();"), "{out}");
    }
}
