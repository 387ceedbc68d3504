//! Async functions become generators driven by the runtime library
//! (`$things.async`), so that awaiting goes through the library's Promise and
//! its single job queue (the order of events stays node's), and a suspended
//! async function is a generator the runtime can reach.
//!
//! `async function f(a) { ... await x ... }` becomes
//! `function f(a) { return $things.async(function* () { ... yield x ... }.apply(this, arguments)); }`
//!
//! Left native (documented limitations): async generators, `for await`, and
//! async methods that use `super` (a generator expression cannot reach it).

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::{ident_expr, lib_call, member_expr};

pub fn run(script: &mut Script) {
    script.visit_mut_with(&mut Desugar);
}

struct Desugar;

impl VisitMut for Desugar {
    fn visit_mut_function(&mut self, f: &mut Function) {
        f.visit_mut_children_with(self);
        if !f.is_async || f.is_generator || uses_super_or_for_await(&f.body) {
            return;
        }
        let Some(body) = f.body.as_mut() else { return };
        f.is_async = false;
        body.stmts = drive(std::mem::take(&mut body.stmts), true);
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        a.visit_mut_children_with(self);
        if !a.is_async || uses_super_or_for_await(&*a.body) {
            return;
        }
        a.is_async = false;
        let stmts = crate::ast::take_arrow_body(a);
        *a.body = ArrowFunctionBody::FunctionBody(FunctionBody {
            span: DUMMY_SP,
            stmts: drive(stmts, false),
        });
    }
}

/// `{ return $things.async(function* () { body }.apply(this, arguments)); }`
/// (`.call(this)` for arrows, which have no `arguments` of their own).
fn drive(mut stmts: Vec<Stmt>, own_arguments: bool) -> Vec<Stmt> {
    stmts.visit_mut_with(&mut AwaitToYield);
    let generator = Box::new(Expr::Fn(FnExpr {
        ident: None,
        function: Box::new(crate::ast::function(vec![], stmts, true)),
    }));
    let this = Box::new(Expr::This(ThisExpr { span: DUMMY_SP }));
    let started = if own_arguments {
        crate::ast::call(
            member_expr(generator, "apply"),
            vec![this, ident_expr("arguments")],
        )
    } else {
        crate::ast::call(member_expr(generator, "call"), vec![this])
    };
    vec![Stmt::Return(ReturnStmt {
        span: DUMMY_SP,
        arg: Some(lib_call("async", vec![started])),
    })]
}

/// Turns this function's own `await`s into `yield`s (nested functions keep theirs).
struct AwaitToYield;

impl VisitMut for AwaitToYield {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        e.visit_mut_children_with(self);
        if let Expr::Await(a) = e {
            let arg = std::mem::replace(&mut a.arg, ident_expr("undefined"));
            *e = Expr::Yield(YieldExpr {
                span: a.span,
                arg: Some(arg),
                delegate: false,
            });
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

fn uses_super_or_for_await<N: VisitWith<Finder>>(node: &N) -> bool {
    let mut finder = Finder(false);
    node.visit_with(&mut finder);
    finder.0
}

/// Finds `super` or `for await` in a function's own body (arrows included,
/// since they share the function's `super`).
struct Finder(bool);

impl Visit for Finder {
    fn visit_super(&mut self, _: &Super) {
        self.0 = true;
    }
    fn visit_for_of_stmt(&mut self, s: &ForOfStmt) {
        self.0 |= s.is_await;
        s.visit_children_with(self);
    }
    fn visit_function(&mut self, _: &Function) {}
    fn visit_class(&mut self, _: &Class) {}
}

#[cfg(test)]
mod tests {
    use crate::testing::{print, squash, with_script};

    fn desugar(source: &str) -> String {
        with_script(source, |s| {
            super::run(s);
            squash(&print(s.body.clone()))
        })
    }

    #[test]
    fn async_functions_become_driven_generators() {
        assert_eq!(
            desugar("async function f(a) { const x = await a; return x + 1; }"),
            "function f(a) { return $things.async((function*() { const x = yield a; return x + 1; }).apply(this, arguments)); }"
        );
    }

    #[test]
    fn async_arrows_keep_their_lexical_this() {
        assert_eq!(desugar("const g = async () => await 1;"), "const g = ()=>{ return $things.async((function*() { return yield 1; }).call(this)); };");
    }

    #[test]
    fn for_await_is_left_native() {
        assert_eq!(
            desugar("async function h(xs) { for await (const x of xs) {} }"),
            "async function h(xs) { for await (const x of xs){} }"
        );
    }
}
