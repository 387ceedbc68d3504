//! `for (using x = e; test; update) body`, which SWC's parser does not take
//! (it knows `using` in `for-of` heads only). When the parser stops at the
//! binding after such a `using` (or `await using`), the keyword is replaced
//! by `const` in the text (the same length; `await` becomes spaces, so no
//! position moves) and the text parsed again; `declarations` then turns each
//! such loop into `{ using x = e; for (; test; update) body }` (its labels
//! stay on the loop), which disposes `x` when the loop ends, as the
//! specification does: the declaration is evaluated once.

use std::collections::HashMap;

use swc_common::{BytePos, Spanned, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::block;

/// Where a `using` was replaced (byte offset of its `const`), and whether it
/// was an `await using`.
pub type Replaced = HashMap<usize, bool>;

/// The text with the `using` whose binding starts at byte `at` made a
/// `const`, if the text there is such a loop head.
pub fn replace_at(source: &str, at: usize, replaced: &mut Replaced) -> Option<String> {
    let before = source.get(..at)?.trim_end();
    let keyword = before.strip_suffix("using")?;
    let using_at = keyword.len();
    let rest = keyword.trim_end();
    let (rest, await_at) = match rest.strip_suffix("await") {
        Some(r) if r.trim_end().ends_with('(') => (r, Some(r.len())),
        _ => (rest, None),
    };
    if !rest
        .trim_end()
        .strip_suffix('(')?
        .trim_end()
        .ends_with("for")
    {
        return None;
    }
    let mut text = source.to_string();
    text.replace_range(using_at..using_at + 5, "const");
    if let Some(a) = await_at {
        text.replace_range(a..a + 5, "     ");
    }
    replaced.insert(using_at, await_at.is_some());
    Some(text)
}

/// Turns the loops whose `const` was a `using` back into `using` declarations
/// before their loop; `start` is the file's first position.
pub fn declarations(script: &mut Script, start: BytePos, replaced: &Replaced) {
    if !replaced.is_empty() {
        script.visit_mut_with(&mut Heads { start, replaced });
    }
}

struct Heads<'a> {
    start: BytePos,
    replaced: &'a Replaced,
}

impl Heads<'_> {
    /// The `using` declaration a loop's head held, taken out of it.
    fn take_using(&self, f: &mut ForStmt) -> Option<Stmt> {
        let Some(VarDeclOrExpr::VarDecl(v)) = &f.init else {
            return None;
        };
        let at = (v.span().lo.0 - self.start.0) as usize;
        let is_await = *self.replaced.get(&at)?;
        let Some(VarDeclOrExpr::VarDecl(v)) = f.init.take() else {
            unreachable!()
        };
        Some(Stmt::Decl(Decl::Using(Box::new(UsingDecl {
            span: v.span,
            is_await,
            decls: v.decls,
        }))))
    }
}

impl VisitMut for Heads<'_> {
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        // The loop, under any labels (its statement is looked at here, with
        // them, not as the labels' body).
        let mut inner = &mut *s;
        while let Stmt::Labeled(l) = inner {
            inner = &mut l.body;
        }
        inner.visit_mut_children_with(self);
        let Stmt::For(f) = inner else { return };
        let Some(using) = self.take_using(f) else {
            return;
        };
        let looped = std::mem::replace(s, Stmt::Empty(EmptyStmt { span: DUMMY_SP }));
        *s = block(vec![using, looped]);
    }
}
