//! The op behind `new Function(...)` (runtime/js/18_dynamic_functions.js):
//! the function's text instrumented like the program, numbered after the
//! scripts before it.

use deno_core::op2;
use serde::{Deserialize, Serialize};
use things_js_instrumenter::{FunctionKind, Numbering};

#[derive(Deserialize, Serialize)]
struct Numbers([usize; 4]);

impl From<Numbers> for Numbering {
    fn from(Numbers([sites, resumes, classes, templates]): Numbers) -> Self {
        Numbering {
            sites,
            resumes,
            classes,
            templates,
        }
    }
}

impl From<Numbering> for Numbers {
    fn from(n: Numbering) -> Self {
        Numbers([n.sites, n.resumes, n.classes, n.templates])
    }
}

/// `{"code": ..., "next": [...]}`, or `{"error": ...}` for a syntax error.
#[op2]
#[string]
pub fn op_things_make_function(
    kind: u32,
    #[string] params: &str,
    #[string] body: &str,
    #[serde] start: Numbers,
) -> String {
    let kind = match kind {
        1 => FunctionKind::Generator,
        2 => FunctionKind::Async,
        3 => FunctionKind::AsyncGenerator,
        _ => FunctionKind::Normal,
    };
    let reply = match things_js_instrumenter::instrument_function(kind, params, body, start.into())
    {
        Ok(chunk) => serde_json::json!({ "code": chunk.code, "next": Numbers::from(chunk.next) }),
        Err(e) => serde_json::json!({ "error": e.message }),
    };
    reply.to_string()
}
