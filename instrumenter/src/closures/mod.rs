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

use swc_common::{Span, Spanned, SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::analyze::Analysis;
use crate::ast::*;
use crate::bodies::{Framing, Pending};

mod accessors;
mod classes;
mod factories;
mod scopes;
mod texts;

use accessors::*;
use factories::*;
use scopes::*;
pub use texts::Text;

/// What the pass produces besides the rewritten program body.
pub struct Lifted {
    /// Top-level declarations: factories and private-name symbols.
    pub decls: Vec<Stmt>,
    /// Factory names by site id, from the first site the script was given
    /// (which is the program itself).
    pub table: Vec<String>,
    /// The next class number after this script's.
    pub next_class: usize,
    /// The function bodies to frame, taken out of the program (see `bodies`).
    pub bodies: Vec<Pending>,
    /// Where the functions' texts are in the program.
    pub texts: Vec<Text>,
}

/// Factories are numbered from `first_site`, classes from `first_class`.
pub fn run(
    script: &mut Script,
    analysis: &Analysis,
    first_site: usize,
    first_class: usize,
) -> Lifted {
    let implicit = implicit_bindings(script);
    let mut r = Rewriter {
        analysis,
        implicit: &implicit,
        home: HashMap::new(),
        chain: Vec::new(),
        fns: Vec::new(),
        privates: Vec::new(),
        lifted: Lifted {
            decls: Vec::new(),
            table: vec!["$$main".into()],
            next_class: first_class,
            bodies: Vec::new(),
            texts: Vec::new(),
        },
        first_site,
        next_scope: 0,
        declaring: false,
        initializing: false,
        annex_b: HashSet::new(),
        class_names: Vec::new(),
        property_value: false,
        implicit_value: false,
        strict: false,
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
    analysis: &'a Analysis,
    /// Bindings holding functions the engine calls implicitly (`accessors`).
    implicit: &'a HashSet<Id>,
    /// Scope object holding each captured binding.
    home: HashMap<Id, String>,
    /// Scope objects enclosing the current point, outermost first.
    chain: Vec<String>,
    fns: Vec<FnCtx>,
    /// Private names of the enclosing classes, innermost last: `x` -> `$$pK_x`.
    privates: Vec<HashMap<String, String>>,
    lifted: Lifted,
    next_scope: usize,
    /// Classes met so far: each names its private-name symbols after its number.
    /// The program's site number (its factories follow).
    first_site: usize,
    /// Visiting a declaration pattern (its bindings are not assignment targets).
    declaring: bool,
    /// Visiting a declaration made an assignment (to a constant too).
    initializing: bool,
    /// Block functions that are their function's variables (Annex B).
    annex_b: HashSet<Id>,
    /// Names of the classes being rewritten, with the function depth of their bodies.
    class_names: Vec<(Id, usize)>,
    /// Lifting the value of an object-literal property (`{ get: () => ... }`).
    property_value: bool,
    /// Lifting a function assigned to a property the engine calls
    /// implicitly (`Point.prototype.valueOf = function () { ... }`).
    implicit_value: bool,
    /// Inside code that is strict by its context (a function with a
    /// `"use strict"` directive, a class), which the factories and resume
    /// bodies lifted from here, at the program's top level, must say again.
    strict: bool,
}

impl Rewriter<'_> {
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
    ) {
        // Property values inside this body are not the enclosing literal's.
        let property_value = std::mem::replace(&mut self.property_value, false);
        let implicit_value = std::mem::replace(&mut self.implicit_value, false);
        let strict = self.strict;
        self.strict |= has_use_strict(stmts);
        let env_chain = self.chain.clone();
        let mut names = Vec::new();
        for p in params.iter() {
            pattern_bindings(p, &mut names);
        }
        let param_names: HashSet<Id> = names.iter().cloned().collect();
        collect_vars(stmts, &mut names);
        collect_lexical(stmts, &mut names);
        if !self.strict {
            // Annex B: a block's function is also the function's variable, so
            // it lives in the function's scope object, unless the name is
            // taken, or the block may run more than once (in a loop, or
            // several blocks declare it): each run has its own function,
            // which closures made in the block keep, so it stays the block's.
            let mut block_fns = Vec::new();
            collect_block_functions(stmts, &mut block_fns);
            let taken: HashSet<_> = names.iter().map(|id| id.0.clone()).collect();
            for (id, in_loop) in &block_fns {
                let once = block_fns.iter().filter(|(other, _)| other == id).count() == 1;
                if !in_loop && once && !taken.contains(&id.0) {
                    self.annex_b.insert(id.clone());
                    names.push(id.clone());
                }
            }
        }
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
        self.implicit_value = implicit_value;
        self.pend(params, stmts, env_chain, framing);
        self.strict = strict;
    }

    /// Hands a finished body on to `normalize` and `frames`: it is taken out
    /// of the program, and a placeholder marks where it goes back.
    fn pend(
        &mut self,
        params: &[&mut Pat],
        stmts: &mut Vec<Stmt>,
        env: Vec<String>,
        framing: Framing,
    ) {
        if matches!(framing, Framing::Plain) {
            return;
        }
        let k = self.lifted.bodies.len();
        self.lifted.bodies.push(Pending {
            framing,
            params: params.iter().map(|p| (**p).clone()).collect(),
            stmts: std::mem::replace(stmts, vec![crate::bodies::placeholder(k)]),
            env,
            strict: self.strict,
            normalized: None,
        });
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
                    None,
                )
            }
            Expr::Class(c) => {
                let name = c.ident.clone();
                *e = *self.lift_class(&mut c.class, name.as_ref(), None)
            }
            // `#x in o`: a field is an own property, a method the class's (runtime/js/05_registry.js).
            Expr::Bin(BinExpr {
                op: BinaryOp::In,
                left,
                right,
                ..
            }) if matches!(&**left, Expr::PrivateName(_)) => {
                let Expr::PrivateName(p) = &**left else {
                    unreachable!()
                };
                let sym = self.private_symbol(p);
                let mut obj = std::mem::replace(right, undefined());
                obj.visit_mut_with(self);
                *e = *lib_call("privIn", vec![sym, obj]);
            }
            // A compound or logical assignment, or an update, of a constant
            // reads it, then throws (a logical one only if it would assign);
            // of a sloppy function expression's own name, it only reads it.
            Expr::Assign(AssignExpr {
                op,
                left: AssignTarget::Simple(SimpleAssignTarget::Ident(b)),
                right,
                ..
            }) if *op != AssignOp::Assign
                && (self.is_constant(&b.id) || self.is_own_name(&b.id)) =>
            {
                let read = Box::new(Expr::Ident(b.id.clone()));
                let right = std::mem::replace(right, undefined());
                let throws = self.is_constant(&b.id);
                let fail = |value: Box<Expr>| {
                    if throws {
                        seq(vec![value, lib_call("constAssign", vec![])])
                    } else {
                        value
                    }
                };
                let logical = |op, read, right| {
                    Expr::Bin(BinExpr {
                        span: DUMMY_SP,
                        op,
                        left: read,
                        right: fail(right),
                    })
                };
                *e = match op {
                    AssignOp::AndAssign => logical(BinaryOp::LogicalAnd, read, right),
                    AssignOp::OrAssign => logical(BinaryOp::LogicalOr, read, right),
                    AssignOp::NullishAssign => logical(BinaryOp::NullishCoalescing, read, right),
                    op => *fail(Box::new(Expr::Bin(BinExpr {
                        span: DUMMY_SP,
                        op: op.to_update().expect("a compound assignment"),
                        left: read,
                        right,
                    }))),
                };
                e.visit_mut_with(self);
            }
            Expr::Update(UpdateExpr {
                arg, op, prefix, ..
            }) if matches!(&**arg, Expr::Ident(i) if self.is_constant(i) || self.is_own_name(i)) => {
                let throws = matches!(&**arg, Expr::Ident(i) if self.is_constant(i));
                let read = std::mem::replace(arg, undefined());
                let numeric = Box::new(Expr::Unary(UnaryExpr {
                    span: DUMMY_SP,
                    op: UnaryOp::Plus,
                    arg: read,
                }));
                *e = if throws {
                    *seq(vec![numeric, lib_call("constAssign", vec![])])
                } else if *prefix {
                    // (The value the update would have stored.)
                    Expr::Bin(BinExpr {
                        span: DUMMY_SP,
                        op: if *op == UpdateOp::PlusPlus {
                            BinaryOp::Add
                        } else {
                            BinaryOp::Sub
                        },
                        left: numeric,
                        right: Box::new(Expr::Lit(Lit::Num(1.0.into()))),
                    })
                } else {
                    *numeric
                };
                e.visit_mut_with(self);
            }
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
        let implicit = matches!(&d.name, Pat::Ident(b) if self.implicit.contains(&b.id.to_id()));
        let was = self.declaring;
        self.declaring = true;
        d.name.visit_mut_with(self);
        self.declaring = was;
        if let Some(init) = &mut d.init {
            let was = std::mem::replace(&mut self.implicit_value, implicit);
            self.named_value(init, name.as_deref());
            self.implicit_value = was;
        }
    }

    fn visit_mut_assign_expr(&mut self, a: &mut AssignExpr) {
        // (Named before the target is rewritten: a captured name becomes a
        // scope object's property.)
        let names = matches!(
            a.op,
            AssignOp::Assign | AssignOp::AndAssign | AssignOp::OrAssign | AssignOp::NullishAssign
        );
        let name = match &a.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(b)) if names => {
                Some(b.id.sym.to_string())
            }
            _ => None,
        };
        a.left.visit_mut_with(self);
        let implicit = match &a.left {
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => {
                is_implicit_key(&m.prop) && makes_function(&a.right)
            }
            _ => false,
        };
        let was = std::mem::replace(&mut self.implicit_value, implicit);
        self.named_value(&mut a.right, name.as_deref());
        self.implicit_value = was;
    }

    fn visit_mut_simple_assign_target(&mut self, t: &mut SimpleAssignTarget) {
        if let SimpleAssignTarget::Ident(b) = t {
            if let Some(m) = self.target_of(&b.id) {
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
                if let Some(m) = self.target_of(&b.id) {
                    *p = Pat::Expr(m);
                }
            }
            return;
        }
        if let Pat::Assign(a) = p {
            // (The name before the binding may become its scope object's member.)
            let name = match &*a.left {
                Pat::Ident(b) => Some(b.id.sym.to_string()),
                _ => None,
            };
            a.left.visit_mut_with(self);
            // (A default is an expression: its assignments are not the declaration's.)
            let was = (self.declaring, self.initializing);
            (self.declaring, self.initializing) = (false, false);
            self.named_value(&mut a.right, name.as_deref());
            (self.declaring, self.initializing) = was;
            return;
        }
        p.visit_mut_children_with(self);
    }

    fn visit_mut_object_pat_prop(&mut self, p: &mut ObjectPatProp) {
        if let ObjectPatProp::Assign(a) = p {
            if !self.declaring {
                if let Some(m) = self.target_of(&a.key.id) {
                    let key = PropName::Ident(IdentName::new(a.key.id.sym.clone(), DUMMY_SP));
                    let value = match a.value.take() {
                        Some(mut def) => {
                            let was = std::mem::replace(&mut self.initializing, false);
                            self.named_value(&mut def, Some(&a.key.id.sym));
                            self.initializing = was;
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
                let was = (self.declaring, self.initializing);
                (self.declaring, self.initializing) = (false, false);
                self.named_value(def, Some(a.key.id.sym.as_ref()));
                (self.declaring, self.initializing) = was;
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
                    let value =
                        self.lift_function(&mut m.function, None, false, Some(&key), Some(&m.key));
                    *p = Prop::KeyValue(KeyValueProp {
                        key: m.key.clone(),
                        value,
                    });
                }
                // `[Symbol.iterator]() {...}`: a key that evaluates to the same
                // value again, so the factory can make the method with it.
                None if is_symbol_key(&m.key) && !uses_super(&*m.function) => {
                    let value =
                        self.lift_function(&mut m.function, None, false, None, Some(&m.key));
                    *p = Prop::KeyValue(KeyValueProp {
                        key: m.key.clone(),
                        value,
                    });
                }
                None if !uses_super(&*m.function) => {
                    let PropName::Computed(c) = &mut m.key else {
                        unreachable!("a key with no static name is computed")
                    };
                    c.expr.visit_mut_with(self);
                    let (key, value) = self.lift_keyed_method(&mut m.function, c);
                    *p = Prop::KeyValue(KeyValueProp { key, value });
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
        self.block_lexical(&b.stmts, &mut names);
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
            self.block_lexical(&case.cons, &mut names);
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
        self.block_lexical(&c.body.stmts, &mut lexical);
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

#[cfg(test)]
mod tests {
    use crate::testing::{print, squash, with_script};

    /// The program's top level and the factories, without `frames`.
    fn convert(source: &str) -> String {
        with_script(source, |s| {
            let analysis = crate::analyze::run(s);
            let mut lifted = super::run(s, &analysis, 0, 0);
            let bodies = std::mem::take(&mut lifted.bodies);
            crate::bodies::splice(
                s,
                &mut lifted.decls,
                bodies.into_iter().map(|b| b.stmts).collect(),
            );
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
                r#"function $$f1($$e) { const $$s0 = $$e; const inc = ()=>{ return $$s0.n++; }; return $things.fn(inc, 1, $$e); }
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
                r#"function $$f1($$e) { const $$s0 = $$e; return $things.fn(()=>{ return $$s0.i; }, 1, $$e); }
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
                r#"function $$f1($$e) { const $$s0 = $$e; return $things.fn(()=>{ return $$s0.this.x; }, 1, $$e); }
                function $$f2($$e) { const f = function f() { const $$s0 = { "^": null, this: this }; return $$f1($$s0); }; return $things.fn(f, 2, $$e); }
                var f = $$f2(null);"#
            )
        );
    }

    #[test]
    fn private_names_become_symbols_of_the_class_site() {
        let out = convert("class A { #x = 1; get x() { return this.#x; } }");
        assert!(
            out.contains(r##"const $$p0_x = $things.priv(0, "#x", true);"##),
            "{out}"
        );
        assert!(out.contains("[$$p0_x] = 1;"), "{out}");
        assert!(out.contains("return this[$$p0_x];"), "{out}");
        assert!(out.contains("let A = $$f1(null);"), "{out}");
    }
}
