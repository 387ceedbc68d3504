//! Function bodies on their way through the last stages. `closures` takes
//! each finished body out of the program, with how it is to be framed, and
//! leaves a placeholder where it was; `normalize` normalizes the bodies that
//! capture; `frames` frames them all; `splice` puts each back in its place.
//! The types those stages hand each other are here.

use std::collections::HashMap;

use swc_common::{BytePos, Span};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::{call, expr_stmt, ident, num};

/// What `frames` does with a function body.
#[derive(Clone)]
pub enum Framing {
    /// A capturable frame: a resume body is made for it.
    Capture {
        self_name: Option<String>,
        arrow: bool,
    },
    /// A generator: recorded when a snapshot looks at it suspended.
    Generator { self_name: Option<String> },
    /// Cannot be re-entered (getters, constructors, ...): runs guarded.
    Guard,
    /// Left as it is (generators that use `super`: the runtime holds
    /// captures off while they run, and cannot capture them suspended).
    Plain,
}

/// A body taken out of the program.
pub struct Pending {
    pub framing: Framing,
    pub params: Vec<Pat>,
    /// The body as `closures` left it.
    pub stmts: Vec<Stmt>,
    /// The scope-object chain where the function is created, outermost first.
    pub env: Vec<String>,
    /// Strict by its context or its own directive.
    pub strict: bool,
    /// `normalize`'s result, for the bodies that capture.
    pub normalized: Option<Result<Normalized, Unsupported>>,
}

impl Pending {
    /// Whether the body gets a capturable frame (if `normalize` can do it).
    pub fn captures(&self) -> bool {
        matches!(
            self.framing,
            Framing::Capture { .. } | Framing::Generator { .. }
        )
    }
}

/// The name of the placeholder's callee.
const PLACEHOLDER: &str = "$$body";

/// Where the placeholder's callee stands: a place no node of a program has,
/// so a program's own `$$body(0)` is never taken for one.
const NOWHERE: Span = Span {
    lo: BytePos::PLACEHOLDER,
    hi: BytePos::PLACEHOLDER,
};

/// `$$body(k);`, standing for the k-th pending body.
pub fn placeholder(k: usize) -> Stmt {
    let mut callee = ident(PLACEHOLDER);
    callee.span = NOWHERE;
    expr_stmt(call(Box::new(Expr::Ident(callee)), vec![num(k as f64)]))
}

fn placeholder_index(s: &Stmt) -> Option<usize> {
    let Stmt::Expr(ExprStmt { expr, .. }) = s else {
        return None;
    };
    let Expr::Call(CallExpr {
        callee: Callee::Expr(callee),
        args,
        ..
    }) = &**expr
    else {
        return None;
    };
    match (&**callee, args.as_slice()) {
        (Expr::Ident(i), [arg]) if &*i.sym == PLACEHOLDER && i.span == NOWHERE => {
            match &*arg.expr {
                Expr::Lit(Lit::Num(n)) => Some(n.value as usize),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Puts the finished bodies back in the program and its top-level
/// declarations. A body can hold placeholders of its own (functions that
/// stay nested), and can appear twice (in a normal and a resume body).
pub fn splice(script: &mut Script, decls: &mut Vec<Stmt>, bodies: Vec<Vec<Stmt>>) {
    let mut s = Splice(bodies);
    script.visit_mut_with(&mut s);
    decls.visit_mut_with(&mut s);
}

struct Splice(Vec<Vec<Stmt>>);

impl VisitMut for Splice {
    fn visit_mut_stmts(&mut self, stmts: &mut Vec<Stmt>) {
        if let [only] = stmts.as_slice() {
            if let Some(k) = placeholder_index(only) {
                *stmts = self.0[k].clone();
            }
        }
        stmts.visit_mut_children_with(self);
    }
}

/// A construct the normalization does not handle (yet).
#[derive(Debug)]
pub struct Unsupported(pub &'static str);

/// A body ready for `frames`.
pub struct Normalized {
    pub body: Vec<Stmt>,
    /// Locals to declare at the top (params excluded), temporaries included.
    pub locals: Vec<String>,
    /// For each temporary, the sites where it holds a value still needed
    /// (within the statement that made it, and read at or after the site, or
    /// in a loop around it); elsewhere a frame does not record it (it may
    /// hold anything then: an engine iterator already spread, say).
    pub live: HashMap<String, Vec<usize>>,
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
