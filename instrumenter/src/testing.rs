//! Helpers for the passes' unit tests: parse a snippet, run passes, print.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_codegen::to_code_default;

/// Runs `f` on the parsed and resolved snippet, inside SWC's globals.
pub fn with_script<R>(source: &str, f: impl FnOnce(&mut Script) -> R) -> R {
    swc_common::GLOBALS.set(&Default::default(), || {
        let mut parsed = crate::parse::parse(source, "test.js").expect("the snippet parses");
        f(&mut parsed.script)
    })
}

/// Prints statements as the emitter does (with the fixer's parentheses).
pub fn print(stmts: Vec<Stmt>) -> String {
    let mut program = Program::Script(Script {
        span: DUMMY_SP,
        body: stmts,
        shebang: None,
    });
    swc_ecma_transforms_base::fixer::fixer(None).process(&mut program);
    to_code_default(Default::default(), None, &program)
}

/// Whitespace-insensitive comparison of printed code.
pub fn squash(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The snippet as parsed (with the passes that run before names are
/// resolved), printed and squashed.
pub fn parsed(source: &str) -> String {
    squash(&with_script(source, |s| print(std::mem::take(&mut s.body))))
}
