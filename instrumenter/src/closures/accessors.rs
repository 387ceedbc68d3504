//! Functions the engine calls implicitly (conversions, iteration, property
//! descriptors' accessors, proxy traps), which run guarded, and object
//! literals' getters, setters and `super` methods, which a factory re-creates.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;

use super::*;

/// Methods the engine may call implicitly (conversions, iteration), where a
/// frame could not be re-entered from a call site.
pub(super) const IMPLICIT: &[&str] = &[
    "toString",
    "valueOf",
    "toJSON",
    "next",
    "return",
    "throw",
    "constructor",
    "then",
];

/// Object-literal members the engine calls implicitly: property descriptors'
/// accessors and proxy traps.
pub(super) const IMPLICIT_IN_OBJECTS: &[&str] = &[
    "get",
    "set",
    "has",
    "apply",
    "construct",
    "deleteProperty",
    "defineProperty",
    "ownKeys",
    "getOwnPropertyDescriptor",
    "getPrototypeOf",
    "setPrototypeOf",
    "isExtensible",
    "preventExtensions",
];

pub(super) fn is_implicit(name: Option<&str>, in_object: bool) -> bool {
    name.is_some_and(|n| IMPLICIT.contains(&n) || in_object && IMPLICIT_IN_OBJECTS.contains(&n))
}

/// Well-known symbols naming methods the engine calls implicitly.
const IMPLICIT_SYMBOLS: &[&str] = &["iterator", "asyncIterator", "toPrimitive", "hasInstance"];

/// Whether an assignment to `obj.<prop>` sets a method the engine may call
/// implicitly (`.valueOf`, `["toString"]`, `[Symbol.toPrimitive]`).
pub(super) fn is_implicit_key(prop: &MemberProp) -> bool {
    match prop {
        MemberProp::Ident(i) => IMPLICIT.contains(&&*i.sym),
        MemberProp::Computed(c) => match &*c.expr {
            Expr::Lit(Lit::Str(s)) => IMPLICIT.iter().any(|n| &*s.value == *n),
            e => well_known_symbol(e).is_some_and(|n| IMPLICIT_SYMBOLS.contains(&n)),
        },
        MemberProp::PrivateName(_) => false,
    }
}

/// Whether a property key is a well-known symbol (`[Symbol.iterator]`).
pub(super) fn is_symbol_key(key: &PropName) -> bool {
    matches!(key, PropName::Computed(c) if well_known_symbol(&c.expr).is_some())
}

/// Whether an expression is a function or arrow (in parentheses or not).
pub(super) fn makes_function(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => makes_function(&p.expr),
        Expr::Fn(_) | Expr::Arrow(_) => true,
        _ => false,
    }
}

pub(super) fn framing_for(
    f: &Function,
    name: Option<&str>,
    self_name: Option<&Ident>,
    in_object: bool,
) -> Framing {
    // (An async generator still async here is one `desugar_async` left
    // native: it uses `super`.)
    if f.is_generator && (f.is_async || uses_super(f)) {
        Framing::Plain
    } else if f.is_generator {
        Framing::Generator {
            self_name: self_name.map(|i| i.sym.to_string()),
        }
    } else if is_implicit(name, in_object) || uses_super(f) {
        Framing::Guard
    } else {
        Framing::Capture {
            self_name: self_name.map(|i| i.sym.to_string()),
            arrow: false,
        }
    }
}

impl Rewriter<'_> {
    /// An object literal with getters/setters, or methods that use `super`
    /// (which cannot be lifted out of it): a factory re-creates them
    /// (`{ get x() {...} }` alone) and the literal registers them with it,
    /// naming the methods (`$things.acc(literal, K, env, ["m"])`).
    pub(super) fn register_accessors(&mut self, e: &mut Expr) {
        let Expr::Object(o) = e else { return };
        let mut methods = Vec::new();
        let accessors: Vec<PropOrSpread> = o
            .props
            .iter()
            .filter(|p| match p {
                PropOrSpread::Prop(p) => match &**p {
                    Prop::Getter(g) => static_key(&g.key).is_some() || is_symbol_key(&g.key),
                    Prop::Setter(s) => static_key(&s.key).is_some() || is_symbol_key(&s.key),
                    Prop::Method(m) => match static_key(&m.key) {
                        Some(key) => {
                            methods.push(str_lit(&key));
                            true
                        }
                        None => false,
                    },
                    _ => false,
                },
                _ => false,
            })
            .cloned()
            .collect();
        if accessors.is_empty() {
            return;
        }
        let env = self.chain.clone();
        let holder = Box::new(Expr::Object(ObjectLit {
            span: DUMMY_SP,
            props: accessors,
        }));
        let created = self.factory(Factory {
            env,
            value: holder,
            binding_name: None,
            register: "acc",
            extra: vec![],
            pre: vec![],
            post: vec![],
        });
        // `$$fK(env)` made the holder; here the literal itself is registered with site K.
        let Expr::Call(CallExpr {
            callee: Callee::Expr(callee),
            args,
            ..
        }) = *created
        else {
            unreachable!()
        };
        let Expr::Ident(factory) = *callee else {
            unreachable!()
        };
        let site: usize = factory.sym[3..].parse().expect("factory names are $$fK");
        let literal = Box::new(std::mem::replace(
            e,
            Expr::Invalid(Invalid { span: DUMMY_SP }),
        ));
        let mut registration = vec![
            literal,
            num(site as f64),
            args.into_iter().next().expect("env").expr,
        ];
        if !methods.is_empty() {
            registration.push(Box::new(Expr::Array(ArrayLit {
                span: DUMMY_SP,
                elems: methods
                    .into_iter()
                    .map(|expr| Some(ExprOrSpread { spread: None, expr }))
                    .collect(),
            })));
        }
        *e = *lib_call("acc", registration);
    }
}
