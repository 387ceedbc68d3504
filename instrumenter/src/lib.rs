//! things-js instrumenter: rewrites a JavaScript program (a node-style script)
//! into its capturable form. A library with no I/O: source text in, source text
//! out. The pipeline is a fixed order of stages, each in its own module, run
//! one after the other by `instrument` below:
//!
//! 1. parse: the program with the prelude (prelude.js), resolved (SWC's resolver),
//!    or a function made from text at run time (`dynamic`); before names are
//!    resolved, `param_scope` renames body declarations its parameters must not
//!    see, `block_functions` sloppy blocks' generators and async functions,
//!    `own_arguments` declared `arguments`;
//! 2. tagged_templates: template strings arrays the library keeps;
//! 3. using: `using` declarations become consts in a try that disposes them;
//! 4. desugar_async: async functions become generators the library drives;
//! 5. for_await: `for await` in them becomes a loop of yields;
//! 6. params: parameters that make closures move into the body;
//! 7. analyze: which bindings nested functions capture;
//! 8. closures: scope objects and factories; each finished function body is
//!    taken out with how it is to be framed (`bodies`);
//! 9. normalize: each body that captures gets calls in sites of their own;
//! 10. frames: normal and resume bodies; `bodies::splice` puts them back;
//! 11. emit: the program as a script that registers itself with the runtime
//!     (a function made at run time: an expression that gives its tables).
//!
//! See docs/capturable-form.md for the contract with the runtime library.

// SWC's AST keeps expressions as `Vec<Box<Expr>>`; the builders follow it.
#![allow(clippy::vec_box)]

mod analyze;
mod ast;
mod block_functions;
mod bodies;
mod closures;
mod desugar_async;
mod dynamic;
mod emit;
mod for_await;
mod frames;
mod normalize;
mod own_arguments;
mod param_scope;
mod params;
mod parse;
mod prelude;
mod tagged_templates;
mod using;

pub use bodies::Note;
pub use parse::SyntaxError;

/// The instrumented program.
pub struct Instrumented {
    /// A classic script for the runtime: it registers the program with the
    /// runtime library (`globalThis.__things`) without running it.
    pub code: String,
    /// Functions the instrumenter could not make capturable, one per function.
    pub notes: Vec<Note>,
}

/// Where a script's numbered parts start: the runtime keeps one table of
/// factories (sites), of resume bodies, of classes and of tagged template
/// sites, for the program and every function made from text after it
/// (`new Function`), each script's numbers after the one before.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Numbering {
    pub sites: usize,
    pub resumes: usize,
    pub classes: usize,
    pub templates: usize,
}

/// Rewrites `source` into its capturable form.
pub fn instrument(source: &str, filename: &str) -> Result<Instrumented, SyntaxError> {
    // SWC keeps interned state in thread-local globals; each call gets fresh ones.
    swc_common::GLOBALS.set(&Default::default(), || {
        let parsed = parse::with_prelude(source, filename, |cm| prelude::statements(cm, source))?;
        let mut out = stages(parsed.script, Numbering::default());
        let notes = std::mem::take(&mut out.notes);
        let code = emit::program(&parsed.cm, filename, source, out, parsed.strict);
        Ok(Instrumented { code, notes })
    })
}

/// What kind of function `new Function` and its kin make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    Normal,
    Generator,
    Async,
    AsyncGenerator,
}

/// A function made from text at run time, in its capturable form.
pub struct Chunk {
    /// An expression the program's script evaluates where it can see its
    /// yield budget (`emit::chunk`).
    pub code: String,
    /// Where the next script's numbers start.
    pub next: Numbering,
}

/// Rewrites the function `new Function(...params, body)` makes (its text as
/// the language builds it: `function anonymous(params\n) {\nbody\n}`),
/// numbered from `start`.
pub fn instrument_function(
    kind: FunctionKind,
    params: &str,
    body: &str,
    start: Numbering,
) -> Result<Chunk, SyntaxError> {
    swc_common::GLOBALS.set(&Default::default(), || {
        let parsed = dynamic::parse(kind, params, body)?;
        let out = stages(parsed.script, start);
        let next = out.next;
        let code = emit::chunk(&parsed.cm, out, &parsed.source);
        Ok(Chunk { code, next })
    })
}

/// A script after the stages: what `emit` prints.
struct Staged {
    script: swc_ecma_ast::Script,
    lifted: closures::Lifted,
    resumes: Vec<String>,
    notes: Vec<Note>,
    /// Where the next script's numbers start.
    next: Numbering,
}

/// Runs the stages between parsing and printing, numbering from `start`.
fn stages(mut script: swc_ecma_ast::Script, start: Numbering) -> Staged {
    let templates = tagged_templates::run(&mut script, start.templates);
    using::run(&mut script);
    desugar_async::run(&mut script);
    for_await::run(&mut script);
    params::run(&mut script);
    let analysis = analyze::run(&script);
    let mut lifted = closures::run(&mut script, &analysis, start.sites, start.classes);
    normalize::run(&mut lifted.bodies);
    let framed = frames::run(std::mem::take(&mut lifted.bodies), start.resumes);
    lifted.decls.extend(framed.resume_decls);
    bodies::splice(&mut script, &mut lifted.decls, framed.bodies);
    let next = Numbering {
        sites: start.sites + lifted.table.len(),
        resumes: start.resumes + framed.resumes.len(),
        classes: lifted.next_class,
        templates,
    };
    Staged {
        script,
        lifted,
        resumes: framed.resumes,
        notes: framed.notes,
        next,
    }
}

/// Wraps `source` unchanged, as node's CommonJS loader does, for `run --raw`.
pub fn wrap_raw(source: &str) -> String {
    emit::raw(source)
}

/// A script that makes the engine compile `source` as `wrap_raw` wraps it,
/// and runs none of it. SWC's parser misses some early errors the engine
/// reports (a redeclaration, an escaped keyword, ...), and the capturable
/// form of such a program is valid: compiled first, the program is refused
/// with the engine's SyntaxError, as it is when run as written.
pub fn compile_only(source: &str) -> String {
    emit::compile_only(source)
}

#[cfg(test)]
mod testing;
