//! Factories: every function is lifted into a top-level factory
//! `$$fK($$e)` that rebuilds the scope-object chain from `$$e` and returns
//! the function, registered with the runtime as (K, $$e); a restore calls the
//! factory again with the restored scope object.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::VisitMutWith;

use super::*;

/// A keyed method's factory parameter: its key.
const KEY: &str = "$$key";

/// A factory to emit: see `Rewriter::factory`.
pub(super) struct Factory<'a> {
    /// The scope-object chain at the creation site, outermost first.
    pub(super) env: Vec<String>,
    pub(super) value: Box<Expr>,
    /// The name the value is bound to (and named after) inside the factory.
    pub(super) binding_name: Option<&'a str>,
    /// The `$things` function that registers the value (`fn` or `cls`), and
    /// what it takes after the value, its site and its scope.
    pub(super) register: &'a str,
    pub(super) register_args: Vec<Box<Expr>>,
    /// Further factory parameters and the arguments passed for them.
    pub(super) extra: Vec<(String, Box<Expr>)>,
    pub(super) pre: Vec<Stmt>,
    pub(super) post: Vec<Stmt>,
    /// The value's text in the program, and its members' (see `texts`).
    pub(super) text: Option<Span>,
    pub(super) members: Vec<(String, Span, bool)>,
}

impl Rewriter<'_> {
    /// Lifts a function into a factory; returns the expression creating it.
    /// `own_binding`: the name is the function expression's own binding (not
    /// a declaration's, which lives in the enclosing scope).
    pub(super) fn lift_function(
        &mut self,
        f: &mut Function,
        name: Option<&Ident>,
        own_binding: bool,
        binding_name: Option<&str>,
        method_key: Option<&PropName>,
    ) -> Box<Expr> {
        let env = self.chain.clone();
        let own = name.filter(|_| own_binding);
        // (The engine calls methods keyed by well-known symbols itself.)
        let symbol_key = method_key.is_some_and(is_symbol_key);
        let named_implicit = name.is_some_and(|n| self.implicit.contains(&n.to_id()));
        let framing = if (self.implicit_value || symbol_key || named_implicit) && !f.is_generator {
            Framing::Guard
        } else {
            framing_for(
                f,
                binding_name,
                own,
                method_key.is_some() || self.property_value,
            )
        };
        let is_generator = f.is_generator;
        {
            let mut params: Vec<&mut Pat> = f.params.iter_mut().map(|p| &mut p.pat).collect();
            let body = f.body.get_or_insert_with(|| FunctionBody {
                span: DUMMY_SP,
                stmts: vec![],
            });
            self.function_body(&mut params, &mut body.stmts, FnKind::Normal, own, framing);
        }
        let function = Box::new(std::mem::replace(f, dummy_function()));
        let method_text = method_key.map(|k| k.span().to(function.span));
        let value = if let Some(key) = method_key {
            // `({ key(...) {...} }).key` keeps method semantics (no prototype, not a constructor).
            let obj = Box::new(Expr::Paren(ParenExpr {
                span: DUMMY_SP,
                expr: Box::new(Expr::Object(ObjectLit {
                    span: DUMMY_SP,
                    props: vec![PropOrSpread::Prop(Box::new(Prop::Method(MethodProp {
                        key: key.clone(),
                        function,
                    })))],
                })),
            }));
            Box::new(Expr::Member(match (key, binding_name) {
                (PropName::Computed(c), _) => MemberExpr {
                    span: DUMMY_SP,
                    obj,
                    prop: MemberProp::Computed(c.clone()),
                },
                (_, Some(name)) => member(obj, name),
                (_, None) => unreachable!("a static method key has a name"),
            }))
        } else {
            Box::new(Expr::Fn(FnExpr {
                ident: name.cloned(),
                function,
            }))
        };
        let binding_name = if method_key.is_some() {
            None
        } else {
            binding_name
        };
        // (Whether a snapshot can look into its generators is the runtime's
        // to tell, from the function's body: `frames` decides it later.)
        let register = if is_generator { "gen" } else { "fn" };
        let text = texts::value_span(&value, method_text);
        self.fn_factory(env, value, binding_name, register, text)
    }

    pub(super) fn lift_arrow(
        &mut self,
        a: &mut ArrowExpr,
        binding_name: Option<&str>,
    ) -> Box<Expr> {
        let env = self.chain.clone();
        let mut stmts = take_arrow_body(a);
        {
            let mut params: Vec<&mut Pat> = a.params.iter_mut().collect();
            let framing =
                if self.implicit_value || self.property_value && is_implicit(binding_name, true) {
                    Framing::Guard
                } else {
                    Framing::Capture {
                        self_name: None,
                        arrow: true,
                    }
                };
            self.function_body(&mut params, &mut stmts, FnKind::Arrow, None, framing);
        }
        // (The body is a placeholder now: `frames` gives it back as a block.)
        *a.body = ArrowFunctionBody::FunctionBody(FunctionBody {
            span: DUMMY_SP,
            stmts,
        });
        let value = Box::new(Expr::Arrow(std::mem::replace(a, dummy_arrow())));
        let text = texts::value_span(&value, None);
        self.fn_factory(env, value, binding_name, "fn", text)
    }

    /// An object literal's method with a computed key, `{ [expr]() {...} }`:
    /// the key is evaluated once, by the library, which keeps it for the
    /// factory that makes the method under it and registers it with it (a
    /// restore passes the key again): `{ [$things.key(expr)]: $$fK(env,
    /// $things.lastKey()) }`, the factory making `({ [$$key]() {...} })[$$key]`.
    pub(super) fn lift_keyed_method(
        &mut self,
        f: &mut Function,
        key: &mut ComputedPropName,
    ) -> (PropName, Box<Expr>) {
        let expr = std::mem::replace(&mut key.expr, undefined());
        let own_key = PropName::Computed(ComputedPropName {
            span: key.span,
            expr: ident_expr(KEY),
        });
        let created = self.lift_function(f, None, false, None, Some(&own_key));
        // The factory call `$$fK(env)` takes the key as one more argument.
        let Expr::Call(mut call) = *created else {
            unreachable!("a factory call")
        };
        call.args.push(ExprOrSpread {
            spread: None,
            expr: lib_call("lastKey", vec![]),
        });
        let site = self.lifted.decls.len() - 1;
        if let Stmt::Decl(Decl::Fn(factory)) = &mut self.lifted.decls[site] {
            factory.function.params.push(Param::from(binding(KEY)));
            if let Some(Stmt::Return(ReturnStmt { arg: Some(ret), .. })) = factory
                .function
                .body
                .as_mut()
                .and_then(|b| b.stmts.last_mut())
            {
                if let Expr::Call(register) = &mut **ret {
                    register.args.push(ExprOrSpread {
                        spread: None,
                        expr: ident_expr(KEY),
                    });
                }
            }
        }
        let key = PropName::Computed(ComputedPropName {
            span: key.span,
            expr: lib_call("key", vec![expr]),
        });
        (key, Box::new(Expr::Call(call)))
    }

    /// The factory of a plain function (see `factory`).
    /// `register`: `fn`; for a generator function, `gen` if a snapshot can
    /// record its suspended frames, else `plainGen`.
    pub(super) fn fn_factory(
        &mut self,
        env: Vec<String>,
        value: Box<Expr>,
        binding_name: Option<&str>,
        register: &'static str,
        text: Option<Span>,
    ) -> Box<Expr> {
        self.factory(Factory {
            env,
            value,
            binding_name,
            register,
            register_args: vec![],
            extra: vec![],
            pre: vec![],
            post: vec![],
            text,
            members: vec![],
        })
    }

    /// Emits `function $$fK($$e, ...extra) { <chain>; const name = value; return $things.<register>(name, K, $$e); }`
    /// and returns the call creating the value at the current point.
    pub(super) fn factory(&mut self, f: Factory<'_>) -> Box<Expr> {
        let Factory {
            env,
            value,
            binding_name,
            register,
            register_args,
            extra,
            pre,
            post,
            text,
            members,
        } = f;
        let k = self.first_site + self.lifted.table.len();
        let name = format!("$$f{k}");
        self.lifted.table.push(name.clone());
        if let Some(span) = text {
            self.lifted.texts.push(Text {
                key: k.to_string(),
                span,
                after_static: false,
            });
        }
        for (key, span, after_static) in members {
            self.lifted.texts.push(Text {
                key: format!("{k} {key}"),
                span,
                after_static,
            });
        }
        let mut stmts = chain_prologue(&env);
        if self.strict {
            stmts.insert(0, use_strict());
        }
        stmts.extend(pre);
        let local = match binding_name {
            Some(n) if is_identifier_name(n) && !is_reserved(n) && !n.starts_with("$$") => {
                n.to_string()
            }
            _ => String::new(),
        };
        let registered = if local.is_empty() {
            value
        } else {
            stmts.push(var_decl(
                VarDeclKind::Const,
                vec![(binding(&local), Some(value))],
            ));
            ident_expr(&local)
        };
        stmts.extend(post);
        stmts.push(Stmt::Return(ReturnStmt {
            span: DUMMY_SP,
            arg: Some(lib_call(
                register,
                [
                    vec![registered, num(k as f64), ident_expr("$$e")],
                    register_args,
                ]
                .concat(),
            )),
        }));
        let mut params = vec![Param::from(binding("$$e"))];
        let mut args = vec![env.last().map(|e| ident_expr(e)).unwrap_or_else(null)];
        for (p, a) in extra {
            params.push(Param::from(binding(&p)));
            args.push(a);
        }
        self.lifted.decls.push(Stmt::Decl(Decl::Fn(FnDecl {
            ident: ident(&name),
            declare: false,
            function: Box::new(Function {
                params,
                body: Some(FunctionBody {
                    span: DUMMY_SP,
                    stmts,
                }),
                ..dummy_function()
            }),
        })));
        call(ident_expr(&name), args)
    }

    /// Rewrites an expression that gives a function its name (`const f = () => {}`;
    /// also in parentheses, which the specification sees through).
    pub(super) fn named_value(&mut self, value: &mut Box<Expr>, name: Option<&str>) {
        match &mut **value {
            Expr::Paren(p) => self.named_value(&mut p.expr, name),
            Expr::Arrow(a) if !uses_super(a) => *value = self.lift_arrow(a, name),
            Expr::Fn(f) if f.ident.is_none() && !uses_super(&*f.function) => {
                *value = self.lift_function(&mut f.function, None, false, name, None)
            }
            Expr::Class(c) if c.ident.is_none() => {
                *value = self.lift_class(&mut c.class, None, name)
            }
            _ => value.visit_mut_with(self),
        }
    }
}
