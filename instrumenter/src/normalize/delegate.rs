//! `yield* iterable` as a loop of plain yields, so that a generator
//! suspended inside a delegation is suspended at one of its own yield sites
//! (which a snapshot can record) and the delegation's position lives in a
//! library state object (see `$things.delegate` in runtime/js/06_syntax.js).
//!
//! With `D` the state: each turn steps the inner iterator with how the outer
//! generator was resumed (`next`: mode 0, `throw`: mode 1); `return` is seen
//! in the finally block (mode still 2) and forwarded to the inner iterator,
//! which may keep the delegation going. Unlike the built-in, each step yields
//! a fresh result object rather than the inner iterator's own.

use swc_common::{sync::Lrc, FileName, SourceMap};
use swc_ecma_ast::*;
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax};
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::{ident_expr, member_expr};

const TEMPLATE: &str = "function* _() {
    while (true) {
        if ($things.delegateStep(D)) break;
        try {
            D.mode = 2;
            D.arg = yield D.out;
            D.mode = 0;
        } catch (CAUGHT) {
            D.mode = 1;
        } finally {
            if (D.mode === 2) switch ($things.delegateReturn(D)) {
                case 1: continue;
                case 2: return D.v;
            }
        }
    }
}";

/// The loop for a delegation whose state (from `$things.delegate(...)`) is
/// in the local `state`; afterwards `state.v` is the value of `yield*`.
pub fn delegation_loop(state: &str) -> Vec<Stmt> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), TEMPLATE.to_string());
    let mut parser = Parser::new(
        Syntax::Es(EsSyntax::default()),
        StringInput::from(&*fm),
        None,
    );
    let script = parser
        .parse_script()
        .expect("the delegation template parses");
    let Some(Stmt::Decl(Decl::Fn(f))) = script.body.into_iter().next() else {
        unreachable!("the template is one generator function")
    };
    let mut stmts = f.function.body.expect("a body").stmts;
    stmts.visit_mut_with(&mut Fill(state));
    stmts
}

/// Puts the state's name in for `D`, and catches straight into `D.arg`.
struct Fill<'a>(&'a str);

impl VisitMut for Fill<'_> {
    fn visit_mut_ident(&mut self, i: &mut Ident) {
        if &*i.sym == "D" {
            i.sym = self.0.into();
        }
    }
    fn visit_mut_catch_clause(&mut self, c: &mut CatchClause) {
        c.param = Some(Pat::Expr(member_expr(ident_expr(self.0), "arg")));
        c.body.visit_mut_with(self);
    }
}
