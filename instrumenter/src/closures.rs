//! Closure conversion: the pass that makes every closure re-creatable.
//!
//! - A binding that some other function references (see `analyze`) lives in a
//!   *scope object* `$$sN = { "^": parent, name: value, ... }`, created where
//!   its scope is entered (per iteration for `for (let ...)` loops); every use
//!   becomes `$$sN.name`. Other bindings stay plain locals.
//! - Every function and class is lifted into a top-level *factory*
//!   `$$fK($$e)` that rebuilds the scope-object chain from its innermost link
//!   `$$e` and returns the function, registered with the runtime as (K, $$e).
//!   A restore calls the factory again with the restored scope object.
//! - `this` and `arguments` read by arrows are stored in the enclosing
//!   function's scope object, since the lifted arrow is no longer nested there.
//! - Private names `#x` become per-class-site symbols, so a snapshot can read
//!   and restore private state.
//!
//! Not lifted (still run, but a snapshot that reaches them fails with a clear
//! error): getters/setters in object literals, methods with computed keys in
//! object literals, and functions that use `super` outside a class body.

use std::collections::{HashMap, HashSet};

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::analyze::Analysis;
use crate::ast::*;
use crate::frames;

/// What the pass produces besides the rewritten program body.
pub struct Lifted {
    /// Top-level declarations: factories and private-name symbols.
    pub decls: Vec<Stmt>,
    /// Factory names by site id (index 0 is the program itself).
    pub table: Vec<String>,
    /// Resume-body factories by body id (see `frames`).
    pub resumes: Vec<String>,
    /// Why some functions run without stack capture (see `frames`).
    pub notes: Vec<crate::Note>,
}

/// What `frames` does with a function body.
#[derive(Clone)]
enum Framing {
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

/// Methods the engine may call implicitly (conversions, iteration), where a
/// frame could not be re-entered from a call site.
const IMPLICIT: &[&str] = &[
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
const IMPLICIT_IN_OBJECTS: &[&str] = &[
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

fn is_implicit(name: Option<&str>, in_object: bool) -> bool {
    name.is_some_and(|n| IMPLICIT.contains(&n) || in_object && IMPLICIT_IN_OBJECTS.contains(&n))
}

fn framing_for(
    f: &Function,
    name: Option<&str>,
    self_name: Option<&Ident>,
    in_object: bool,
) -> Framing {
    if f.is_generator && uses_super(f) {
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

/// `with_frames`: hand finished bodies to `frames` (off only in unit tests
/// of this pass alone).
pub fn run(script: &mut Script, analysis: &Analysis, with_frames: bool) -> Lifted {
    let mut r = Rewriter {
        with_frames,
        captured: &analysis.captured,
        home: HashMap::new(),
        chain: Vec::new(),
        fns: Vec::new(),
        privates: Vec::new(),
        lifted: Lifted {
            decls: Vec::new(),
            table: vec!["$$main".into()],
            resumes: Vec::new(),
            notes: Vec::new(),
        },
        next_scope: 0,
        declaring: false,
        class_names: Vec::new(),
        property_value: false,
    };
    let mut body = std::mem::take(&mut script.body);
    r.function_body(
        &mut [],
        &mut body,
        FnKind::Normal,
        None,
        Framing::Capture {
            self_name: None,
            arrow: false,
        },
    );
    script.body = body;
    r.lifted
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FnKind {
    Normal,
    Arrow,
}

/// Where an enclosing function keeps the `this`/`arguments` its arrows read.
struct FnCtx {
    kind: FnKind,
    this_home: Option<String>,
    arguments_home: Option<String>,
    /// Gets a resume body (lifted out of any class body).
    resumable: bool,
}

struct Rewriter<'a> {
    captured: &'a HashSet<Id>,
    /// Scope object holding each captured binding.
    home: HashMap<Id, String>,
    /// Scope objects enclosing the current point, outermost first.
    chain: Vec<String>,
    fns: Vec<FnCtx>,
    /// Private names of the enclosing classes, innermost last: `x` -> `$$pK_x`.
    privates: Vec<HashMap<String, String>>,
    lifted: Lifted,
    next_scope: usize,
    /// Visiting a declaration pattern (its bindings are not assignment targets).
    declaring: bool,
    /// Names of the classes being rewritten, with the function depth of their bodies.
    class_names: Vec<(Id, usize)>,
    with_frames: bool,
    /// Lifting the value of an object-literal property (`{ get: () => ... }`).
    property_value: bool,
}

/// A factory to emit: see `Rewriter::factory`.
struct Factory<'a> {
    /// The scope-object chain at the creation site, outermost first.
    env: Vec<String>,
    value: Box<Expr>,
    /// The name the value is bound to (and named after) inside the factory.
    binding_name: Option<&'a str>,
    /// The `$things` function that registers the value (`fn` or `cls`).
    register: &'a str,
    /// Further factory parameters and the arguments passed for them.
    extra: Vec<(String, Box<Expr>)>,
    pre: Vec<Stmt>,
    post: Vec<Stmt>,
}

/// An entry of a scope object being opened.
enum Slot {
    /// A binding, initialised from the local of the same name (parameters,
    /// catch and loop-head bindings) or to `undefined`.
    Binding(Id, bool),
    This,
    Arguments,
}

impl Rewriter<'_> {
    fn is_captured(&self, id: &Id) -> bool {
        self.captured.contains(id)
    }

    /// Opens a scope object for the captured slots; returns its declaration
    /// (`const $$sN = {...}`), or None when nothing is captured.
    fn open_scope(&mut self, slots: Vec<Slot>, kind: VarDeclKind) -> Option<(String, Stmt)> {
        if slots.is_empty() {
            return None;
        }
        let name = format!("$$s{}", self.next_scope);
        self.next_scope += 1;
        let parent = self
            .chain
            .last()
            .map(|p| ident_expr(p))
            .unwrap_or_else(null);
        let mut entries = vec![(PARENT.to_string(), parent)];
        let mut seen = HashSet::new();
        for slot in slots {
            let (key, value) = match slot {
                Slot::Binding(id, from_local) => {
                    self.home.insert(id.clone(), name.clone());
                    let value = if from_local {
                        // The local itself (same scope context, so later renames follow it).
                        Box::new(Expr::Ident(Ident::new(id.0.clone(), DUMMY_SP, id.1)))
                    } else {
                        undefined()
                    };
                    (id.0.to_string(), value)
                }
                Slot::This => (
                    "this".to_string(),
                    Box::new(Expr::This(ThisExpr { span: DUMMY_SP })),
                ),
                Slot::Arguments => ("arguments".to_string(), ident_expr("arguments")),
            };
            if seen.insert(key.clone()) {
                entries.push((key, value));
            }
        }
        self.chain.push(name.clone());
        let decl = var_decl(kind, vec![(binding(&name), Some(object(entries)))]);
        Some((name, decl))
    }

    fn close_scope(&mut self, opened: &Option<(String, Stmt)>) {
        if opened.is_some() {
            self.chain.pop();
        }
    }

    fn captured_slots(&self, ids: impl IntoIterator<Item = Id>, from_local: bool) -> Vec<Slot> {
        ids.into_iter()
            .filter(|id| self.is_captured(id))
            .map(|id| Slot::Binding(id, from_local))
            .collect()
    }

    /// The scope object member for a captured binding, if it has a home.
    fn home_of(&self, id: &Ident) -> Option<Box<Expr>> {
        let home = self.home.get(&id.to_id())?;
        Some(member_expr(ident_expr(home), &id.sym))
    }

    /// Rewrites a function body in place: opens the function's scope object
    /// (parameters, `var`s, top-level lexical bindings, `this`/`arguments` its
    /// arrows use, its own name), hoists function declarations, and rewrites
    /// everything inside.
    fn function_body(
        &mut self,
        params: &mut [&mut Pat],
        stmts: &mut Vec<Stmt>,
        kind: FnKind,
        self_name: Option<&Ident>,
        framing: Framing,
    ) -> bool {
        // Property values inside this body are not the enclosing literal's.
        let property_value = std::mem::replace(&mut self.property_value, false);
        let env_chain = self.chain.clone();
        let mut names = Vec::new();
        for p in params.iter() {
            pattern_bindings(p, &mut names);
        }
        let param_names: HashSet<Id> = names.iter().cloned().collect();
        collect_vars(stmts, &mut names);
        collect_lexical(stmts, &mut names);
        let mut slots: Vec<Slot> = Vec::new();
        let mut seen = HashSet::new();
        for id in names {
            if self.is_captured(&id) && seen.insert(id.clone()) {
                let from_local = param_names.contains(&id);
                slots.push(Slot::Binding(id, from_local));
            }
        }
        if let Some(name) = self_name {
            if self.is_captured(&name.to_id()) {
                slots.push(Slot::Binding(name.to_id(), true));
            }
        }
        let (uses_this, uses_arguments) = if kind == FnKind::Normal {
            arrows_use(stmts)
        } else {
            (false, false)
        };
        if uses_this {
            slots.push(Slot::This);
        }
        if uses_arguments {
            slots.push(Slot::Arguments);
        }
        let opened = self.open_scope(slots, VarDeclKind::Const);
        let home = opened.as_ref().map(|(n, _)| n.clone());
        self.fns.push(FnCtx {
            kind,
            this_home: if uses_this { home.clone() } else { None },
            arguments_home: if uses_arguments { home } else { None },
            resumable: matches!(framing, Framing::Capture { .. }),
        });
        self.declaring = true;
        for p in params.iter_mut() {
            p.visit_mut_with(self);
        }
        self.declaring = false;
        self.stmts(stmts, true);
        self.fns.pop();
        self.close_scope(&opened);
        if let Some((_, decl)) = opened {
            let at = stmts.iter().take_while(|s| is_directive(s)).count();
            stmts.insert(at, decl);
        }
        self.property_value = property_value;
        self.frame(params, stmts, env_chain, framing)
    }

    /// Wraps a finished body for capture (see `frames`); true for a
    /// generator a snapshot can look at while it is suspended.
    fn frame(
        &mut self,
        params: &[&mut Pat],
        stmts: &mut Vec<Stmt>,
        env_chain: Vec<String>,
        framing: Framing,
    ) -> bool {
        if !self.with_frames {
            return false;
        }
        let (self_name, arrow, generator) = match framing {
            Framing::Capture { self_name, arrow } => (self_name, arrow, false),
            Framing::Generator { self_name } => (self_name, false, true),
            Framing::Guard => {
                *stmts = frames::guarded(std::mem::take(stmts));
                return false;
            }
            Framing::Plain => return false,
        };
        let id = self.lifted.resumes.len();
        let body = frames::Body {
            id,
            params: params.iter().map(|p| (**p).clone()).collect(),
            stmts: std::mem::take(stmts),
            self_name,
            env: env_chain.last().cloned(),
            prologue: chain_prologue(&env_chain),
            arrow,
            generator,
        };
        match frames::capturable(body) {
            frames::Framed::Capturable(normal, resume) => {
                self.lifted.resumes.push(format!("$$r{id}"));
                self.lifted.decls.push(resume);
                *stmts = normal;
                generator
            }
            frames::Framed::Uncapturable(body, reason) => {
                self.lifted.notes.push(crate::Note { reason, generator });
                *stmts = body;
                false
            }
        }
    }

    /// Rewrites a statement list: hoists function declarations to its start
    /// and turns declarations of captured bindings into assignments.
    fn stmts(&mut self, stmts: &mut Vec<Stmt>, function_level: bool) {
        let mut hoisted = Vec::new();
        let mut out = Vec::with_capacity(stmts.len());
        for stmt in std::mem::take(stmts) {
            match stmt {
                Stmt::Decl(Decl::Fn(mut f)) => {
                    let created = self.lift_function(
                        &mut f.function,
                        Some(&f.ident),
                        false,
                        Some(&f.ident.sym),
                        false,
                    );
                    hoisted.push(self.declare_value(
                        &f.ident,
                        created,
                        if function_level {
                            VarDeclKind::Var
                        } else {
                            VarDeclKind::Let
                        },
                    ));
                }
                Stmt::Decl(Decl::Class(mut c)) => {
                    let created = self.lift_class(&mut c.class, Some(&c.ident), None);
                    out.push(self.declare_value(&c.ident, created, VarDeclKind::Let));
                }
                Stmt::Decl(Decl::Var(v)) if self.has_captured(&v) => {
                    out.extend(self.split_var_decl(*v));
                }
                mut other => {
                    other.visit_mut_with(self);
                    out.push(other);
                }
            }
        }
        let at = out.iter().take_while(|s| is_directive(s)).count();
        out.splice(at..at, hoisted);
        *stmts = out;
    }

    /// `home.name = value` for a captured binding, else a declaration.
    fn declare_value(&mut self, name: &Ident, value: Box<Expr>, kind: VarDeclKind) -> Stmt {
        match self.home_of(name) {
            Some(target) => expr_stmt(assign(simple_target(target), value)),
            None => var_decl(
                kind,
                vec![(
                    Pat::Ident(BindingIdent {
                        id: name.clone(),
                        type_ann: None,
                    }),
                    Some(value),
                )],
            ),
        }
    }

    fn has_captured(&self, v: &VarDecl) -> bool {
        let mut names = Vec::new();
        for d in &v.decls {
            pattern_bindings(&d.name, &mut names);
        }
        names.iter().any(|id| self.is_captured(id))
    }

    /// Splits a declaration with captured bindings, one statement per
    /// declarator: `let <plain locals>; <pattern as assignment> = init;`.
    fn split_var_decl(&mut self, v: VarDecl) -> Vec<Stmt> {
        let kind = if v.kind == VarDeclKind::Var {
            VarDeclKind::Var
        } else {
            VarDeclKind::Let
        };
        let mut out = Vec::new();
        for mut d in v.decls {
            let mut names = Vec::new();
            pattern_bindings(&d.name, &mut names);
            if !names.iter().any(|id| self.is_captured(id)) {
                d.visit_mut_with(self);
                out.push(Stmt::Decl(Decl::Var(Box::new(VarDecl {
                    span: DUMMY_SP,
                    ctxt: v.ctxt,
                    kind: v.kind,
                    declare: false,
                    decls: vec![d],
                }))));
                continue;
            }
            let locals: Vec<(Pat, Option<Box<Expr>>)> = names
                .iter()
                .filter(|id| !self.is_captured(id))
                .map(|id| {
                    (
                        Pat::Ident(BindingIdent {
                            id: Ident::new(id.0.clone(), DUMMY_SP, id.1),
                            type_ann: None,
                        }),
                        None,
                    )
                })
                .collect();
            if !locals.is_empty() {
                out.push(var_decl(kind, locals));
            }
            let init = match d.init.take() {
                Some(mut init) => {
                    init.visit_mut_with(self);
                    Some(init)
                }
                // `var x;` keeps its value; `let x;` starts undefined.
                None if v.kind == VarDeclKind::Var => None,
                None => Some(undefined()),
            };
            if let Some(init) = init {
                let mut target = d.name;
                target.visit_mut_with(self);
                let target = AssignTarget::try_from(target)
                    .expect("a declaration pattern is an assignment target");
                out.push(expr_stmt(assign(target, init)));
            }
        }
        out
    }

    /// Lifts a function into a factory; returns the expression creating it.
    /// `own_binding`: the name is the function expression's own binding (not
    /// a declaration's, which lives in the enclosing scope).
    fn lift_function(
        &mut self,
        f: &mut Function,
        name: Option<&Ident>,
        own_binding: bool,
        binding_name: Option<&str>,
        method_key: bool,
    ) -> Box<Expr> {
        let env = self.chain.clone();
        let own = name.filter(|_| own_binding);
        let framing = framing_for(f, binding_name, own, method_key || self.property_value);
        let is_generator = f.is_generator;
        let peekable = {
            let mut params: Vec<&mut Pat> = f.params.iter_mut().map(|p| &mut p.pat).collect();
            let body = f.body.get_or_insert_with(|| FunctionBody {
                span: DUMMY_SP,
                stmts: vec![],
            });
            self.function_body(&mut params, &mut body.stmts, FnKind::Normal, own, framing)
        };
        let function = Box::new(std::mem::replace(f, dummy_function()));
        let value = if method_key {
            let key = binding_name.expect("methods have a key");
            // `({ key(...) {...} }).key` keeps method semantics (no prototype, not a constructor).
            let obj = Box::new(Expr::Object(ObjectLit {
                span: DUMMY_SP,
                props: vec![PropOrSpread::Prop(Box::new(Prop::Method(MethodProp {
                    key: prop_name(key),
                    function,
                })))],
            }));
            Box::new(Expr::Member(member(
                Box::new(Expr::Paren(ParenExpr {
                    span: DUMMY_SP,
                    expr: obj,
                })),
                key,
            )))
        } else {
            Box::new(Expr::Fn(FnExpr {
                ident: name.cloned(),
                function,
            }))
        };
        let binding_name = if method_key { None } else { binding_name };
        let register = match (is_generator, peekable) {
            (false, _) => "fn",
            (true, true) => "gen",
            (true, false) => "plainGen",
        };
        self.fn_factory(env, value, binding_name, register)
    }

    fn lift_arrow(&mut self, a: &mut ArrowExpr, binding_name: Option<&str>) -> Box<Expr> {
        let env = self.chain.clone();
        let mut stmts = take_arrow_body(a);
        {
            let mut params: Vec<&mut Pat> = a.params.iter_mut().collect();
            let framing = if self.property_value && is_implicit(binding_name, true) {
                Framing::Guard
            } else {
                Framing::Capture {
                    self_name: None,
                    arrow: true,
                }
            };
            self.function_body(&mut params, &mut stmts, FnKind::Arrow, None, framing);
        }
        *a.body = match (stmts.len(), stmts.first()) {
            (1, Some(Stmt::Return(ReturnStmt { arg: Some(_), .. }))) => {
                let Some(Stmt::Return(ReturnStmt { arg: Some(e), .. })) = stmts.pop() else {
                    unreachable!()
                };
                ArrowFunctionBody::Expr(paren_if_object(e))
            }
            _ => ArrowFunctionBody::FunctionBody(FunctionBody {
                span: DUMMY_SP,
                stmts,
            }),
        };
        let value = Box::new(Expr::Arrow(std::mem::replace(a, dummy_arrow())));
        self.fn_factory(env, value, binding_name, "fn")
    }

    /// The factory of a plain function (see `factory`).
    /// `register`: `fn`; for a generator function, `gen` if a snapshot can
    /// record its suspended frames, else `plainGen`.
    fn fn_factory(
        &mut self,
        env: Vec<String>,
        value: Box<Expr>,
        binding_name: Option<&str>,
        register: &'static str,
    ) -> Box<Expr> {
        self.factory(Factory {
            env,
            value,
            binding_name,
            register,
            extra: vec![],
            pre: vec![],
            post: vec![],
        })
    }

    /// Emits `function $$fK($$e, ...extra) { <chain>; const name = value; return $things.<register>(name, K, $$e); }`
    /// and returns the call creating the value at the current point.
    fn factory(&mut self, f: Factory<'_>) -> Box<Expr> {
        let Factory {
            env,
            value,
            binding_name,
            register,
            extra,
            pre,
            post,
        } = f;
        let k = self.lifted.table.len();
        let name = format!("$$f{k}");
        self.lifted.table.push(name.clone());
        let mut stmts = chain_prologue(&env);
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
                vec![registered, num(k as f64), ident_expr("$$e")],
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

    /// Lifts a class into a factory taking its superclass; members stay in the
    /// class body (they need `super`), their nested functions are lifted.
    fn lift_class(
        &mut self,
        class: &mut Class,
        name: Option<&Ident>,
        binding_name: Option<&str>,
    ) -> Box<Expr> {
        let mut extra = Vec::new();
        if let Some(mut sup) = class.super_class.take() {
            sup.visit_mut_with(self);
            extra.push(("$$super".to_string(), sup));
            class.super_class = Some(ident_expr("$$super"));
        }
        let env = self.chain.clone();
        let k = self.lifted.table.len();
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
        let class_name = name
            .cloned()
            .or_else(|| binding_name.filter(|n| is_identifier_name(n)).map(ident));
        let value = Box::new(Expr::Class(ClassExpr {
            ident: class_name.clone(),
            class: Box::new(std::mem::take(class)),
        }));
        let binding = class_name.as_ref().map(|n| n.sym.to_string());
        let (pre, post) = match opened {
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
        self.factory(Factory {
            env,
            value,
            binding_name: binding.as_deref(),
            register: "cls",
            extra,
            pre,
            post,
        })
    }

    fn private_names(&mut self, class: &Class, k: usize) -> HashMap<String, String> {
        let mut map = HashMap::new();
        for member in &class.body {
            let key = match member {
                ClassMember::PrivateProp(p) => &p.key,
                ClassMember::PrivateMethod(m) => &m.key,
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
                        vec![num(k as f64), str_lit(&format!("#{name}"))],
                    )),
                )],
            ));
            map.insert(name, symbol);
        }
        map
    }

    fn private_symbol(&self, name: &PrivateName) -> Box<Expr> {
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

    fn class_member(&mut self, member: &mut ClassMember) {
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

    fn method_function(&mut self, f: &mut Function, framing: Framing) {
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
    fn field_value(
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

    /// Rewrites an expression that gives a function its name (`const f = () => {}`).
    fn named_value(&mut self, value: &mut Box<Expr>, name: Option<&str>) {
        match &mut **value {
            Expr::Arrow(a) if !uses_super(a) => *value = self.lift_arrow(a, name),
            Expr::Fn(f) if f.ident.is_none() && !uses_super(&*f.function) => {
                *value = self.lift_function(&mut f.function, None, false, name, false)
            }
            Expr::Class(c) if c.ident.is_none() => {
                *value = self.lift_class(&mut c.class, None, name)
            }
            _ => value.visit_mut_with(self),
        }
    }

    fn for_stmt(&mut self, f: &mut ForStmt) -> Option<Stmt> {
        let Some(VarDeclOrExpr::VarDecl(v)) = &f.init else {
            f.visit_mut_children_with(self);
            return None;
        };
        if !self.has_captured(v) {
            f.visit_mut_children_with(self);
            return None;
        }
        let Some(VarDeclOrExpr::VarDecl(v)) = f.init.take() else {
            unreachable!()
        };
        let lexical = v.kind != VarDeclKind::Var;
        let mut names = Vec::new();
        for d in &v.decls {
            pattern_bindings(&d.name, &mut names);
        }
        // `{ let $$sN = {...}; let <plain>; for (<assignments>; test; $$sN = {...$$sN}, update) body }`:
        // a fresh copy of the scope object per iteration, as per-iteration bindings.
        let opened = if lexical {
            self.open_scope(self.captured_slots(names, false), VarDeclKind::Let)
        } else {
            None
        };
        let mut prelude: Vec<Stmt> = opened.iter().map(|(_, d)| d.clone()).collect();
        let mut assigns = Vec::new();
        for stmt in self.split_var_decl(*v) {
            match stmt {
                Stmt::Expr(e) => assigns.push(e.expr),
                decl => prelude.push(decl),
            }
        }
        f.init = (!assigns.is_empty()).then(|| VarDeclOrExpr::Expr(seq(assigns)));
        f.test.visit_mut_with(self);
        f.update.visit_mut_with(self);
        f.body.visit_mut_with(self);
        if let Some((scope, _)) = &opened {
            let copy = assign(
                simple_target(ident_expr(scope)),
                Box::new(Expr::Object(ObjectLit {
                    span: DUMMY_SP,
                    props: vec![PropOrSpread::Spread(SpreadElement {
                        dot3_token: DUMMY_SP,
                        expr: ident_expr(scope),
                    })],
                })),
            );
            f.update = Some(match f.update.take() {
                Some(u) => seq(vec![copy, u]),
                None => copy,
            });
        }
        self.close_scope(&opened);
        Some(Stmt::Block(BlockStmt {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            stmts: prelude,
        }))
    }

    /// `for (const x of xs) body`: the head binding stays, and is copied into a
    /// scope object made per iteration when captured.
    fn for_in_of_body(&mut self, head: &mut ForHead, body: &mut Box<Stmt>) {
        let names = match head {
            ForHead::VarDecl(v) if v.kind != VarDeclKind::Var => {
                let mut names = Vec::new();
                for d in &v.decls {
                    pattern_bindings(&d.name, &mut names);
                }
                names
            }
            _ => Vec::new(),
        };
        match head {
            ForHead::VarDecl(v) if v.kind == VarDeclKind::Var && self.has_captured(v) => {
                // `for (var x of xs)`: x lives in the function's scope object.
                let d = v.decls.pop().expect("one declarator");
                let mut target = d.name;
                target.visit_mut_with(self);
                *head = ForHead::Pat(Box::new(target));
            }
            _ => {
                self.declaring = true;
                head.visit_mut_with(self);
                self.declaring = false;
            }
        }
        let opened = self.open_scope(self.captured_slots(names, true), VarDeclKind::Const);
        body.visit_mut_with(self);
        self.close_scope(&opened);
        if let Some((_, decl)) = opened {
            let inner = std::mem::replace(&mut **body, Stmt::Empty(EmptyStmt { span: DUMMY_SP }));
            **body = Stmt::Block(BlockStmt {
                span: DUMMY_SP,
                ctxt: SyntaxContext::empty(),
                stmts: vec![decl, inner],
            });
        }
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        match e {
            Expr::Ident(id) => {
                // (A resumable method's resume body is lifted out of the
                // class, so it reads the name through its scope object.)
                let resumable = self.fns.last().is_some_and(|f| f.resumable);
                let own_class = !resumable
                    && self
                        .class_names
                        .iter()
                        .any(|(c, depth)| *c == id.to_id() && self.fns.len() == depth + 1);
                if own_class {
                    return;
                }
                if let Some(m) = self.home_of(id) {
                    *e = *m;
                } else if &*id.sym == "arguments" {
                    if let Some(m) = self.lexical("arguments") {
                        *e = *m;
                    }
                }
            }
            Expr::This(_) => {
                if let Some(m) = self.lexical("this") {
                    *e = *m;
                }
            }
            Expr::Arrow(a) if !uses_super(a) => *e = *self.lift_arrow(a, None),
            Expr::Fn(f) if !uses_super(&*f.function) => {
                let name = f.ident.clone();
                *e = *self.lift_function(
                    &mut f.function,
                    name.as_ref(),
                    true,
                    name.as_ref().map(|n| &*n.sym),
                    false,
                )
            }
            Expr::Class(c) => {
                let name = c.ident.clone();
                *e = *self.lift_class(&mut c.class, name.as_ref(), None)
            }
            Expr::PrivateName(p) => *e = *self.private_symbol(p),
            // `o.#x++` updates the field in place (the checked read below is not a target).
            Expr::Update(UpdateExpr { arg, .. })
                if matches!(
                    &**arg,
                    Expr::Member(MemberExpr {
                        prop: MemberProp::PrivateName(_),
                        ..
                    })
                ) =>
            {
                if let Expr::Member(m) = &mut **arg {
                    self.visit_mut_member_expr(m);
                }
            }
            // `other.#x` on another object checks that it has the field, as
            // private names do (`this.#x` stays a plain, fast access).
            Expr::Member(MemberExpr {
                obj,
                prop: MemberProp::PrivateName(p),
                ..
            }) if !matches!(&**obj, Expr::This(_)) => {
                let sym = self.private_symbol(p);
                let mut obj = std::mem::replace(obj, undefined());
                obj.visit_mut_with(self);
                *e = *lib_call("privGet", vec![obj, sym]);
            }
            Expr::Object(o) => {
                o.visit_mut_children_with(self);
                self.register_accessors(e);
            }
            _ => e.visit_mut_children_with(self),
        }
    }

    fn visit_mut_call_expr(&mut self, c: &mut CallExpr) {
        c.visit_mut_children_with(self);
        if let Callee::Expr(callee) = &mut c.callee {
            call_without_this(callee);
        }
    }

    fn visit_mut_member_expr(&mut self, m: &mut MemberExpr) {
        m.obj.visit_mut_with(self);
        match &mut m.prop {
            MemberProp::PrivateName(p) => {
                let sym = self.private_symbol(p);
                m.prop = MemberProp::Computed(ComputedPropName {
                    span: DUMMY_SP,
                    expr: sym,
                });
            }
            prop => prop.visit_mut_with(self),
        }
    }

    fn visit_mut_var_declarator(&mut self, d: &mut VarDeclarator) {
        let name = match &d.name {
            Pat::Ident(b) => Some(b.id.sym.to_string()),
            _ => None,
        };
        let was = self.declaring;
        self.declaring = true;
        d.name.visit_mut_with(self);
        self.declaring = was;
        if let Some(init) = &mut d.init {
            self.named_value(init, name.as_deref());
        }
    }

    fn visit_mut_assign_expr(&mut self, a: &mut AssignExpr) {
        a.left.visit_mut_with(self);
        let name = match &a.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(b)) if a.op == AssignOp::Assign => {
                Some(b.id.sym.to_string())
            }
            _ => None,
        };
        self.named_value(&mut a.right, name.as_deref());
    }

    fn visit_mut_simple_assign_target(&mut self, t: &mut SimpleAssignTarget) {
        if let SimpleAssignTarget::Ident(b) = t {
            if let Some(m) = self.home_of(&b.id) {
                if let Expr::Member(m) = *m {
                    *t = SimpleAssignTarget::Member(m);
                }
            }
            return;
        }
        t.visit_mut_children_with(self);
    }

    fn visit_mut_pat(&mut self, p: &mut Pat) {
        if let Pat::Ident(b) = p {
            if !self.declaring {
                if let Some(m) = self.home_of(&b.id) {
                    *p = Pat::Expr(m);
                }
            }
            return;
        }
        if let Pat::Assign(a) = p {
            a.left.visit_mut_with(self);
            let name = match &*a.left {
                Pat::Ident(b) => Some(b.id.sym.to_string()),
                _ => None,
            };
            let was = self.declaring;
            self.declaring = false;
            self.named_value(&mut a.right, name.as_deref());
            self.declaring = was;
            return;
        }
        p.visit_mut_children_with(self);
    }

    fn visit_mut_object_pat_prop(&mut self, p: &mut ObjectPatProp) {
        if let ObjectPatProp::Assign(a) = p {
            if !self.declaring {
                if let Some(m) = self.home_of(&a.key.id) {
                    let key = PropName::Ident(IdentName::new(a.key.id.sym.clone(), DUMMY_SP));
                    let value = match a.value.take() {
                        Some(mut def) => {
                            self.named_value(&mut def, Some(&a.key.id.sym));
                            Box::new(Pat::Assign(AssignPat {
                                span: DUMMY_SP,
                                left: Box::new(Pat::Expr(m)),
                                right: def,
                            }))
                        }
                        None => Box::new(Pat::Expr(m)),
                    };
                    *p = ObjectPatProp::KeyValue(KeyValuePatProp { key, value });
                    return;
                }
            }
            if let Some(def) = &mut a.value {
                let was = self.declaring;
                self.declaring = false;
                self.named_value(def, Some(a.key.id.sym.as_ref()));
                self.declaring = was;
            }
            return;
        }
        p.visit_mut_children_with(self);
    }

    fn visit_mut_prop(&mut self, p: &mut Prop) {
        match p {
            Prop::Shorthand(id) => {
                if let Some(m) = self.home_of(id) {
                    *p = Prop::KeyValue(KeyValueProp {
                        key: PropName::Ident(IdentName::new(id.sym.clone(), DUMMY_SP)),
                        value: m,
                    });
                } else if &*id.sym == "arguments" {
                    if let Some(m) = self.lexical("arguments") {
                        *p = Prop::KeyValue(KeyValueProp {
                            key: PropName::Ident(IdentName::new(id.sym.clone(), DUMMY_SP)),
                            value: m,
                        });
                    }
                }
            }
            Prop::KeyValue(kv) => {
                kv.key.visit_mut_with(self);
                let name = static_key(&kv.key);
                let was = std::mem::replace(&mut self.property_value, true);
                self.named_value(&mut kv.value, name.as_deref());
                self.property_value = was;
            }
            Prop::Method(m) => match static_key(&m.key) {
                Some(key) if !uses_super(&*m.function) => {
                    let value = self.lift_function(&mut m.function, None, false, Some(&key), true);
                    *p = Prop::KeyValue(KeyValueProp {
                        key: m.key.clone(),
                        value,
                    });
                }
                _ => {
                    m.key.visit_mut_with(self);
                    self.method_function(&mut m.function, Framing::Guard);
                }
            },
            Prop::Getter(g) => {
                g.key.visit_mut_with(self);
                self.method_function(&mut g.function, Framing::Guard);
            }
            Prop::Setter(s) => {
                s.key.visit_mut_with(self);
                self.method_function(&mut s.function, Framing::Guard);
            }
            _ => p.visit_mut_children_with(self),
        }
    }

    fn visit_mut_function(&mut self, f: &mut Function) {
        // Functions reached here are not lifted (they use `super`).
        self.method_function(f, Framing::Guard);
    }

    fn visit_mut_arrow_expr(&mut self, a: &mut ArrowExpr) {
        // Arrows reached here are not lifted (they use `super`).
        let mut stmts = take_arrow_body(a);
        let mut params: Vec<&mut Pat> = a.params.iter_mut().collect();
        self.function_body(&mut params, &mut stmts, FnKind::Arrow, None, Framing::Guard);
        *a.body = ArrowFunctionBody::FunctionBody(FunctionBody {
            span: DUMMY_SP,
            stmts,
        });
    }

    fn visit_mut_block_stmt(&mut self, b: &mut BlockStmt) {
        let mut names = Vec::new();
        collect_lexical(&b.stmts, &mut names);
        let opened = self.open_scope(self.captured_slots(names, false), VarDeclKind::Const);
        self.stmts(&mut b.stmts, false);
        self.close_scope(&opened);
        if let Some((_, decl)) = opened {
            b.stmts.insert(0, decl);
        }
    }

    fn visit_mut_switch_stmt(&mut self, s: &mut SwitchStmt) {
        s.discriminant.visit_mut_with(self);
        let mut names = Vec::new();
        for case in &s.cases {
            collect_lexical(&case.cons, &mut names);
        }
        let opened = self.open_scope(self.captured_slots(names, false), VarDeclKind::Const);
        for case in s.cases.iter_mut() {
            case.test.visit_mut_with(self);
            self.stmts(&mut case.cons, false);
        }
        self.close_scope(&opened);
        if let Some((_, decl)) = opened {
            // The scope object goes first in the first case; a switch body is one scope.
            if let Some(first) = s.cases.first_mut() {
                first.cons.insert(0, decl);
            }
        }
    }

    fn visit_mut_catch_clause(&mut self, c: &mut CatchClause) {
        let mut names = Vec::new();
        if let Some(p) = &c.param {
            pattern_bindings(p, &mut names);
        }
        let mut slots = self.captured_slots(names, true);
        let mut lexical = Vec::new();
        collect_lexical(&c.body.stmts, &mut lexical);
        slots.extend(self.captured_slots(lexical, false));
        self.declaring = true;
        c.param.visit_mut_with(self);
        self.declaring = false;
        let opened = self.open_scope(slots, VarDeclKind::Const);
        self.stmts(&mut c.body.stmts, false);
        self.close_scope(&opened);
        if let Some((_, decl)) = opened {
            c.body.stmts.insert(0, decl);
        }
    }

    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        match s {
            Stmt::For(f) => {
                if let Some(Stmt::Block(mut wrapper)) = self.for_stmt(f) {
                    wrapper.stmts.push(std::mem::replace(
                        s,
                        Stmt::Empty(EmptyStmt { span: DUMMY_SP }),
                    ));
                    *s = Stmt::Block(wrapper);
                }
            }
            Stmt::Labeled(l) if matches!(&*l.body, Stmt::For(_)) => {
                let Stmt::For(f) = &mut *l.body else {
                    unreachable!()
                };
                if let Some(Stmt::Block(mut wrapper)) = self.for_stmt(f) {
                    wrapper.stmts.push(std::mem::replace(
                        s,
                        Stmt::Empty(EmptyStmt { span: DUMMY_SP }),
                    ));
                    *s = Stmt::Block(wrapper);
                }
            }
            Stmt::ForIn(f) => {
                f.right.visit_mut_with(self);
                self.for_in_of_body(&mut f.left, &mut f.body);
            }
            Stmt::ForOf(f) => {
                f.right.visit_mut_with(self);
                self.for_in_of_body(&mut f.left, &mut f.body);
            }
            Stmt::Decl(Decl::Var(v)) if self.has_captured(v) => {
                // Only `var` reaches here (let/const sit in statement lists).
                let Stmt::Decl(Decl::Var(v)) =
                    std::mem::replace(s, Stmt::Empty(EmptyStmt { span: DUMMY_SP }))
                else {
                    unreachable!()
                };
                let stmts = self.split_var_decl(*v);
                *s = Stmt::Block(BlockStmt {
                    span: DUMMY_SP,
                    ctxt: SyntaxContext::empty(),
                    stmts,
                });
            }
            _ => s.visit_mut_children_with(self),
        }
    }
}

impl Rewriter<'_> {
    /// An object literal with getters/setters, or methods that use `super`
    /// (which cannot be lifted out of it): a factory re-creates them
    /// (`{ get x() {...} }` alone) and the literal registers them with it,
    /// naming the methods (`$things.acc(literal, K, env, ["m"])`).
    fn register_accessors(&mut self, e: &mut Expr) {
        let Expr::Object(o) = e else { return };
        let mut methods = Vec::new();
        let accessors: Vec<PropOrSpread> = o
            .props
            .iter()
            .filter(|p| match p {
                PropOrSpread::Prop(p) => match &**p {
                    Prop::Getter(g) => static_key(&g.key).is_some(),
                    Prop::Setter(s) => static_key(&s.key).is_some(),
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

    /// Inside an arrow: the scope-object member holding the enclosing
    /// function's `this` or `arguments`.
    fn lexical(&self, what: &str) -> Option<Box<Expr>> {
        if self.fns.last()?.kind != FnKind::Arrow {
            return None;
        }
        let owner = self.fns.iter().rev().find(|f| f.kind == FnKind::Normal)?;
        let home = if what == "this" {
            &owner.this_home
        } else {
            &owner.arguments_home
        };
        home.as_ref().map(|h| member_expr(ident_expr(h), what))
    }
}

/// A captured function called by name keeps `this` undefined (or the global
/// object in sloppy code): `(0, $$sN.f)(...)`, not a method call on the
/// scope object.
fn call_without_this(callee: &mut Box<Expr>) {
    if is_scope_member(callee) {
        let member = std::mem::replace(callee, undefined());
        **callee = Expr::Paren(ParenExpr {
            span: DUMMY_SP,
            expr: Box::new(Expr::Seq(SeqExpr {
                span: DUMMY_SP,
                exprs: vec![num(0.0), member],
            })),
        });
    }
}

/// `$$sN.name`: a captured binding read through its scope object.
fn is_scope_member(e: &Expr) -> bool {
    matches!(e, Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(_), .. })
        if matches!(&**obj, Expr::Ident(i) if i.sym.starts_with("$$s")))
}

/// `const $$sA = $$e, $$sB = $$sA["^"], ...` for the chain, innermost first.
fn chain_prologue(env: &[String]) -> Vec<Stmt> {
    let mut decls = Vec::new();
    let mut prev: Option<&String> = None;
    for name in env.iter().rev() {
        let init = match prev {
            None => ident_expr("$$e"),
            Some(p) => member_expr(ident_expr(p), PARENT),
        };
        decls.push((binding(name), Some(init)));
        prev = Some(name);
    }
    if decls.is_empty() {
        vec![]
    } else {
        vec![var_decl(VarDeclKind::Const, decls)]
    }
}

fn simple_target(e: Box<Expr>) -> AssignTarget {
    AssignTarget::try_from(e).expect("a member expression is an assignment target")
}

fn seq(exprs: Vec<Box<Expr>>) -> Box<Expr> {
    if exprs.len() == 1 {
        return exprs.into_iter().next().expect("one");
    }
    Box::new(Expr::Seq(SeqExpr {
        span: DUMMY_SP,
        exprs,
    }))
}

fn paren_if_object(e: Box<Expr>) -> Box<ArrowBodyExpr> {
    match *e {
        Expr::Object(_) => Box::new(Expr::Paren(ParenExpr {
            span: DUMMY_SP,
            expr: e,
        })),
        _ => e,
    }
}
type ArrowBodyExpr = Expr;

fn prop_name(key: &str) -> PropName {
    if is_identifier_name(key) {
        PropName::Ident(IdentName::new(key.into(), DUMMY_SP))
    } else {
        PropName::Str(key.into())
    }
}

fn is_reserved(name: &str) -> bool {
    matches!(
        name,
        "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "enum"
            | "export"
            | "extends"
            | "false"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "import"
            | "in"
            | "instanceof"
            | "new"
            | "null"
            | "return"
            | "super"
            | "switch"
            | "this"
            | "throw"
            | "true"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
            | "let"
            | "static"
            | "implements"
            | "interface"
            | "package"
            | "private"
            | "protected"
            | "public"
            | "await"
            | "arguments"
            | "eval"
    )
}

fn dummy_function() -> Function {
    Function {
        body: None,
        ..function(vec![], vec![], false)
    }
}

fn dummy_arrow() -> ArrowExpr {
    ArrowExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        params: vec![],
        body: Box::new(ArrowFunctionBody::Expr(undefined())),
        is_async: false,
        is_generator: false,
        type_params: None,
        return_type: None,
    }
}

/// `var` bindings of a function body (not of nested functions).
fn collect_vars(stmts: &[Stmt], out: &mut Vec<Id>) {
    struct C<'a>(&'a mut Vec<Id>);
    impl Visit for C<'_> {
        fn visit_var_decl(&mut self, v: &VarDecl) {
            if v.kind == VarDeclKind::Var {
                for d in &v.decls {
                    pattern_bindings(&d.name, self.0);
                }
            }
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
        fn visit_expr(&mut self, _: &Expr) {}
    }
    stmts.visit_with(&mut C(out));
}

/// let/const/class/function bindings declared directly in a statement list.
fn collect_lexical(stmts: &[Stmt], out: &mut Vec<Id>) {
    for s in stmts {
        match s {
            Stmt::Decl(Decl::Var(v)) if v.kind != VarDeclKind::Var => {
                for d in &v.decls {
                    pattern_bindings(&d.name, out);
                }
            }
            Stmt::Decl(Decl::Fn(f)) => out.push(f.ident.to_id()),
            Stmt::Decl(Decl::Class(c)) => out.push(c.ident.to_id()),
            _ => {}
        }
    }
}

/// Whether arrows directly inside (not inside nested non-arrow functions)
/// read `this` / `arguments`.
fn arrows_use(stmts: &[Stmt]) -> (bool, bool) {
    let mut u = ArrowUses::default();
    stmts.visit_with(&mut u);
    (u.this, u.arguments)
}

fn arrows_use_expr(e: &Expr) -> (bool, bool) {
    let mut u = ArrowUses::default();
    e.visit_with(&mut u);
    (u.this, u.arguments)
}

#[derive(Default)]
struct ArrowUses {
    depth: usize,
    this: bool,
    arguments: bool,
}

impl Visit for ArrowUses {
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        self.depth += 1;
        a.visit_children_with(self);
        self.depth -= 1;
    }
    fn visit_function(&mut self, _: &Function) {}
    fn visit_class(&mut self, c: &Class) {
        // Only the parts evaluated in the enclosing scope.
        c.super_class.visit_with(self);
    }
    fn visit_this_expr(&mut self, _: &ThisExpr) {
        self.this |= self.depth > 0;
    }
    fn visit_ident(&mut self, i: &Ident) {
        self.arguments |= self.depth > 0 && &*i.sym == "arguments";
    }
}

fn uses_super<N: VisitWith<SuperFinder>>(n: &N) -> bool {
    let mut f = SuperFinder(false);
    n.visit_with(&mut f);
    f.0
}

/// Finds `super` that belongs to the node (not to nested classes).
pub struct SuperFinder(bool);

impl Visit for SuperFinder {
    fn visit_super(&mut self, _: &Super) {
        self.0 = true;
    }
    fn visit_class(&mut self, c: &Class) {
        c.super_class.visit_with(self);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{print, squash, with_script};

    /// The program's top level and the factories, without `frames`.
    fn convert(source: &str) -> String {
        with_script(source, |s| {
            let analysis = crate::analyze::run(s);
            let lifted = super::run(s, &analysis, false);
            let mut all = lifted.decls;
            all.extend(s.body.clone());
            squash(&print(all))
        })
    }

    #[test]
    fn captured_bindings_live_in_scope_objects_and_functions_in_factories() {
        assert_eq!(
            convert("let n = 0; const inc = () => n++;"),
            squash(
                r#"function $$f1($$e) { const $$s0 = $$e; const inc = ()=>$$s0.n++; return $things.fn(inc, 1, $$e); }
                const $$s0 = { "^": null, n: void 0 };
                $$s0.n = 0;
                const inc = $$f1($$s0);"#
            )
        );
    }

    #[test]
    fn per_iteration_bindings_get_a_fresh_scope_object_each_iteration() {
        assert_eq!(
            convert("const fs = []; for (let i = 0; i < 2; i++) fs.push(() => i);"),
            squash(
                r#"function $$f1($$e) { const $$s0 = $$e; return $things.fn(()=>$$s0.i, 1, $$e); }
                const fs = [];
                { let $$s0 = { "^": null, i: void 0 }; for($$s0.i = 0; $$s0.i < 2; $$s0 = { ...$$s0 }, $$s0.i++)fs.push($$f1($$s0)); }"#
            )
        );
    }

    #[test]
    fn arrows_read_this_through_the_enclosing_scope_object() {
        assert_eq!(
            convert("function f() { return () => this.x; }"),
            squash(
                r#"function $$f1($$e) { const $$s0 = $$e; return $things.fn(()=>$$s0.this.x, 1, $$e); }
                function $$f2($$e) { const f = function f() { const $$s0 = { "^": null, this: this }; return $$f1($$s0); }; return $things.fn(f, 2, $$e); }
                var f = $$f2(null);"#
            )
        );
    }

    #[test]
    fn private_names_become_symbols_of_the_class_site() {
        let out = convert("class A { #x = 1; get x() { return this.#x; } }");
        assert!(
            out.contains(r##"const $$p1_x = $things.priv(1, "#x");"##),
            "{out}"
        );
        assert!(out.contains("[$$p1_x] = 1;"), "{out}");
        assert!(out.contains("return this[$$p1_x];"), "{out}");
        assert!(out.contains("let A = $$f1(null);"), "{out}");
    }
}
