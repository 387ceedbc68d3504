//! things-js instrumenter: rewrites a JavaScript program (a node-style script)
//! into its capturable form. A library with no I/O: source text in, source text
//! out. The pipeline is a fixed order of stages, each in its own module, run
//! one after the other by `instrument` below:
//!
//! 1. parse: the program with the prelude (prelude.js), resolved (SWC's resolver);
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
//! 11. emit: the program as a script that registers itself with the runtime.
//!
//! See docs/capturable-form.md for the contract with the runtime library.

// SWC's AST keeps expressions as `Vec<Box<Expr>>`; the builders follow it.
#![allow(clippy::vec_box)]

mod analyze;
mod ast;
mod bodies;
mod closures;
mod desugar_async;
mod emit;
mod for_await;
mod frames;
mod normalize;
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

/// Rewrites `source` into its capturable form.
pub fn instrument(source: &str, filename: &str) -> Result<Instrumented, SyntaxError> {
    // SWC keeps interned state in thread-local globals; each call gets fresh ones.
    swc_common::GLOBALS.set(&Default::default(), || {
        let parsed = parse::with_prelude(source, filename, |cm| prelude::statements(cm, source))?;
        let mut script = parsed.script;
        tagged_templates::run(&mut script);
        using::run(&mut script);
        desugar_async::run(&mut script);
        for_await::run(&mut script);
        params::run(&mut script);
        let analysis = analyze::run(&script);
        let mut lifted = closures::run(&mut script, &analysis);
        normalize::run(&mut lifted.bodies);
        let framed = frames::run(std::mem::take(&mut lifted.bodies));
        lifted.decls.extend(framed.resume_decls);
        bodies::splice(&mut script, &mut lifted.decls, framed.bodies);
        let code = emit::program(
            &parsed.cm,
            filename,
            script,
            lifted,
            &framed.resumes,
            parsed.strict,
        );
        Ok(Instrumented {
            code,
            notes: framed.notes,
        })
    })
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
