//! Async functions and async generators become generators driven by the
//! runtime library (runtime/js/08_async.js), so that awaiting goes through the
//! library's Promise and its single job queue (the order of events stays
//! node's), and a suspended one is a generator the runtime can reach.
//!
//! `async function f(a) { ... await x ... }` becomes
//! `function f(a) { return $things.async(function* () { ... yield x ... }.apply(this, arguments)); }`;
//! `async function* g() { ... await x ... yield v ... return w }` becomes
//! `function g() { return $things.asyncGen(function* () { ... yield x ... yield $things.ayield(yield v) ... return yield w }.apply(this, arguments)); }`
//! (an async generator's `yield v` and `return w` await their operand, and
//! its `yield* it` becomes `yield* $$asyncDelegate(it)`, a loop in the
//! prelude, prelude_delegate.js); `for await` loops in them are left for
//! `for_await`, the next pass.
//!
//! Left native (documented limitations): async functions and generators
//! that use `super` (a generator expression cannot reach it). The rewritten
//! async generator function is a plain function returning the library's
//! async generator object.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::{ident_expr, lib_call, member_expr, yield_of};

pub fn run(script: &mut Script) {
    // The prelude's delegation loop, as the resolver bound it.
    let delegate = script.body.iter().find_map(|s| match s {
        Stmt::Decl(Decl::Fn(f)) if &*f.ident.sym == crate::prelude::ASYNC_DELEGATE => {
            Some(f.ident.clone())
        }
        _ => None,
    });
    script.visit_mut_with(&mut Desugar { delegate });
}

struct Desugar {
    delegate: Option<Ident>,
}

impl VisitMut for Desugar {
    fn visit_mut_function(&mut self, f: &mut Function) {
        f.visit_mut_children_with(self);
        if !f.is_async || uses_super(&f.body) {
            return;
        }
        let Some(body) = f.body.as_mut() else { return };
        let driver = if f.is_generator { "asyncGen" } else { "async" };
        f.is_async = false;
        f.is_generator = false;
        body.stmts = self.drive(std::mem::take(&mut body.stmts), driver, true);
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        a.visit_mut_children_with(self);
        if !a.is_async || uses_super(&*a.body) {
            return;
        }
        a.is_async = false;
        let stmts = crate::ast::take_arrow_body(a);
        *a.body = ArrowFunctionBody::FunctionBody(FunctionBody {
            span: DUMMY_SP,
            stmts: self.drive(stmts, "async", false),
        });
    }
}

impl Desugar {
    /// `{ return $things.<driver>(function* () { body }.apply(this, arguments)); }`
    /// (`.call(this)` for arrows, which have no `arguments` of their own).
    fn drive(&self, mut stmts: Vec<Stmt>, driver: &str, own_arguments: bool) -> Vec<Stmt> {
        stmts.visit_mut_with(&mut AwaitToYield {
            async_generator: driver == "asyncGen",
            delegate: self.delegate.as_ref(),
        });
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
            arg: Some(lib_call(driver, vec![started])),
        })]
    }
}

/// Turns this function's own `await`s into `yield`s (nested functions keep
/// theirs), and in an async generator marks its own yields for the driver.
/// Its `for await` loops stay (`for_await` rewrites them next).
struct AwaitToYield<'a> {
    async_generator: bool,
    /// The prelude's `$$asyncDelegate` (there when the program has a `yield*`).
    delegate: Option<&'a Ident>,
}

impl AwaitToYield<'_> {
    /// An async generator's `return v` awaits `v`.
    fn await_return(&mut self, s: &mut Stmt) {
        if let Stmt::Return(ReturnStmt { arg: Some(v), .. }) = s {
            if self.async_generator {
                let value = std::mem::replace(v, ident_expr("undefined"));
                **v = *yield_of(value);
            }
        }
    }
}

impl VisitMut for AwaitToYield<'_> {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        e.visit_mut_children_with(self);
        match e {
            Expr::Await(a) => {
                let arg = std::mem::replace(&mut a.arg, ident_expr("undefined"));
                *e = *yield_of(arg);
            }
            // `yield* it`: a plain delegation to the prelude's loop, which
            // awaits and hands values on as an async generator's does.
            Expr::Yield(y) if self.async_generator && y.delegate => {
                let arg = y.arg.take().unwrap_or_else(|| ident_expr("undefined"));
                let delegate = self
                    .delegate
                    .expect("a program with `yield*` has the prelude's loop");
                y.arg = Some(crate::ast::call(
                    Box::new(Expr::Ident(delegate.clone())),
                    vec![arg],
                ));
            }
            Expr::Yield(y) if self.async_generator => {
                let arg = y.arg.take().unwrap_or_else(|| ident_expr("undefined"));
                *e = *yield_of(lib_call("ayield", vec![yield_of(arg)]));
            }
            _ => {}
        }
    }
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        s.visit_mut_children_with(self);
        self.await_return(s);
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

fn uses_super<N: VisitWith<Finder>>(node: &N) -> bool {
    let mut finder = Finder::default();
    node.visit_with(&mut finder);
    finder.uses_super
}

/// Looks through a function's own body (arrows included, since they share
/// the function's `super`).
#[derive(Default)]
struct Finder {
    uses_super: bool,
}

impl Visit for Finder {
    fn visit_super(&mut self, _: &Super) {
        self.uses_super = true;
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
    fn async_generators_mark_their_yields_and_await_their_returns() {
        assert_eq!(
            desugar("async function* g() { const a = await p; yield a; return a; }"),
            "function g() { return $things.asyncGen((function*() { const a = yield p; yield $things.ayield((yield a)); return yield a; }).apply(this, arguments)); }"
        );
    }
}
