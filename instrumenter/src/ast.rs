//! Small builders for the AST nodes the passes generate, and the names they
//! use. Generated names start with `$$`, which the parser check in `closures`
//! reserves.

use std::collections::HashSet;
use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;

use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

/// The runtime library, a parameter of the program wrapper.
pub const LIB: &str = "$things";
/// The key under which a scope object links to its parent.
pub const PARENT: &str = "^";

pub fn ident(name: &str) -> Ident {
    Ident::new(name.into(), DUMMY_SP, SyntaxContext::empty())
}

pub fn ident_expr(name: &str) -> Box<Expr> {
    Box::new(Expr::Ident(ident(name)))
}

pub fn str_lit(value: &str) -> Box<Expr> {
    Box::new(Expr::Lit(Lit::Str(value.into())))
}

pub fn num(value: f64) -> Box<Expr> {
    Box::new(Expr::Lit(Lit::Num(value.into())))
}

pub fn bool_lit(value: bool) -> Box<Expr> {
    Box::new(Expr::Lit(Lit::Bool(Bool {
        span: DUMMY_SP,
        value,
    })))
}

pub fn null() -> Box<Expr> {
    Box::new(Expr::Lit(Lit::Null(Null { span: DUMMY_SP })))
}

pub fn undefined() -> Box<Expr> {
    Box::new(Expr::Unary(UnaryExpr {
        span: DUMMY_SP,
        op: UnaryOp::Void,
        arg: num(0.0),
    }))
}

/// `obj.prop`, or `obj["prop"]` when prop is not an identifier name.
pub fn member(obj: Box<Expr>, prop: &str) -> MemberExpr {
    let prop = if is_identifier_name(prop) {
        MemberProp::Ident(IdentName::new(prop.into(), DUMMY_SP))
    } else {
        MemberProp::Computed(ComputedPropName {
            span: DUMMY_SP,
            expr: str_lit(prop),
        })
    };
    MemberExpr {
        span: DUMMY_SP,
        obj,
        prop,
    }
}

/// `obj[i]`.
pub fn index_expr(obj: Box<Expr>, i: usize) -> Box<Expr> {
    Box::new(Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj,
        prop: MemberProp::Computed(ComputedPropName {
            span: DUMMY_SP,
            expr: num(i as f64),
        }),
    }))
}

pub fn member_expr(obj: Box<Expr>, prop: &str) -> Box<Expr> {
    Box::new(Expr::Member(member(obj, prop)))
}

pub fn call(callee: Box<Expr>, args: Vec<Box<Expr>>) -> Box<Expr> {
    Box::new(Expr::Call(CallExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        callee: Callee::Expr(callee),
        args: args
            .into_iter()
            .map(|expr| ExprOrSpread { spread: None, expr })
            .collect(),
        type_args: None,
    }))
}

/// `$things.name(args...)`
pub fn lib_call(name: &str, args: Vec<Box<Expr>>) -> Box<Expr> {
    call(member_expr(ident_expr(LIB), name), args)
}

pub fn assign(target: AssignTarget, value: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Assign(AssignExpr {
        span: DUMMY_SP,
        op: AssignOp::Assign,
        left: target,
        right: value,
    }))
}

pub fn expr_stmt(expr: Box<Expr>) -> Stmt {
    Stmt::Expr(ExprStmt {
        span: DUMMY_SP,
        expr,
    })
}

pub fn var_decl(kind: VarDeclKind, decls: Vec<(Pat, Option<Box<Expr>>)>) -> Stmt {
    Stmt::Decl(Decl::Var(Box::new(VarDecl {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        kind,
        declare: false,
        decls: decls
            .into_iter()
            .map(|(name, init)| VarDeclarator {
                span: DUMMY_SP,
                name,
                init,
                definite: false,
            })
            .collect(),
    })))
}

pub fn binding(name: &str) -> Pat {
    Pat::Ident(BindingIdent {
        id: ident(name),
        type_ann: None,
    })
}

/// `{ "^": parent, key: value, ... }`
pub fn object(entries: Vec<(String, Box<Expr>)>) -> Box<Expr> {
    Box::new(Expr::Object(ObjectLit {
        span: DUMMY_SP,
        props: entries
            .into_iter()
            .map(|(key, value)| {
                let key = if is_identifier_name(&key) {
                    PropName::Ident(IdentName::new(key.as_str().into(), DUMMY_SP))
                } else {
                    PropName::Str(key.as_str().into())
                };
                PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp { key, value })))
            })
            .collect(),
    }))
}

pub fn is_identifier_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '$' || c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '$' || c == '_' || c.is_alphanumeric())
}

/// A string literal's or identifier's text, if the key is static.
pub fn static_key(key: &PropName) -> Option<String> {
    match key {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
        PropName::Num(n) => Some(n.value.to_string()),
        _ => None,
    }
}

/// The name of a well-known symbol (`Symbol.iterator` gives "iterator").
pub fn well_known_symbol(e: &Expr) -> Option<&str> {
    match e {
        Expr::Member(MemberExpr {
            obj,
            prop: MemberProp::Ident(p),
            ..
        }) if matches!(&**obj, Expr::Ident(o) if &*o.sym == "Symbol") => Some(&p.sym),
        _ => None,
    }
}

/// A statement of a directive prologue (`"use strict"`, any string statement).
pub fn is_directive(s: &Stmt) -> bool {
    matches!(s, Stmt::Expr(e) if matches!(&*e.expr, Expr::Lit(Lit::Str(_))))
}

/// Whether a body's directive prologue holds `"use strict"`.
pub fn has_use_strict(stmts: &[Stmt]) -> bool {
    stmts.iter().take_while(|s| is_directive(s)).any(|s| {
        matches!(s, Stmt::Expr(e) if matches!(&*e.expr, Expr::Lit(Lit::Str(v)) if &*v.value == "use strict"))
    })
}

/// The `"use strict";` directive.
pub fn use_strict() -> Stmt {
    expr_stmt(str_lit("use strict"))
}

/// `yield arg`
pub fn yield_of(arg: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Yield(YieldExpr {
        span: DUMMY_SP,
        arg: Some(arg),
        delegate: false,
    }))
}

/// A plain function with these parameters and body (a generator if asked).
pub fn function(params: Vec<Pat>, stmts: Vec<Stmt>, is_generator: bool) -> Function {
    Function {
        this_param: None,
        params: params.into_iter().map(Param::from).collect(),
        decorators: vec![],
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        body: Some(FunctionBody {
            span: DUMMY_SP,
            stmts,
        }),
        is_generator,
        is_async: false,
        type_params: None,
        return_type: None,
    }
}

/// Takes an arrow's body as statements (`x => e` gives `return e;`).
pub fn take_arrow_body(a: &mut ArrowExpr) -> Vec<Stmt> {
    match std::mem::replace(&mut *a.body, ArrowFunctionBody::Expr(undefined())) {
        ArrowFunctionBody::FunctionBody(b) => b.stmts,
        ArrowFunctionBody::Expr(e) => vec![Stmt::Return(ReturnStmt {
            span: DUMMY_SP,
            arg: Some(e),
        })],
    }
}

/// The bindings a pattern declares.
pub fn pattern_bindings(p: &Pat, out: &mut Vec<Id>) {
    struct C<'a>(&'a mut Vec<Id>);
    impl swc_ecma_visit::Visit for C<'_> {
        fn visit_binding_ident(&mut self, b: &BindingIdent) {
            self.0.push(b.id.to_id());
        }
        fn visit_expr(&mut self, _: &Expr) {}
        fn visit_prop_name(&mut self, _: &PropName) {}
    }
    swc_ecma_visit::VisitWith::visit_with(p, &mut C(out));
}

/// `var` bindings of a function body (not of nested functions).
pub fn collect_vars(stmts: &[Stmt], out: &mut Vec<Id>) {
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

/// Function declarations in blocks nested in a function body (not in nested
/// functions), each with whether it is in a loop: in sloppy code (Annex B)
/// each is also a variable of the function, as SWC's resolver binds it.
pub fn collect_block_functions(stmts: &[Stmt], out: &mut Vec<(Id, bool)>) {
    struct C<'a>(&'a mut Vec<(Id, bool)>, bool);
    impl C<'_> {
        fn in_loop<N: VisitWith<Self>>(&mut self, body: &N) {
            let was = std::mem::replace(&mut self.1, true);
            body.visit_with(self);
            self.1 = was;
        }
    }
    impl Visit for C<'_> {
        fn visit_fn_decl(&mut self, f: &FnDecl) {
            self.0.push((f.ident.to_id(), self.1));
        }
        fn visit_for_stmt(&mut self, s: &ForStmt) {
            self.in_loop(&s.body);
        }
        fn visit_for_in_stmt(&mut self, s: &ForInStmt) {
            self.in_loop(&s.body);
        }
        fn visit_for_of_stmt(&mut self, s: &ForOfStmt) {
            self.in_loop(&s.body);
        }
        fn visit_while_stmt(&mut self, s: &WhileStmt) {
            self.in_loop(&s.body);
        }
        fn visit_do_while_stmt(&mut self, s: &DoWhileStmt) {
            self.in_loop(&s.body);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
        fn visit_expr(&mut self, _: &Expr) {}
    }
    for s in stmts {
        if !matches!(s, Stmt::Decl(Decl::Fn(_))) {
            s.visit_children_with(&mut C(out, false));
        }
    }
}

/// let/const/class/function bindings declared directly in a statement list.
pub fn collect_lexical(stmts: &[Stmt], out: &mut Vec<Id>) {
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

pub fn block(stmts: Vec<Stmt>) -> Stmt {
    Stmt::Block(BlockStmt {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        stmts,
    })
}

pub fn try_stmt(
    block_stmt: Stmt,
    handler: Option<(String, Vec<Stmt>)>,
    finalizer: Option<Vec<Stmt>>,
) -> Stmt {
    let Stmt::Block(block_stmt) = block_stmt else {
        unreachable!("a block")
    };
    Stmt::Try(Box::new(TryStmt {
        span: DUMMY_SP,
        block: block_stmt,
        handler: handler.map(|(param, stmts)| CatchClause {
            span: DUMMY_SP,
            param: Some(binding(&param)),
            body: BlockStmt {
                span: DUMMY_SP,
                ctxt: SyntaxContext::empty(),
                stmts,
            },
        }),
        finalizer: finalizer.map(|stmts| BlockStmt {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            stmts,
        }),
    }))
}

pub fn simple_ident_target(name: &str) -> AssignTarget {
    AssignTarget::Simple(SimpleAssignTarget::Ident(BindingIdent {
        id: ident(name),
        type_ann: None,
    }))
}

pub fn not(e: Box<Expr>) -> Expr {
    Expr::Unary(UnaryExpr {
        span: DUMMY_SP,
        op: UnaryOp::Bang,
        arg: e,
    })
}

/// `const $$sA = $$e, $$sB = $$sA["^"], ...` for the chain, innermost first.
pub fn chain_prologue(env: &[String]) -> Vec<Stmt> {
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

pub fn simple_target(e: Box<Expr>) -> AssignTarget {
    AssignTarget::try_from(e).expect("a member expression is an assignment target")
}

pub fn seq(exprs: Vec<Box<Expr>>) -> Box<Expr> {
    if exprs.len() == 1 {
        return exprs.into_iter().next().expect("one");
    }
    Box::new(Expr::Seq(SeqExpr {
        span: DUMMY_SP,
        exprs,
    }))
}

/// Words that cannot name a binding in any mode (swc's sets), and `await`.
pub fn is_reserved(name: &str) -> bool {
    let word = IdentName::new(name.into(), DUMMY_SP);
    word.is_reserved()
        || word.is_reserved_in_strict_mode(false)
        || word.is_reserved_in_strict_bind()
        || name == "await"
}

pub fn dummy_function() -> Function {
    Function {
        body: None,
        ..function(vec![], vec![], false)
    }
}

pub fn dummy_arrow() -> ArrowExpr {
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

pub fn uses_super<N: VisitWith<SuperFinder>>(n: &N) -> bool {
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

/// Whether `node` calls `eval` directly (the code it runs names the
/// bindings around it by name).
pub fn calls_eval<N: VisitWith<EvalCalls> + ?Sized>(node: &N) -> bool {
    let mut f = EvalCalls(false);
    node.visit_with(&mut f);
    f.0
}

pub struct EvalCalls(bool);

impl Visit for EvalCalls {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        c.visit_children_with(self);
        self.0 |= matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "eval"));
    }
}

/// Renames every identifier with one of these names (`to` gives the new
/// name), keeping property keys; with `own_only`, not inside nested
/// non-arrow functions.
pub struct Rename<'a> {
    pub names: &'a HashSet<String>,
    pub to: &'a dyn Fn(&str) -> String,
    pub own_only: bool,
}

impl<'a> Rename<'a> {
    pub fn all(names: &'a HashSet<String>, to: &'a dyn Fn(&str) -> String) -> Self {
        Rename {
            names,
            to,
            own_only: false,
        }
    }
}

impl VisitMut for Rename<'_> {
    fn visit_mut_function(&mut self, f: &mut Function) {
        if !self.own_only {
            f.visit_mut_children_with(self);
        }
    }

    fn visit_mut_constructor(&mut self, c: &mut Constructor) {
        if !self.own_only {
            c.visit_mut_children_with(self);
        }
    }

    fn visit_mut_ident(&mut self, i: &mut Ident) {
        if self.names.contains(&*i.sym) {
            i.sym = (self.to)(&i.sym).into();
        }
    }

    fn visit_mut_prop(&mut self, p: &mut Prop) {
        if let Prop::Shorthand(i) = p {
            if self.names.contains(&*i.sym) {
                let key = PropName::Ident(IdentName::new(i.sym.clone(), DUMMY_SP));
                let mut value = i.clone();
                value.visit_mut_with(self);
                *p = Prop::KeyValue(KeyValueProp {
                    key,
                    value: Box::new(Expr::Ident(value)),
                });
                return;
            }
        }
        p.visit_mut_children_with(self);
    }

    fn visit_mut_object_pat_prop(&mut self, p: &mut ObjectPatProp) {
        if let ObjectPatProp::Assign(a) = p {
            if self.names.contains(&*a.key.id.sym) {
                let key = PropName::Ident(IdentName::new(a.key.id.sym.clone(), DUMMY_SP));
                let mut target = a.key.clone();
                target.visit_mut_with(self);
                let mut value = Box::new(Pat::Ident(target));
                if let Some(default) = a.value.take() {
                    let mut right = default;
                    right.visit_mut_with(self);
                    value = Box::new(Pat::Assign(AssignPat {
                        span: DUMMY_SP,
                        left: value,
                        right,
                    }));
                }
                *p = ObjectPatProp::KeyValue(KeyValuePatProp { key, value });
                return;
            }
        }
        p.visit_mut_children_with(self);
    }
}
