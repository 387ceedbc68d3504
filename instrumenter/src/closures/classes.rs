//! Classes: a class is lifted into a factory taking its superclass; its
//! members stay in the class body (they need `super`) and their nested
//! functions are lifted. Private names `#x` become per-class-site symbols,
//! so a snapshot can read and restore private state.

use std::collections::HashMap;

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::VisitMutWith;

use super::*;

/// In a class factory: the computed keys a restore gives back, and those
/// evaluated now (registered with the class).
pub(super) const KEYS_GIVEN: &str = "$$keys";
const KEYS_MADE: &str = "$$k";

/// Computed member keys that run code (not a literal or a well-known
/// symbol) are evaluated once, kept with the class (`$things.cls(C, K, env,
/// $$k)`), and given back instead of evaluated again when a restore re-makes
/// the class: `[e]` becomes `[$$keys ? $$keys[i] : ($$k[i] = $things.key(e))]`.
/// Whether the class has any.
fn remember_keys(class: &mut Class) -> bool {
    let mut i = 0;
    for member in &mut class.body {
        let key = match member {
            ClassMember::Method(m) => &mut m.key,
            ClassMember::ClassProp(p) => &mut p.key,
            _ => continue,
        };
        let PropName::Computed(c) = key else {
            continue;
        };
        if matches!(&*c.expr, Expr::Lit(Lit::Str(_) | Lit::Num(_)))
            || well_known_symbol(&c.expr).is_some()
        {
            continue;
        }
        let made = std::mem::replace(&mut c.expr, undefined());
        let made = assign(
            simple_target(index_expr(ident_expr(KEYS_MADE), i)),
            lib_call("key", vec![made]),
        );
        *c.expr = Expr::Cond(CondExpr {
            span: DUMMY_SP,
            test: ident_expr(KEYS_GIVEN),
            cons: index_expr(ident_expr(KEYS_GIVEN), i),
            alt: made,
        });
        i += 1;
    }
    i > 0
}

impl Rewriter<'_> {
    /// Lifts a class into a factory taking its superclass; members stay in the
    /// class body (they need `super`), their nested functions are lifted.
    pub(super) fn lift_class(
        &mut self,
        class: &mut Class,
        name: Option<&Ident>,
        binding_name: Option<&str>,
    ) -> Box<Expr> {
        let mut extra = Vec::new();
        let text = Some(class.span).filter(|s| !s.is_dummy());
        let members = class.body.iter().filter_map(texts::class_member).collect();
        // A class, its heritage included, is strict code.
        let strict = std::mem::replace(&mut self.strict, true);
        if let Some(mut sup) = class.super_class.take() {
            sup.visit_mut_with(self);
            extra.push(("$$super".to_string(), sup));
            class.super_class = Some(ident_expr("$$super"));
        }
        let env = self.chain.clone();
        // (Counted apart from factories: a class nested in another's body is
        // lifted before the outer one has its factory.)
        let k = self.lifted.next_class;
        self.lifted.next_class += 1;
        let remembers_keys = remember_keys(class);
        let privates = self.private_names(class, k);
        self.privates.push(privates);
        let self_slot =
            name.filter(|n| self.is_captured(&n.to_id()) && !self.home.contains_key(&n.to_id()));
        let opened = self.open_scope(
            self_slot
                .map(|n| vec![Slot::Binding(n.to_id(), false)])
                .unwrap_or_default(),
            VarDeclKind::Const,
        );
        // In the class body itself the name is the class's own binding (set
        // before static initializers run); only functions lifted out of it
        // go through the scope object.
        if let Some(n) = name {
            self.class_names.push((n.to_id(), self.fns.len()));
        }
        for member in class.body.iter_mut() {
            self.class_member(member);
        }
        if name.is_some() {
            self.class_names.pop();
        }
        self.close_scope(&opened);
        self.privates.pop();
        self.strict = strict;
        let class_name = name
            .cloned()
            .or_else(|| binding_name.filter(|n| is_identifier_name(n)).map(ident));
        let value = Box::new(Expr::Class(ClassExpr {
            ident: class_name.clone(),
            class: Box::new(std::mem::take(class)),
        }));
        let binding = class_name.as_ref().map(|n| n.sym.to_string());
        let (mut pre, post) = match opened {
            // The class's own name, read by functions nested in its methods.
            Some((scope, decl)) => {
                let n = binding.clone().expect("a captured class name exists");
                let set = expr_stmt(assign(
                    simple_target(member_expr(ident_expr(&scope), &n)),
                    ident_expr(&n),
                ));
                (vec![decl], vec![set])
            }
            None => (vec![], vec![]),
        };
        let mut register_args = vec![];
        if remembers_keys {
            pre.insert(
                0,
                var_decl(
                    VarDeclKind::Const,
                    vec![
                        (
                            crate::ast::binding(KEYS_GIVEN),
                            Some(lib_call("takeKeys", vec![])),
                        ),
                        // (Given keys are the class's again, for its next snapshot.)
                        (
                            crate::ast::binding(KEYS_MADE),
                            Some(Box::new(Expr::Bin(BinExpr {
                                span: DUMMY_SP,
                                op: BinaryOp::LogicalOr,
                                left: ident_expr(KEYS_GIVEN),
                                right: Box::new(Expr::Array(ArrayLit::default())),
                            }))),
                        ),
                    ],
                ),
            );
            register_args.push(ident_expr(KEYS_MADE));
        }
        self.factory(Factory {
            env,
            value,
            binding_name: binding.as_deref(),
            register: "cls",
            register_args,
            extra,
            pre,
            post,
            text,
            members,
        })
    }

    pub(super) fn private_names(&mut self, class: &Class, k: usize) -> HashMap<String, String> {
        let mut map = HashMap::new();
        for member in &class.body {
            let (key, is_field) = match member {
                ClassMember::PrivateProp(p) => (&p.key, true),
                ClassMember::PrivateMethod(m) => (&m.key, false),
                _ => continue,
            };
            let name = key.name.to_string();
            if map.contains_key(&name) {
                continue;
            }
            let symbol = format!("$$p{k}_{name}");
            self.lifted.decls.push(var_decl(
                VarDeclKind::Const,
                vec![(
                    binding(&symbol),
                    Some(lib_call(
                        "priv",
                        vec![
                            num(k as f64),
                            str_lit(&format!("#{name}")),
                            bool_lit(is_field),
                        ],
                    )),
                )],
            ));
            map.insert(name, symbol);
        }
        map
    }

    pub(super) fn private_symbol(&self, name: &PrivateName) -> Box<Expr> {
        let n = name.name.to_string();
        let symbol = self
            .privates
            .iter()
            .rev()
            .find_map(|m| m.get(&n))
            .cloned()
            .unwrap_or_else(|| format!("$$p_unknown_{n}"));
        ident_expr(&symbol)
    }

    pub(super) fn class_member(&mut self, member: &mut ClassMember) {
        match member {
            ClassMember::Constructor(c) => {
                let mut params: Vec<&mut Pat> = c
                    .params
                    .iter_mut()
                    .filter_map(|p| match p {
                        ParamOrTsParamProp::Param(p) => Some(&mut p.pat),
                        _ => None,
                    })
                    .collect();
                let body = c.body.get_or_insert_with(|| FunctionBody {
                    span: DUMMY_SP,
                    stmts: vec![],
                });
                self.function_body(
                    &mut params,
                    &mut body.stmts,
                    FnKind::Normal,
                    None,
                    Framing::Guard,
                );
            }
            ClassMember::Method(m) => {
                m.key.visit_mut_with(self);
                let framing = match (&m.kind, static_key(&m.key)) {
                    (MethodKind::Method, key) if key.is_some() || m.function.is_generator => {
                        framing_for(&m.function, key.as_deref(), None, false)
                    }
                    _ => Framing::Guard,
                };
                self.method_function(&mut m.function, framing);
            }
            ClassMember::PrivateMethod(m) => {
                let framing = match m.kind {
                    MethodKind::Method => framing_for(&m.function, None, None, false),
                    _ => Framing::Guard,
                };
                self.method_function(&mut m.function, framing);
                *member = ClassMember::Method(ClassMethod {
                    span: m.span,
                    key: PropName::Computed(ComputedPropName {
                        span: DUMMY_SP,
                        expr: self.private_symbol(&m.key),
                    }),
                    function: std::mem::replace(&mut m.function, Box::new(dummy_function())),
                    kind: m.kind,
                    is_static: m.is_static,
                    accessibility: None,
                    is_abstract: false,
                    is_optional: false,
                    is_override: false,
                });
            }
            ClassMember::ClassProp(p) => {
                p.key.visit_mut_with(self);
                let name = static_key(&p.key);
                p.value = p
                    .value
                    .take()
                    .map(|v| self.field_value(v, name.as_deref(), p.is_static));
            }
            ClassMember::PrivateProp(p) => {
                let name = format!("#{}", p.key.name);
                let value = p
                    .value
                    .take()
                    .map(|v| self.field_value(v, Some(&name), p.is_static));
                *member = ClassMember::ClassProp(ClassProp {
                    span: p.span,
                    key: PropName::Computed(ComputedPropName {
                        span: DUMMY_SP,
                        expr: self.private_symbol(&p.key),
                    }),
                    value,
                    type_ann: None,
                    is_static: p.is_static,
                    decorators: vec![],
                    accessibility: None,
                    is_abstract: false,
                    is_optional: false,
                    is_override: false,
                    readonly: false,
                    declare: false,
                    definite: false,
                });
            }
            ClassMember::StaticBlock(b) => {
                self.function_body(
                    &mut [],
                    &mut b.body.stmts,
                    FnKind::Normal,
                    None,
                    Framing::Guard,
                );
                // A restore re-creates the class without re-running its static code.
                let body = std::mem::take(&mut b.body.stmts);
                b.body.stmts = vec![Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(Expr::Unary(UnaryExpr {
                        span: DUMMY_SP,
                        op: UnaryOp::Bang,
                        arg: member_expr(ident_expr(LIB), "restoring"),
                    })),
                    cons: Box::new(Stmt::Block(BlockStmt {
                        span: DUMMY_SP,
                        ctxt: SyntaxContext::empty(),
                        stmts: body,
                    })),
                    alt: None,
                })];
            }
            _ => member.visit_mut_children_with(self),
        }
    }

    pub(super) fn method_function(&mut self, f: &mut Function, framing: Framing) {
        // Holding captures off across a generator's yields would stop them
        // for as long as it is suspended.
        let framing = match framing {
            Framing::Guard if f.is_generator => Framing::Plain,
            other => other,
        };
        let mut params: Vec<&mut Pat> = f.params.iter_mut().map(|p| &mut p.pat).collect();
        let body = f.body.get_or_insert_with(|| FunctionBody {
            span: DUMMY_SP,
            stmts: vec![],
        });
        self.function_body(&mut params, &mut body.stmts, FnKind::Normal, None, framing);
    }

    /// A field initializer runs like a method body (its own `this`); arrows in
    /// it that read `this` get a scope object made per instance.
    pub(super) fn field_value(
        &mut self,
        mut value: Box<Expr>,
        name: Option<&str>,
        is_static: bool,
    ) -> Box<Expr> {
        let (uses_this, _) = arrows_use_expr(&value);
        let opened = if uses_this {
            self.open_scope(vec![Slot::This], VarDeclKind::Const)
        } else {
            None
        };
        self.fns.push(FnCtx {
            kind: FnKind::Normal,
            this_home: opened.as_ref().map(|(n, _)| n.clone()),
            arguments_home: None,
            resumable: false,
        });
        self.named_value(&mut value, name);
        self.fns.pop();
        self.close_scope(&opened);
        if let Some((scope, Stmt::Decl(Decl::Var(decl)))) = opened {
            // `((scope) => value)({ "^": ..., this: this })`
            let init = decl
                .decls
                .into_iter()
                .next()
                .and_then(|d| d.init)
                .expect("scope object");
            let arrow = Box::new(Expr::Arrow(ArrowExpr {
                params: vec![binding(&scope)],
                body: Box::new(ArrowFunctionBody::Expr(value)),
                ..dummy_arrow()
            }));
            value = call(
                Box::new(Expr::Paren(ParenExpr {
                    span: DUMMY_SP,
                    expr: arrow,
                })),
                vec![init],
            );
        }
        if is_static {
            value = Box::new(Expr::Cond(CondExpr {
                span: DUMMY_SP,
                test: member_expr(ident_expr(LIB), "restoring"),
                cons: undefined(),
                alt: value,
            }));
        }
        value
    }
}
