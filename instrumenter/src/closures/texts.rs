//! Where each function's text is in the program, for
//! `Function.prototype.toString` (runtime/js/16_function_text.js), which
//! gives the program's own text rather than the capturable form's. A text
//! is named as the runtime knows the function: by its factory's site
//! (`"K"`: functions, arrows, classes), or for a class's or an object
//! literal's member by the site and where it sits (`"K proto area get"`,
//! `"K static make value"`, `"K obj total get"`).

use swc_ecma_ast::*;

use super::*;

/// One function's place in the program.
pub struct Text {
    pub key: String,
    pub span: Span,
    /// A static class member, whose text starts after `static`.
    pub after_static: bool,
}

/// The text of a value a factory makes: a function, arrow or class, or an
/// object literal's method (`({ m() {} }).m`, given `method`).
pub(super) fn value_span(value: &Expr, method: Option<Span>) -> Option<Span> {
    match value {
        Expr::Fn(f) => Some(f.function.span),
        Expr::Arrow(a) => Some(a.span),
        Expr::Class(c) => Some(c.class.span),
        Expr::Member(_) => method,
        Expr::Paren(p) => value_span(&p.expr, method),
        _ => None,
    }
    .filter(|s| !s.is_dummy())
}

/// A class member's key and text (members with a computed key have none):
/// `("proto area get", span, is_static)`.
pub(super) fn class_member(member: &ClassMember) -> Option<(String, Span, bool)> {
    let (key, kind, is_static, span) = match member {
        ClassMember::Method(m) => (static_key(&m.key)?, m.kind, m.is_static, m.span),
        ClassMember::PrivateMethod(m) => (format!("#{}", m.key.name), m.kind, m.is_static, m.span),
        _ => return None,
    };
    let owner = if is_static { "static" } else { "proto" };
    Some((
        format!("{owner} {key} {}", kind_name(kind)),
        span,
        is_static,
    ))
}

/// An object literal member's key and text: `("obj total get", span)`.
pub(super) fn object_member(prop: &Prop) -> Option<(String, Span)> {
    let (key, kind, span) = match prop {
        Prop::Getter(g) => (static_key(&g.key)?, MethodKind::Getter, g.span),
        Prop::Setter(s) => (static_key(&s.key)?, MethodKind::Setter, s.span),
        Prop::Method(m) => (
            static_key(&m.key)?,
            MethodKind::Method,
            m.key.span().to(m.function.span),
        ),
        _ => return None,
    };
    Some((format!("obj {key} {}", kind_name(kind)), span))
}

fn kind_name(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::Method => "value",
        MethodKind::Getter => "get",
        MethodKind::Setter => "set",
    }
}
