//! Functions made from text at run time (`new Function(...params, body)` and
//! its kin): the text the language builds from the arguments, parsed as the
//! value a script returns, and refused unless the parameters and the body
//! are each whole (a body cannot close the function and add code after it).

use swc_common::{sync::Lrc, Mark, SourceMap, Spanned};
use swc_ecma_ast::*;
use swc_ecma_transforms_base::resolver;

use crate::parse::{unresolved, SyntaxError};
use crate::FunctionKind;

pub struct Parsed {
    pub cm: Lrc<SourceMap>,
    /// `return (function anonymous(...) {...});`, with the helpers it needs.
    pub script: Script,
    /// The text parsed (file name `anonymous`), where the functions' texts are.
    pub source: String,
}

const BEFORE: &str = "return (";
/// The name of the parsed text (node's for such functions).
pub const FILENAME: &str = "anonymous";

pub fn parse(kind: FunctionKind, params: &str, body: &str) -> Result<Parsed, SyntaxError> {
    let keyword = match kind {
        FunctionKind::Normal => "function",
        FunctionKind::Generator => "function*",
        FunctionKind::Async => "async function",
        FunctionKind::AsyncGenerator => "async function*",
    };
    let head = format!("{keyword} anonymous({params}\n) ");
    let braces = format!("{{\n{body}\n}}");
    let text = format!("{head}{braces}");
    let source = format!("{BEFORE}{text});");
    let cm: Lrc<SourceMap> = Default::default();
    let mut script = unresolved(&cm, &source, FILENAME)?;
    let file_start = cm.files()[0].start_pos.0 as usize;
    let body_at = file_start + BEFORE.len() + head.len();
    if !is_one_function(&script, body_at, body_at + braces.len()) {
        return Err(SyntaxError {
            line: 1,
            col: 1,
            message: "the parameters or the body of a function made from text are not whole".into(),
        });
    }
    let helpers = crate::prelude::helpers(&cm, &text);
    script.body.splice(0..0, helpers);
    crate::param_scope::run(&mut script);
    crate::block_functions::run(&mut script, false);
    crate::own_arguments::run(&mut script);
    let mut program = Program::Script(script);
    resolver(Mark::new(), Mark::new(), false).process(&mut program);
    let Program::Script(script) = program else {
        unreachable!()
    };
    Ok(Parsed { cm, script, source })
}

/// Whether the script is the one return of a function expression whose body
/// is exactly where the text put its braces.
fn is_one_function(script: &Script, lo: usize, hi: usize) -> bool {
    let [Stmt::Return(ReturnStmt { arg: Some(arg), .. })] = &script.body[..] else {
        return false;
    };
    let Expr::Paren(ParenExpr { expr, .. }) = &**arg else {
        return false;
    };
    let Expr::Fn(f) = &**expr else { return false };
    f.function
        .body
        .as_ref()
        .is_some_and(|b| b.span().lo.0 as usize == lo && b.span().hi.0 as usize == hi)
}

#[cfg(test)]
mod tests {
    use crate::{instrument_function, FunctionKind, Numbering};

    fn made(params: &str, body: &str) -> Result<String, String> {
        let start = Numbering {
            sites: 40,
            resumes: 30,
            classes: 7,
            templates: 3,
        };
        instrument_function(FunctionKind::Normal, params, body, start)
            .map(|c| c.code)
            .map_err(|e| e.message)
    }

    #[test]
    fn a_body_or_parameters_that_close_the_function_are_refused() {
        assert!(made("a", "return a").is_ok());
        for (params, body) in [
            ("", "}); (function () {"),
            ("a) {}; (function (", ""),
            ("a) {} (function (", ""),
        ] {
            assert!(made(params, body).is_err(), "{params:?} {body:?}");
        }
    }

    #[test]
    fn numbers_continue_from_the_scripts_before() {
        let start = Numbering {
            sites: 40,
            resumes: 30,
            classes: 7,
            templates: 3,
        };
        let chunk = instrument_function(
            FunctionKind::Normal,
            "",
            "return class { #x = tag`a`; f() { return () => this.#x; } }",
            start,
        )
        .expect("made");
        assert!(
            chunk.code.contains("$things.priv(7, \"#x\""),
            "{}",
            chunk.code
        );
        assert!(chunk.code.contains("$things.tpl(3,"), "{}", chunk.code);
        assert!(
            chunk.code.contains("return [[$$main, $$f41"),
            "{}",
            chunk.code
        );
        assert!(chunk.code.contains("$$r30"), "{}", chunk.code);
        assert_eq!(chunk.next.classes, 8);
        assert_eq!(chunk.next.templates, 4);
        assert!(chunk.next.sites > 41 && chunk.next.resumes > 30);
    }
}
