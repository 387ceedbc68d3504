//! Functions the engine calls implicitly (conversions, iteration, property
//! descriptors' accessors, proxy traps), which run guarded, and object
//! literals' getters, setters and `super` methods, which a factory re-creates.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::classes::KEYS_GIVEN;
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

/// Bindings whose functions the engine calls implicitly though they are made
/// apart from where that shows: named as a descriptor's accessor or a proxy
/// trap (`Object.defineProperty(o, "x", { get: getX })`), as an implicit
/// method (`{ valueOf: value }`, `P.prototype.toString = show`). Their
/// functions run guarded, like those made in place.
pub(super) fn implicit_bindings(script: &Script) -> HashSet<Id> {
    struct Collect(HashSet<Id>);
    impl Visit for Collect {
        fn visit_prop(&mut self, p: &Prop) {
            p.visit_children_with(self);
            match p {
                Prop::KeyValue(kv) => {
                    if let (Some(key), Expr::Ident(i)) = (static_key(&kv.key), &*kv.value) {
                        if is_implicit(Some(&key), true) {
                            self.0.insert(i.to_id());
                        }
                    }
                }
                Prop::Shorthand(i) if is_implicit(Some(&i.sym), true) => {
                    self.0.insert(i.to_id());
                }
                _ => {}
            }
        }
        fn visit_assign_expr(&mut self, a: &AssignExpr) {
            a.visit_children_with(self);
            if let (AssignTarget::Simple(SimpleAssignTarget::Member(m)), Expr::Ident(i)) =
                (&a.left, &*a.right)
            {
                if is_implicit_key(&m.prop) {
                    self.0.insert(i.to_id());
                }
            }
        }
    }
    let mut c = Collect(HashSet::new());
    script.visit_with(&mut c);
    c.0
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
    /// naming the methods and counting the keys it recorded
    /// (`$things.acc(literal, K, env, ["m"], 1)`).
    pub(super) fn register_accessors(&mut self, e: &mut Expr) {
        let Expr::Object(o) = e else { return };
        let mut methods = Vec::new();
        // Accessors whose keys run code: the literal records each key as it
        // evaluates it (`$things.accKey(e)`), and the holder, made only by a
        // restore, takes them back (`$$keys[i]`) instead of running it again.
        let mut computed = 0;
        let mut accessors = Vec::new();
        for p in o.props.iter_mut() {
            let PropOrSpread::Prop(p) = p else { continue };
            let key = match &mut **p {
                Prop::Getter(GetterProp { key, .. }) | Prop::Setter(SetterProp { key, .. }) => key,
                Prop::Method(m) => {
                    if let Some(key) = static_key(&m.key) {
                        methods.push(str_lit(&key));
                        accessors.push(PropOrSpread::Prop(p.clone()));
                    }
                    continue;
                }
                _ => continue,
            };
            if static_key(key).is_some() || is_symbol_key(key) {
                accessors.push(PropOrSpread::Prop(p.clone()));
                continue;
            }
            let PropName::Computed(c) = key else {
                unreachable!("a key that is not static is computed")
            };
            c.expr = lib_call("accKey", vec![std::mem::replace(&mut c.expr, undefined())]);
            let mut held = p.clone();
            if let Prop::Getter(GetterProp { key, .. }) | Prop::Setter(SetterProp { key, .. }) =
                &mut *held
            {
                *key = PropName::Computed(ComputedPropName {
                    span: DUMMY_SP,
                    expr: index_expr(ident_expr(KEYS_GIVEN), computed),
                });
            }
            accessors.push(PropOrSpread::Prop(held));
            computed += 1;
        }
        if accessors.is_empty() {
            return;
        }
        let env = self.chain.clone();
        let holder = Box::new(Expr::Object(ObjectLit {
            span: DUMMY_SP,
            props: accessors,
        }));
        let members = match &*holder {
            Expr::Object(o) => o
                .props
                .iter()
                .filter_map(|p| match p {
                    PropOrSpread::Prop(p) => texts::object_member(p),
                    PropOrSpread::Spread(_) => None,
                })
                .map(|(key, span)| (key, span, false))
                .collect(),
            _ => vec![],
        };
        let created = self.factory(Factory {
            env,
            value: holder,
            binding_name: None,
            register: "acc",
            register_args: vec![],
            extra: vec![],
            pre: if computed > 0 {
                vec![var_decl(
                    VarDeclKind::Const,
                    vec![(binding(KEYS_GIVEN), Some(lib_call("takeKeys", vec![])))],
                )]
            } else {
                vec![]
            },
            post: vec![],
            text: None,
            members,
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
        if !methods.is_empty() || computed > 0 {
            registration.push(Box::new(Expr::Array(ArrayLit {
                span: DUMMY_SP,
                elems: methods
                    .into_iter()
                    .map(|expr| Some(ExprOrSpread { spread: None, expr }))
                    .collect(),
            })));
        }
        if computed > 0 {
            registration.push(num(computed as f64));
        }
        *e = *lib_call("acc", registration);
    }
}
