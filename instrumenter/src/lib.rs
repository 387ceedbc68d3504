//! things-js instrumenter: rewrites a JavaScript program (a node-style script)
//! into its capturable form. A library with no I/O: source text in, source text
//! out. The pipeline is a fixed order of passes, each in its own module:
//!
//! parse (with the prelude, prelude.js) -> resolve (SWC's resolver) ->
//! tagged_templates -> desugar_async
//! (with for_await) -> analyze -> closures
//! (which hands each finished function body to normalize + frames) -> emit
//!
//! See docs/capturable-form.md for the contract with the runtime library.

// SWC's AST keeps expressions as `Vec<Box<Expr>>`; the builders follow it.
#![allow(clippy::vec_box)]

mod analyze;
mod ast;
mod closures;
mod delegate;
mod desugar_async;
mod emit;
mod for_await;
mod frames;
mod normalize;
mod parse;
mod prelude;
mod tagged_templates;

pub use parse::SyntaxError;

/// The instrumented program.
pub struct Instrumented {
    /// A classic script for the runtime: it registers the program with the
    /// runtime library (`globalThis.__things`) without running it.
    pub code: String,
    /// Functions the instrumenter could not make capturable, one per function.
    pub notes: Vec<Note>,
}

/// A function left without stack capture, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
    /// The construct that kept it so.
    pub reason: &'static str,
    /// A generator (or async function) cannot be captured while suspended;
    /// any other function only delays a capture until it returns.
    pub generator: bool,
}

/// Rewrites `source` into its capturable form.
pub fn instrument(source: &str, filename: &str) -> Result<Instrumented, SyntaxError> {
    // SWC keeps interned state in thread-local globals; each call gets fresh ones.
    swc_common::GLOBALS.set(&Default::default(), || {
        let parsed = parse::with_prelude(source, filename, |cm| prelude::statements(cm, source))?;
        let mut script = parsed.script;
        tagged_templates::run(&mut script);
        desugar_async::run(&mut script);
        let analysis = analyze::run(&script);
        let lifted = closures::run(&mut script, &analysis, true);
        let notes = lifted.notes.clone();
        let code = emit::program(&parsed.cm, script, lifted, parsed.strict);
        Ok(Instrumented { code, notes })
    })
}

/// Wraps `source` unchanged, as node's CommonJS loader does, for `run --raw`.
pub fn wrap_raw(source: &str) -> String {
    emit::raw(source)
}

#[cfg(test)]
mod testing;
