//! Printing: the rewritten program wrapped as a classic script that registers
//! itself with the runtime library (`$things.load(main, factories, ...)`),
//! with a source map from the script back to the program's own lines (and
//! the program's text), so errors can name them, and where each function's
//! text is in the program, for `Function.prototype.toString`. A function
//! made from text at run time is printed as an expression the program's
//! script evaluates (`$$chunk`), inside the scope of its yield budget.

use swc_common::{sync::Lrc, BytePos, FileName, SourceMap, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_codegen::{text_writer::JsWriter, Emitter, Node};

use crate::closures::Text;
use crate::Staged;

/// The instrumented program: lifted factories and resume bodies, then the program's top level
/// as the function `$$main`, then the registration.
pub fn program(
    cm: &Lrc<SourceMap>,
    filename: &str,
    source: &str,
    staged: Staged,
    strict: bool,
) -> String {
    let Staged {
        script,
        lifted,
        resumes,
        next,
        ..
    } = staged;
    let (code, positions) = print(cm, script, lifted.decls);
    // The lines of the wrapper above the program's code. (A strict program is
    // in a function of its own: a function made from text is not strict by
    // context, so `$$chunk` is outside it.)
    let (above, open, close) = if strict {
        (4, "return (function () {\n\"use strict\";\n", "})();\n")
    } else {
        (2, "", "")
    };
    let map = source_map(cm, filename, source, &positions, above);
    let texts = texts(cm, filename, source, &lifted.texts);
    let numbering = format!(
        "[{}, {}, {}, {}]",
        next.sites, next.resumes, next.classes, next.templates
    );
    format!(
        "(function ($things) {{\nlet $$c = $things.budget0(), $$cap = false, $$chunk = (code) => eval(code);\n{open}{code}$things.load($$main, [{}], [{}], () => $$c, (v) => {{ $$cap = v; }}, {map}, {texts}, $$chunk, {numbering});\n{close}}})(globalThis.__things);\n",
        lifted.table.join(", "),
        resumes.join(", ")
    )
}

/// A function made from text at run time: an expression giving its
/// factories (the first is its `$$main`, which returns the function), its
/// resume bodies, where its functions' texts are and the text they are in.
pub fn chunk(cm: &Lrc<SourceMap>, staged: Staged, source: &str) -> String {
    let Staged {
        script,
        lifted,
        resumes,
        ..
    } = staged;
    let (code, _) = print(cm, script, lifted.decls);
    let texts = texts(cm, crate::dynamic::FILENAME, source, &lifted.texts);
    let source = serde_json::to_string(source).expect("a string serializes");
    format!(
        "(function () {{\n{code}return [[{}], [{}], {texts}, {source}];\n}})()",
        lifted.table.join(", "),
        resumes.join(", ")
    )
}

/// The factories and resume bodies, then the top level as the function
/// `$$main`, printed; and where each node with a place in a source went.
fn print(
    cm: &Lrc<SourceMap>,
    script: Script,
    decls: Vec<Stmt>,
) -> (String, Vec<(BytePos, swc_common::source_map::LineCol)>) {
    let main = Stmt::Decl(Decl::Fn(FnDecl {
        ident: crate::ast::ident("$$main"),
        declare: false,
        function: Box::new(Function {
            this_param: None,
            params: vec![],
            decorators: vec![],
            span: DUMMY_SP,
            ctxt: Default::default(),
            body: Some(FunctionBody {
                span: DUMMY_SP,
                stmts: script.body,
            }),
            is_generator: false,
            is_async: false,
            type_params: None,
            return_type: None,
        }),
    }));
    let mut body = decls;
    body.push(main);
    // The passes build expressions without minding precedence; the fixer
    // puts in the parentheses the printed code needs.
    let mut program = Program::Script(Script {
        span: DUMMY_SP,
        body,
        shebang: None,
    });
    swc_ecma_transforms_base::fixer::fixer(None).process(&mut program);
    let mut buf = Vec::new();
    let mut positions = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: Default::default(),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm.clone(), "\n", &mut buf, Some(&mut positions)),
        };
        program
            .emit_with(&mut emitter)
            .expect("printing to memory cannot fail");
    }
    let code = String::from_utf8(buf).expect("codegen generated non-utf8 output");
    (code, positions)
}

/// A source map (version 3, as a JS string literal) from the script's lines
/// to the program's own (not the prelude's), `above` lines of wrapper first.
fn source_map(
    cm: &Lrc<SourceMap>,
    filename: &str,
    source: &str,
    positions: &[(BytePos, swc_common::source_map::LineCol)],
    above: u32,
) -> String {
    let own = FileName::Custom(filename.into());
    let mut builder = sourcemap::SourceMapBuilder::new(None);
    if program_file(cm, filename).is_some() {
        let id = builder.add_source(filename);
        builder.set_source_contents(id, Some(source));
    }
    for (pos, generated) in positions {
        if pos.is_dummy() {
            continue;
        }
        let loc = cm.lookup_char_pos(*pos);
        if *loc.file.name != own {
            continue;
        }
        builder.add(
            generated.line + above,
            generated.col,
            loc.line as u32 - 1,
            loc.col.0 as u32,
            Some(filename),
            None,
            false,
        );
    }
    let mut json = Vec::new();
    builder
        .into_sourcemap()
        .to_writer(&mut json)
        .expect("writing to memory cannot fail");
    let json = String::from_utf8(json).expect("a source map is JSON text");
    // A JSON string is a JavaScript string literal.
    serde_json::to_string(&json).expect("a string serializes")
}

/// The program's own source file (not the prelude's; the last of its name:
/// `parse` may have read it more than once, with `for (using` heads made
/// `const`, the same length).
fn program_file(cm: &Lrc<SourceMap>, filename: &str) -> Option<Lrc<swc_common::SourceFile>> {
    let own = FileName::Custom(filename.into());
    cm.files().iter().rev().find(|f| *f.name == own).cloned()
}

/// `{"K": [start, end], ...}` as a JavaScript string literal: each text's
/// place in the program's source, in UTF-16 code units (JavaScript's string
/// indices); `source` is the program's text as written.
fn texts(cm: &Lrc<SourceMap>, filename: &str, source: &str, texts: &[Text]) -> String {
    let Some(file) = program_file(cm, filename) else {
        return "\"{}\"".into();
    };
    let src = source;
    let offset = |pos: BytePos| (pos.0 - file.start_pos.0) as usize;
    // UTF-16 index of each byte offset asked for, in one pass over the text.
    let mut wanted: Vec<usize> = Vec::new();
    let mut ranges = Vec::new();
    for t in texts {
        if t.span.lo < file.start_pos || t.span.hi > file.end_pos {
            continue;
        }
        let mut lo = offset(t.span.lo);
        if t.after_static {
            let rest = &src[lo..];
            let skipped = rest.strip_prefix("static").map_or(rest, |r| r.trim_start());
            lo += rest.len() - skipped.len();
        }
        let hi = offset(t.span.hi);
        wanted.extend([lo, hi]);
        ranges.push((&t.key, lo, hi));
    }
    wanted.sort_unstable();
    let mut utf16 = std::collections::HashMap::new();
    let mut units = 0;
    let mut next = wanted.iter().peekable();
    for (i, c) in src.char_indices().chain(std::iter::once((src.len(), ' '))) {
        while next.peek().is_some_and(|&&w| w <= i) {
            utf16.insert(*next.next().expect("peeked"), units);
        }
        units += c.len_utf16();
    }
    let object: serde_json::Map<String, serde_json::Value> = ranges
        .into_iter()
        .map(|(key, lo, hi)| (key.clone(), serde_json::json!([utf16[&lo], utf16[&hi]])))
        .collect();
    let json = serde_json::Value::Object(object).to_string();
    serde_json::to_string(&json).expect("a string serializes")
}

/// The program as written, in node's CommonJS-style function wrapper; the
/// first line is kept on the wrapper's line so line numbers match the file.
pub fn raw(source: &str) -> String {
    let source = without_shebang(source);
    format!("(function ($things) {{ $things.load(function () {{{source}\n}}, null); }})(globalThis.__things);\n")
}

/// The program as `raw` wraps it, in a function that is never called.
pub fn compile_only(source: &str) -> String {
    let source = without_shebang(source);
    format!("(function () {{{source}\n}});\n")
}

fn without_shebang(source: &str) -> String {
    match source.strip_prefix("#!") {
        Some(rest) => format!("//{rest}"),
        None => source.to_string(),
    }
}
