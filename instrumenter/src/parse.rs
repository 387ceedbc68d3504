//! Parsing a program into an AST with SWC, and syntax errors as `line:col: message`.

use std::fmt;

use swc_common::{sync::Lrc, FileName, Mark, SourceFile, SourceMap, Spanned};
use swc_ecma_ast::{Pass, Program, Script};
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax};
use swc_ecma_transforms_base::resolver;

use crate::using::for_heads;

/// A syntax error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for SyntaxError {}

pub struct Parsed {
    pub cm: Lrc<SourceMap>,
    pub script: Script,
    /// The program starts with a "use strict" directive.
    pub strict: bool,
}

/// Parses a script and resolves its scopes (inside `swc_common::GLOBALS`).
#[cfg(test)]
pub fn parse(source: &str, filename: &str) -> Result<Parsed, SyntaxError> {
    with_prelude(source, filename, |_| vec![])
}

/// As `parse`, with the statements `prelude` makes put first, after the
/// program's directives, and resolved with it.
pub fn with_prelude(
    source: &str,
    filename: &str,
    prelude: impl FnOnce(&Lrc<SourceMap>) -> Vec<swc_ecma_ast::Stmt>,
) -> Result<Parsed, SyntaxError> {
    let cm: Lrc<SourceMap> = Default::default();
    let mut script = unresolved(&cm, source, filename)?;
    let strict = crate::ast::has_use_strict(&script.body);
    let first = prelude(&cm);
    let at = script
        .body
        .iter()
        .take_while(|s| crate::ast::is_directive(s))
        .count();
    script.body.splice(at..at, first);
    crate::param_scope::run(&mut script);
    crate::block_functions::run(&mut script, strict);
    crate::own_arguments::run(&mut script);
    let unresolved_mark = Mark::new();
    let top_level = Mark::new();
    let mut program = Program::Script(script);
    resolver(unresolved_mark, top_level, false).process(&mut program);
    let Program::Script(script) = program else {
        unreachable!()
    };
    Ok(Parsed { cm, script, strict })
}

/// Parses a script (names not resolved). A `for (using x = e; ...)` head,
/// which SWC does not take, is parsed as a `using` before the loop.
pub fn unresolved(
    cm: &Lrc<SourceMap>,
    source: &str,
    filename: &str,
) -> Result<Script, SyntaxError> {
    let name = Lrc::new(FileName::Custom(filename.into()));
    let fm = cm.new_source_file(name.clone(), source.to_string());
    let mut error = match parse_text(&fm) {
        Ok(script) => return Ok(script),
        Err(e) => e,
    };
    // (Each try is a file of its own: the last one holds the program's spans.)
    let mut text = source.to_string();
    let mut replaced = for_heads::Replaced::new();
    loop {
        let start = cm.files().last().expect("a file was added").start_pos;
        let at = (error.span().lo.0 - start.0) as usize;
        let Some(again) = for_heads::replace_at(&text, at, &mut replaced) else {
            let loc = cm.lookup_char_pos(error.span().lo);
            return Err(SyntaxError {
                line: loc.line,
                col: loc.col.0 + 1,
                message: error.kind().msg().into_owned(),
            });
        };
        text = again;
        let fm = cm.new_source_file(name.clone(), text.clone());
        match parse_text(&fm) {
            Ok(mut script) => {
                for_heads::declarations(&mut script, fm.start_pos, &replaced);
                return Ok(script);
            }
            Err(e) => error = e,
        }
    }
}

fn parse_text(fm: &SourceFile) -> Result<Script, swc_ecma_parser::error::Error> {
    let syntax = Syntax::Es(EsSyntax {
        allow_return_outside_function: true,
        explicit_resource_management: true,
        ..Default::default()
    });
    let mut parser = Parser::new(syntax, StringInput::from(fm), None);
    let script = parser.parse_script()?;
    match parser.take_errors().into_iter().next() {
        Some(e) => Err(e),
        None => Ok(script),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str) -> SyntaxError {
        swc_common::GLOBALS.set(&Default::default(), || {
            parse(source, "t.js").err().expect("a syntax error")
        })
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let e = error("let a = 1;\nlet = = 2;\n");
        assert_eq!((e.line, e.col), (2, 7));
        assert!(e.to_string().starts_with("2:7: "), "{e}");
    }

    #[test]
    fn use_strict_is_detected() {
        let strict = swc_common::GLOBALS.set(&Default::default(), || {
            parse("'use strict'; x = 1;", "t.js").unwrap().strict
        });
        assert!(strict);
    }
}
