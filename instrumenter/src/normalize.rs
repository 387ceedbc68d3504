//! Normalization of one function body, so that its frame can be captured at
//! any call and re-entered there:
//!
//! - every local is declared once, at the top of the function (block-scoped
//!   names that clash are renamed); declarations become assignments;
//! - every call sits in a *site* statement of its own, `$$Lk: x = f(a)`,
//!   `$$Lk: f(a)` or `$$Lk: return f(a)`, whose callee and arguments contain
//!   no calls; whatever was evaluated before the call is kept in temporaries,
//!   so the order of evaluation does not change;
//! - `for-of`/`for-in` iterate through library state objects (a native
//!   iterator's position cannot be captured);
//! - loops start with a yield point, `$$Lk: <yield>`.
//!
//! Shapes not handled yet return `Unsupported`; the caller then leaves the
//! function as it is and holds captures off while it runs.

use std::collections::{HashMap, HashSet};

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::ast::*;

/// A construct the normalization does not handle (yet).
#[derive(Debug)]
pub struct Unsupported(pub &'static str);

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

/// The label marking a yield point.
pub const YIELD_MARK: &str = "$$yield";

pub fn site_label(k: usize) -> String {
    format!("$$L{k}")
}

pub fn function_body(params: &[Pat], stmts: Vec<Stmt>) -> Result<Normalized, Unsupported> {
    let mut n = Normalizer {
        sites: 1, // 0 is the entry yield point
        ..Default::default()
    };
    let mut declared = Vec::new();
    for p in params {
        pattern_bindings(p, &mut declared);
    }
    let params_syms: HashSet<Id> = declared.iter().cloned().collect();
    let mut body_decls = Vec::new();
    collect_declarations(&stmts, &mut body_decls);
    declared.extend(body_decls.iter().cloned());
    let declared_set: HashSet<Id> = declared.iter().cloned().collect();
    let free = free_names(&stmts, &declared_set);
    n.plan_names(&declared, &params_syms, &free);
    let mut stmts = stmts;
    stmts.visit_mut_with(&mut TdzGuard {
        lexical: bindings_of_kind(&stmts, &[VarDeclKind::Let, VarDeclKind::Const]),
        declared: HashSet::new(),
    });
    stmts.visit_mut_with(&mut ConstGuard(bindings_of_kind(
        &stmts,
        &[VarDeclKind::Const],
    )));
    stmts.visit_mut_with(&mut Renamer(&n.rename));
    let mut out = Vec::new();
    for s in stmts {
        n.stmt(s, &mut out)?;
    }
    let mut locals: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for id in &body_decls {
        if params_syms.contains(id) {
            continue;
        }
        let name = n
            .rename
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.0.to_string());
        if seen.insert(name.clone()) {
            locals.push(name);
        }
    }
    locals.extend(n.temps_declared.iter().cloned());
    Ok(Normalized {
        live: still_read(&out, n.live),
        body: out,
        locals,
    })
}

/// Narrows each temporary's sites to those where it is still read: at or
/// after the site in the text, or anywhere in a loop that holds the site
/// (the next turn reads it).
fn still_read(body: &[Stmt], live: HashMap<String, Vec<usize>>) -> HashMap<String, Vec<usize>> {
    #[derive(Default)]
    struct Reads {
        pos: usize,
        loops: Vec<usize>,
        next_loop: usize,
        /// Site -> (position, enclosing loops).
        sites: HashMap<usize, (usize, Vec<usize>)>,
        /// Site -> the temporary it assigns (its call's result, not needed before).
        assigns: HashMap<usize, String>,
        /// Temporary -> (position, enclosing loops) of each read.
        reads: HashMap<String, Vec<(usize, Vec<usize>)>>,
    }
    impl Reads {
        fn in_loop(&mut self, f: impl FnOnce(&mut Self)) {
            self.loops.push(self.next_loop);
            self.next_loop += 1;
            f(self);
            self.loops.pop();
        }
    }
    impl Visit for Reads {
        fn visit_labeled_stmt(&mut self, l: &LabeledStmt) {
            let Some(k) = l.label.sym.strip_prefix("$$L").and_then(|k| k.parse().ok()) else {
                return l.body.visit_with(self);
            };
            // The call's callee and operands are read before the site (a
            // re-entered frame does not evaluate them again); an assigned
            // member's object and key after it.
            let site = |r: &mut Self| {
                r.pos += 1;
                r.sites.insert(k, (r.pos, r.loops.clone()));
            };
            match &*l.body {
                Stmt::Expr(e) => match &*e.expr {
                    Expr::Assign(a) => {
                        a.right.visit_with(self);
                        site(self);
                        match &a.left {
                            AssignTarget::Simple(SimpleAssignTarget::Ident(b)) => {
                                self.assigns.insert(k, b.id.sym.to_string());
                            }
                            left => left.visit_with(self),
                        }
                    }
                    call => {
                        call.visit_with(self);
                        site(self);
                    }
                },
                Stmt::Return(r) => {
                    r.arg.visit_with(self);
                    site(self);
                }
                other => {
                    site(self);
                    other.visit_with(self);
                }
            }
        }
        fn visit_while_stmt(&mut self, s: &WhileStmt) {
            self.in_loop(|r| s.visit_children_with(r));
        }
        fn visit_do_while_stmt(&mut self, s: &DoWhileStmt) {
            self.in_loop(|r| s.visit_children_with(r));
        }
        fn visit_for_stmt(&mut self, s: &ForStmt) {
            self.in_loop(|r| s.visit_children_with(r));
        }
        fn visit_assign_expr(&mut self, a: &AssignExpr) {
            // Writing a temporary is not reading it.
            if !matches!(&a.left, AssignTarget::Simple(SimpleAssignTarget::Ident(_))) {
                a.left.visit_with(self);
            }
            a.right.visit_with(self);
        }
        fn visit_ident(&mut self, i: &Ident) {
            if i.sym.starts_with("$$t") {
                self.pos += 1;
                let at = (self.pos, self.loops.clone());
                self.reads.entry(i.sym.to_string()).or_default().push(at);
            }
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut r = Reads::default();
    body.visit_with(&mut r);
    live.into_iter()
        .map(|(temp, sites)| {
            let reads = r.reads.get(&temp).map(Vec::as_slice).unwrap_or(&[]);
            let sites = sites
                .into_iter()
                .filter(|k| {
                    if r.assigns.get(k) == Some(&temp) {
                        return false;
                    }
                    let Some((at, loops)) = r.sites.get(k) else {
                        return true;
                    };
                    reads.iter().any(|(pos, read_loops)| {
                        // (The site statement's own reads come after its label.)
                        *pos > *at || loops.iter().any(|l| read_loops.contains(l))
                    })
                })
                .collect();
            (temp, sites)
        })
        .collect()
}

#[derive(Default)]
struct Normalizer {
    rename: HashMap<Id, String>,
    temps: usize,
    temps_declared: Vec<String>,
    sites: usize,
    /// Temporaries of the statements being normalized.
    open: Vec<String>,
    live: HashMap<String, Vec<usize>>,
}

/// Names read in the body that are not declared in it (globals).
fn free_names(stmts: &[Stmt], declared: &HashSet<Id>) -> HashSet<String> {
    struct F<'a>(&'a HashSet<Id>, HashSet<String>);
    impl Visit for F<'_> {
        fn visit_ident(&mut self, i: &Ident) {
            if !self.0.contains(&i.to_id()) {
                self.1.insert(i.sym.to_string());
            }
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut f = F(declared, HashSet::new());
    stmts.visit_with(&mut f);
    f.1
}

/// Bindings of these kinds declared in the body.
fn bindings_of_kind(stmts: &[Stmt], kinds: &[VarDeclKind]) -> HashSet<Id> {
    struct C<'a>(HashSet<Id>, &'a [VarDeclKind]);
    impl Visit for C<'_> {
        fn visit_var_decl(&mut self, v: &VarDecl) {
            if self.1.contains(&v.kind) {
                let mut ids = Vec::new();
                for d in &v.decls {
                    pattern_bindings(&d.name, &mut ids);
                }
                self.0.extend(ids);
            }
            v.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut c = C(HashSet::new(), kinds);
    stmts.visit_with(&mut c);
    c.0
}

/// Hoisted, a block-scoped local would read as `undefined` before its
/// declaration. A use that comes before the declaration in the text (in
/// this function, outside nested ones) always runs in its temporal dead
/// zone: it throws the ReferenceError it would (an assignment after
/// evaluating its value). Uses from nested functions are not checked.
struct TdzGuard {
    lexical: HashSet<Id>,
    declared: HashSet<Id>,
}

impl TdzGuard {
    fn early(&self, i: &Ident) -> bool {
        let id = i.to_id();
        self.lexical.contains(&id) && !self.declared.contains(&id)
    }
}

impl VisitMut for TdzGuard {
    fn visit_mut_var_decl(&mut self, v: &mut VarDecl) {
        for d in &mut v.decls {
            d.init.visit_mut_with(self);
            let mut ids = Vec::new();
            pattern_bindings(&d.name, &mut ids);
            self.declared.extend(ids);
        }
    }
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        let dead = match e {
            Expr::Ident(i) if self.early(i) => Some((i.sym.clone(), None)),
            Expr::Update(UpdateExpr { arg, .. }) if matches!(&**arg, Expr::Ident(i) if self.early(i)) =>
            {
                let Expr::Ident(i) = &**arg else {
                    unreachable!()
                };
                Some((i.sym.clone(), None))
            }
            // `x = v` evaluates v first; `x += v` reads x first.
            Expr::Assign(AssignExpr {
                left: AssignTarget::Simple(SimpleAssignTarget::Ident(b)),
                right,
                op,
                ..
            }) if self.early(&b.id) => {
                let value = (*op == AssignOp::Assign).then(|| {
                    right.visit_mut_with(self);
                    std::mem::replace(right, undefined())
                });
                Some((b.id.sym.clone(), value))
            }
            _ => None,
        };
        match dead {
            None => e.visit_mut_children_with(self),
            Some((name, value)) => {
                let throw = lib_call("tdz", vec![str_lit(&name)]);
                *e = match value {
                    Some(v) => Expr::Seq(SeqExpr {
                        span: DUMMY_SP,
                        exprs: vec![v, throw],
                    }),
                    None => *throw,
                };
            }
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

/// Constants become plain locals when hoisted; assigning one still throws
/// the TypeError it would (after evaluating the value, as the engine does).
struct ConstGuard(HashSet<Id>);

impl VisitMut for ConstGuard {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        e.visit_mut_children_with(self);
        let target = match e {
            Expr::Assign(AssignExpr {
                left: AssignTarget::Simple(SimpleAssignTarget::Ident(b)),
                ..
            }) => Some(b.id.clone()),
            Expr::Update(UpdateExpr { arg, .. }) => match &**arg {
                Expr::Ident(i) => Some(i.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(id) = target.filter(|i| self.0.contains(&i.to_id())) else {
            return;
        };
        let value = match e {
            Expr::Assign(a) => std::mem::replace(&mut a.right, undefined()),
            _ => undefined(),
        };
        *e = Expr::Seq(SeqExpr {
            span: DUMMY_SP,
            exprs: vec![value, lib_call("constAssign", vec![str_lit(&id.sym)])],
        });
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

/// `continue` for one loop (unlabeled at its own depth, or with its label)
/// becomes `break` out of the labeled block that ends its body.
struct ContinueToBreak {
    label: Option<String>,
    to: Ident,
    /// Loops entered inside the body (an unlabeled `continue` there is theirs).
    depth: usize,
}

impl VisitMut for ContinueToBreak {
    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        match s {
            Stmt::Continue(c) => {
                let ours = match &c.label {
                    None => self.depth == 0,
                    Some(l) => self.label.as_deref() == Some(&*l.sym),
                };
                if ours {
                    *s = Stmt::Break(BreakStmt {
                        span: DUMMY_SP,
                        label: Some(self.to.clone()),
                    });
                }
            }
            Stmt::For(_) | Stmt::ForIn(_) | Stmt::ForOf(_) | Stmt::While(_) | Stmt::DoWhile(_) => {
                self.depth += 1;
                s.visit_mut_children_with(self);
                self.depth -= 1;
            }
            _ => s.visit_mut_children_with(self),
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
}

/// Renames clashing locals to their planned names.
struct Renamer<'a>(&'a HashMap<Id, String>);

impl VisitMut for Renamer<'_> {
    fn visit_mut_ident(&mut self, i: &mut Ident) {
        if let Some(n) = self.0.get(&i.to_id()) {
            i.sym = n.as_str().into();
            i.ctxt = SyntaxContext::empty();
        }
    }
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_class(&mut self, _: &mut Class) {}
    fn visit_mut_member_prop(&mut self, p: &mut MemberProp) {
        if let MemberProp::Computed(c) = p {
            c.visit_mut_with(self);
        }
    }
    fn visit_mut_prop_name(&mut self, p: &mut PropName) {
        if let PropName::Computed(c) = p {
            c.visit_mut_with(self);
        }
    }
    fn visit_mut_prop(&mut self, p: &mut Prop) {
        if let Prop::Shorthand(i) = p {
            if let Some(n) = self.0.get(&i.to_id()) {
                *p = Prop::KeyValue(KeyValueProp {
                    key: PropName::Ident(IdentName::new(i.sym.clone(), DUMMY_SP)),
                    value: ident_expr(n),
                });
            }
            return;
        }
        p.visit_mut_children_with(self);
    }
}

impl Normalizer {
    /// Bindings with the same name but different scopes get distinct names,
    /// and so do locals named like a global the body reads (hoisting a block's
    /// `let x` must not capture a global `x` read elsewhere).
    fn plan_names(&mut self, declared: &[Id], params: &HashSet<Id>, free: &HashSet<String>) {
        let mut by_name: HashMap<&str, Vec<&Id>> = HashMap::new();
        for id in declared {
            let list = by_name.entry(&*id.0).or_default();
            if !list.contains(&id) {
                list.push(id);
            }
        }
        for (name, ids) in by_name {
            let shadows_free = free.contains(name);
            if ids.len() < 2 && !shadows_free {
                continue;
            }
            // Parameters keep their names (they are the function's parameters).
            for (i, id) in ids.iter().enumerate() {
                let keep_first = i == 0 && !shadows_free && !ids.iter().any(|x| params.contains(x));
                if params.contains(id) || keep_first {
                    continue;
                }
                self.rename.insert((*id).clone(), format!("{name}$${i}"));
            }
        }
    }

    fn temp(&mut self) -> String {
        let name = format!("$$t{}", self.temps);
        self.temps += 1;
        self.temps_declared.push(name.clone());
        self.open.push(name.clone());
        self.live.entry(name.clone()).or_default();
        name
    }

    fn next_site(&mut self) -> usize {
        let k = self.sites;
        self.sites += 1;
        for t in &self.open {
            self.live.get_mut(t).expect("declared").push(k);
        }
        k
    }

    fn site(&mut self, body: Stmt, out: &mut Vec<Stmt>) {
        let k = self.next_site();
        out.push(Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: ident(&site_label(k)),
            body: Box::new(body),
        }));
    }

    /// A yield point: `$$Lk: $$yield: ;` (expanded when the body is emitted).
    fn yield_point(&mut self) -> Stmt {
        let k = self.next_site();
        Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: ident(&site_label(k)),
            body: Box::new(Stmt::Labeled(LabeledStmt {
                span: DUMMY_SP,
                label: ident(YIELD_MARK),
                body: Box::new(Stmt::Empty(EmptyStmt { span: DUMMY_SP })),
            })),
        })
    }

    /// A statement (a block's statements one by one) normalized into `out`.
    fn flatten_into(&mut self, s: Stmt, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        match s {
            Stmt::Block(b) => b.stmts.into_iter().try_for_each(|s| self.stmt(s, out)),
            other => self.stmt(other, out),
        }
    }

    fn block(&mut self, s: Stmt) -> Result<Stmt, Unsupported> {
        let mut out = Vec::new();
        self.flatten_into(s, &mut out)?;
        Ok(block(out))
    }

    fn loop_body(&mut self, s: Stmt, head: Vec<Stmt>) -> Result<Stmt, Unsupported> {
        let mut out = vec![self.yield_point()];
        out.extend(head);
        self.flatten_into(s, &mut out)?;
        Ok(block(out))
    }

    fn stmt(&mut self, s: Stmt, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        let open = self.open.len();
        let result = self.stmt_inner(s, out);
        self.open.truncate(open);
        result
    }

    fn stmt_inner(&mut self, s: Stmt, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        match s {
            Stmt::Expr(e) => self.expr_stmt(*e.expr, out),
            Stmt::Return(r) => {
                match r.arg {
                    Some(arg) if is_site_call(&arg) => {
                        let call = self.call_operands(*arg, out)?;
                        self.site(
                            Stmt::Return(ReturnStmt {
                                span: DUMMY_SP,
                                arg: Some(Box::new(call)),
                            }),
                            out,
                        );
                    }
                    Some(arg) => {
                        let v = self.expr(*arg, out)?;
                        out.push(Stmt::Return(ReturnStmt {
                            span: DUMMY_SP,
                            arg: Some(Box::new(v)),
                        }));
                    }
                    None => out.push(Stmt::Return(r)),
                }
                Ok(())
            }
            Stmt::Throw(t) => {
                let v = self.expr(*t.arg, out)?;
                out.push(Stmt::Throw(ThrowStmt {
                    span: DUMMY_SP,
                    arg: Box::new(v),
                }));
                Ok(())
            }
            Stmt::Decl(Decl::Var(v)) => self.var_decl(*v, out),
            Stmt::Decl(_) => Err(Unsupported("a declaration left after closure conversion")),
            Stmt::Block(b) => {
                let mut inner = Vec::new();
                for s in b.stmts {
                    self.stmt(s, &mut inner)?;
                }
                out.push(block(inner));
                Ok(())
            }
            Stmt::If(i) => {
                let test = self.expr(*i.test, out)?;
                let cons = self.block(*i.cons)?;
                let alt = match i.alt {
                    Some(a) => Some(Box::new(self.block(*a)?)),
                    None => None,
                };
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(cons),
                    alt,
                }));
                Ok(())
            }
            Stmt::While(w) => self.while_loop(None, *w.test, *w.body, out),
            Stmt::DoWhile(d) => {
                if contains_call(&d.test) {
                    return Err(Unsupported("a call in a do-while test"));
                }
                let body = self.loop_body(*d.body, vec![])?;
                out.push(Stmt::DoWhile(DoWhileStmt {
                    span: DUMMY_SP,
                    test: d.test,
                    body: Box::new(body),
                }));
                Ok(())
            }
            Stmt::For(f) => self.for_loop(None, f, out),
            Stmt::ForOf(f) => {
                self.for_each(None, f.left, *f.right, *f.body, "iterOf", f.is_await, out)
            }
            Stmt::ForIn(f) => self.for_each(None, f.left, *f.right, *f.body, "iterIn", false, out),
            Stmt::Labeled(l) => match *l.body {
                Stmt::While(w) => self.while_loop(Some(l.label), *w.test, *w.body, out),
                Stmt::For(f) => self.for_loop(Some(l.label), f, out),
                Stmt::ForOf(f) => self.for_each(
                    Some(l.label),
                    f.left,
                    *f.right,
                    *f.body,
                    "iterOf",
                    f.is_await,
                    out,
                ),
                Stmt::ForIn(f) => self.for_each(
                    Some(l.label),
                    f.left,
                    *f.right,
                    *f.body,
                    "iterIn",
                    false,
                    out,
                ),
                body => {
                    let mut inner = Vec::new();
                    self.stmt(body, &mut inner)?;
                    out.push(Stmt::Labeled(LabeledStmt {
                        span: DUMMY_SP,
                        label: l.label,
                        body: Box::new(block(inner)),
                    }));
                    Ok(())
                }
            },
            Stmt::Switch(sw) => {
                let disc = self.expr(*sw.discriminant, out)?;
                let mut cases = Vec::new();
                for c in sw.cases {
                    if c.test.as_ref().is_some_and(contains_call) {
                        return Err(Unsupported("a call in a case test"));
                    }
                    let mut cons = Vec::new();
                    for s in c.cons {
                        self.stmt(s, &mut cons)?;
                    }
                    cases.push(SwitchCase {
                        span: DUMMY_SP,
                        test: c.test,
                        cons,
                    });
                }
                out.push(Stmt::Switch(SwitchStmt {
                    span: DUMMY_SP,
                    body_ctxt: SyntaxContext::empty(),
                    discriminant: Box::new(disc),
                    cases,
                }));
                Ok(())
            }
            Stmt::Try(t) => {
                let block_stmt = self.block(Stmt::Block(t.block))?;
                let handler = match t.handler {
                    Some(h) => {
                        let param = self.temp();
                        let mut body = Vec::new();
                        if let Some(p) = h.param {
                            let target = AssignTarget::try_from(p)
                                .map_err(|_| Unsupported("a catch pattern"))?;
                            body.push(expr_stmt(assign(target, ident_expr(&param))));
                        }
                        for s in h.body.stmts {
                            self.stmt(s, &mut body)?;
                        }
                        Some((param, body))
                    }
                    None => None,
                };
                // A finally block runs for any completion; re-entering it would
                // need that completion, so it is left as it is and `frames`
                // holds captures off while it runs. (So a generator cannot
                // be suspended in one and still be captured.)
                if t.finalizer.as_ref().is_some_and(contains_yield) {
                    return Err(Unsupported("a yield in a finally block"));
                }
                let finalizer = t.finalizer.map(|f| f.stmts);
                out.push(try_stmt(block_stmt, handler, finalizer));
                Ok(())
            }
            Stmt::Empty(_) | Stmt::Break(_) | Stmt::Continue(_) | Stmt::Debugger(_) => {
                out.push(s);
                Ok(())
            }
            Stmt::With(_) => Err(Unsupported("with")),
        }
    }

    fn var_decl(&mut self, v: VarDecl, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        for d in v.decls {
            match d.init {
                Some(init) => {
                    let target = AssignTarget::try_from(d.name)
                        .map_err(|_| Unsupported("a declaration pattern"))?;
                    self.assign_stmt(target, *init, out)?;
                }
                // `let x;` starts undefined on each entry; `var x;` keeps its value.
                None if v.kind != VarDeclKind::Var => {
                    let target = AssignTarget::try_from(d.name)
                        .map_err(|_| Unsupported("a declaration pattern"))?;
                    out.push(expr_stmt(assign(target, undefined())));
                }
                None => {}
            }
        }
        Ok(())
    }

    fn expr_stmt(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Result<(), Unsupported> {
        match e {
            Expr::Assign(a) if a.op == AssignOp::Assign => self.assign_stmt(a.left, *a.right, out),
            e if is_site_call(&e) => {
                let call = self.call_operands(e, out)?;
                self.site(expr_stmt(Box::new(call)), out);
                Ok(())
            }
            Expr::Seq(s) => {
                for e in s.exprs {
                    self.expr_stmt(*e, out)?;
                }
                Ok(())
            }
            e => {
                let v = self.expr(e, out)?;
                if !is_pure(&v) {
                    out.push(expr_stmt(Box::new(v)));
                }
                Ok(())
            }
        }
    }

    /// `target = value` as a statement; a call on the right is the site itself
    /// when the target is a plain name or a member of a stable object.
    fn assign_stmt(
        &mut self,
        target: AssignTarget,
        value: Expr,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let value_calls = contains_call(&value);
        let target = self.target(target, value_calls, out)?;
        if is_site_call(&value) {
            let call = self.call_operands(value, out)?;
            self.site(expr_stmt(assign(target, Box::new(call))), out);
        } else {
            let v = self.expr(value, out)?;
            out.push(expr_stmt(assign(target, Box::new(v))));
        }
        Ok(())
    }

    /// An assignment target whose parts are evaluated (into temporaries when a
    /// call follows) before the value.
    fn target(
        &mut self,
        target: AssignTarget,
        call_follows: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<AssignTarget, Unsupported> {
        match target {
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => {
                let m = self.member(m, call_follows, out)?;
                Ok(AssignTarget::Simple(SimpleAssignTarget::Member(m)))
            }
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => {
                Ok(AssignTarget::Simple(SimpleAssignTarget::Ident(i)))
            }
            AssignTarget::Pat(p) => {
                if contains_call(&p) {
                    return Err(Unsupported("a call inside a destructuring pattern"));
                }
                Ok(AssignTarget::Pat(p))
            }
            _ => Err(Unsupported("an assignment target")),
        }
    }

    /// A member expression with its object (and computed key) evaluated; kept
    /// in temporaries when something with a call follows.
    fn member(
        &mut self,
        m: MemberExpr,
        call_follows: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<MemberExpr, Unsupported> {
        let key_calls = matches!(&m.prop, MemberProp::Computed(c) if contains_call(&c.expr));
        let mut obj = self.expr(*m.obj, out)?;
        if (call_follows || key_calls) && !is_stable(&obj) {
            obj = self.spill(obj, out);
        }
        let prop = match m.prop {
            MemberProp::Computed(c) => {
                let mut k = self.expr(*c.expr, out)?;
                if call_follows && !is_stable(&k) {
                    k = self.spill(k, out);
                }
                MemberProp::Computed(ComputedPropName {
                    span: DUMMY_SP,
                    expr: Box::new(k),
                })
            }
            p => p,
        };
        Ok(MemberExpr {
            span: DUMMY_SP,
            obj: Box::new(obj),
            prop,
        })
    }

    fn spill(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Expr {
        let t = self.temp();
        out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(e))));
        *ident_expr(&t)
    }

    /// The call with its callee and arguments evaluated, ready to be a site.
    fn call_operands(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Result<Expr, Unsupported> {
        match e {
            Expr::Call(c) => {
                let arg_calls: Vec<bool> = c.args.iter().map(|a| contains_call(&a.expr)).collect();
                let any_arg_call = arg_calls.iter().any(|x| *x);
                let callee = match c.callee {
                    Callee::Expr(callee) => Callee::Expr(Box::new(match *callee {
                        Expr::Member(m) => Expr::Member(self.member(m, any_arg_call, out)?),
                        Expr::Paren(ParenExpr { expr, .. })
                            if matches!(&*expr, Expr::Member(_)) =>
                        {
                            // `(a.b)(x)` keeps `this`, like `a.b(x)`.
                            let Expr::Member(m) = *expr else {
                                unreachable!()
                            };
                            Expr::Member(self.member(m, any_arg_call, out)?)
                        }
                        other => {
                            let v = self.expr(other, out)?;
                            if any_arg_call && !is_stable(&v) {
                                self.spill(v, out)
                            } else {
                                v
                            }
                        }
                    })),
                    Callee::Super(_) | Callee::Import(_) => {
                        return Err(Unsupported("super() or import()"))
                    }
                };
                let args = self.operands(
                    c.args.into_iter().map(|a| (a.spread, *a.expr)).collect(),
                    out,
                )?;
                Ok(Expr::Call(CallExpr {
                    span: DUMMY_SP,
                    ctxt: SyntaxContext::empty(),
                    callee,
                    args: to_args(args),
                    type_args: None,
                }))
            }
            Expr::Paren(p) => self.call_operands(*p.expr, out),
            // A generator's `yield v` is a site: its frame is recorded there.
            // The operand is yielded again for each look (see `frames`), so
            // anything that could read differently is evaluated once.
            Expr::Yield(y) => {
                let arg = match y.arg {
                    Some(a) => {
                        let v = self.expr(*a, out)?;
                        Some(Box::new(if is_pure(&v) { v } else { self.spill(v, out) }))
                    }
                    None => None,
                };
                Ok(Expr::Yield(YieldExpr {
                    span: DUMMY_SP,
                    arg,
                    delegate: false,
                }))
            }
            // Its only call is the chain's own (see `is_site_call`).
            e @ Expr::OptChain(_) => Ok(e),
            _ => Err(Unsupported("not a call")),
        }
    }

    /// Operands evaluated left to right; an operand is kept in a temporary
    /// when a later one contains a call (which could change it).
    fn operands(
        &mut self,
        items: Vec<(Option<swc_common::Span>, Expr)>,
        out: &mut Vec<Stmt>,
    ) -> Result<Vec<(Option<swc_common::Span>, Expr)>, Unsupported> {
        let calls: Vec<bool> = items.iter().map(|(_, e)| contains_call(e)).collect();
        let mut result = Vec::with_capacity(items.len());
        for (i, (spread, e)) in items.into_iter().enumerate() {
            let mut v = self.expr(e, out)?;
            let later_call = calls[i + 1..].iter().any(|c| *c);
            if later_call && (!is_stable(&v) || spread.is_some()) {
                v = self.spill(v, out);
            }
            result.push((spread, v));
        }
        Ok(result)
    }

    /// An expression with every call moved into a site before it; returns
    /// what remains (call-free).
    fn expr(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Result<Expr, Unsupported> {
        if !contains_call(&e) {
            return Ok(e);
        }
        match e {
            e if is_site_call(&e) => {
                let call = self.call_operands(e, out)?;
                let t = self.temp();
                self.site(
                    expr_stmt(assign(simple_ident_target(&t), Box::new(call))),
                    out,
                );
                Ok(*ident_expr(&t))
            }
            Expr::Call(c) => {
                // A factory or library call: not a site, but its operands may be.
                let args = self.operands(
                    c.args.into_iter().map(|a| (a.spread, *a.expr)).collect(),
                    out,
                )?;
                Ok(Expr::Call(CallExpr {
                    args: to_args(args),
                    ..c
                }))
            }
            Expr::Paren(p) => self.expr(*p.expr, out),
            Expr::Seq(s) => {
                let n = s.exprs.len();
                let mut last = None;
                for (i, e) in s.exprs.into_iter().enumerate() {
                    if i + 1 == n {
                        last = Some(self.expr(*e, out)?);
                    } else {
                        self.expr_stmt(*e, out)?;
                    }
                }
                Ok(last.expect("a sequence has an expression"))
            }
            Expr::Bin(b)
                if matches!(
                    b.op,
                    BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing
                ) =>
            {
                // `a && f()` -> `t = a; if (t) t = f();`
                let t = self.temp();
                let left = self.expr(*b.left, out)?;
                out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(left))));
                let test = match b.op {
                    BinaryOp::LogicalAnd => *ident_expr(&t),
                    BinaryOp::LogicalOr => not(ident_expr(&t)),
                    _ => Expr::Bin(BinExpr {
                        span: DUMMY_SP,
                        op: BinaryOp::EqEq,
                        left: ident_expr(&t),
                        right: null(),
                    }),
                };
                let mut cons = Vec::new();
                self.assign_stmt(simple_ident_target(&t), *b.right, &mut cons)?;
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(block(cons)),
                    alt: None,
                }));
                Ok(*ident_expr(&t))
            }
            Expr::Cond(c) => {
                let t = self.temp();
                let test = self.expr(*c.test, out)?;
                let mut cons = Vec::new();
                self.assign_stmt(simple_ident_target(&t), *c.cons, &mut cons)?;
                let mut alt = Vec::new();
                self.assign_stmt(simple_ident_target(&t), *c.alt, &mut alt)?;
                out.push(Stmt::If(IfStmt {
                    span: DUMMY_SP,
                    test: Box::new(test),
                    cons: Box::new(block(cons)),
                    alt: Some(Box::new(block(alt))),
                }));
                Ok(*ident_expr(&t))
            }
            Expr::Bin(b) => {
                let mut ops = self.operands(vec![(None, *b.left), (None, *b.right)], out)?;
                let right = ops.pop().expect("two").1;
                let left = ops.pop().expect("two").1;
                Ok(Expr::Bin(BinExpr {
                    span: DUMMY_SP,
                    op: b.op,
                    left: Box::new(left),
                    right: Box::new(right),
                }))
            }
            Expr::Unary(u) => {
                if u.op == UnaryOp::Delete {
                    return Err(Unsupported("delete of an expression with a call"));
                }
                let arg = self.expr(*u.arg, out)?;
                Ok(Expr::Unary(UnaryExpr {
                    span: DUMMY_SP,
                    op: u.op,
                    arg: Box::new(arg),
                }))
            }
            Expr::Member(m) => Ok(Expr::Member(self.member(m, false, out)?)),
            Expr::Assign(a) => {
                if a.op != AssignOp::Assign {
                    return self.compound_assign(a, out);
                }
                // `(x = f())` as a value: assign, then read the target back through a temporary.
                let t = self.temp();
                self.assign_stmt(simple_ident_target(&t), *a.right, out)?;
                let target = self.target(a.left, false, out)?;
                out.push(expr_stmt(assign(target, ident_expr(&t))));
                Ok(*ident_expr(&t))
            }
            Expr::Array(a) => {
                let mut items = Vec::new();
                let mut holes = Vec::new();
                for (i, el) in a.elems.into_iter().enumerate() {
                    match el {
                        Some(el) => items.push((el.spread, *el.expr)),
                        None => holes.push(i),
                    }
                }
                if !holes.is_empty() {
                    return Err(Unsupported("an array literal with holes and calls"));
                }
                let items = self.operands(items, out)?;
                Ok(Expr::Array(ArrayLit {
                    span: DUMMY_SP,
                    elems: items
                        .into_iter()
                        .map(|(spread, e)| {
                            Some(ExprOrSpread {
                                spread,
                                expr: Box::new(e),
                            })
                        })
                        .collect(),
                }))
            }
            Expr::Object(o) => {
                // Values (and computed keys) in order; spreads and methods as they are.
                let mut items = Vec::new();
                let mut shapes = Vec::new();
                for p in o.props {
                    match p {
                        PropOrSpread::Spread(s) => {
                            shapes.push(Shape::Spread);
                            items.push((None, *s.expr));
                        }
                        PropOrSpread::Prop(p) => match *p {
                            Prop::KeyValue(kv) => {
                                if let PropName::Computed(c) = &kv.key {
                                    if contains_call(&c.expr) {
                                        return Err(Unsupported("a call in a computed key"));
                                    }
                                }
                                shapes.push(Shape::KeyValue(kv.key));
                                items.push((None, *kv.value));
                            }
                            other => {
                                if contains_call(&other) {
                                    return Err(Unsupported("a call in an object literal member"));
                                }
                                shapes.push(Shape::Other(Box::new(other)));
                            }
                        },
                    }
                }
                let mut values = self.operands(items, out)?.into_iter();
                let props = shapes
                    .into_iter()
                    .map(|shape| match shape {
                        Shape::Spread => PropOrSpread::Spread(SpreadElement {
                            dot3_token: DUMMY_SP,
                            expr: Box::new(values.next().expect("value").1),
                        }),
                        Shape::KeyValue(key) => {
                            PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
                                key,
                                value: Box::new(values.next().expect("value").1),
                            })))
                        }
                        Shape::Other(p) => PropOrSpread::Prop(p),
                    })
                    .collect();
                Ok(Expr::Object(ObjectLit {
                    span: DUMMY_SP,
                    props,
                }))
            }
            Expr::Tpl(t) => {
                let exprs =
                    self.operands(t.exprs.into_iter().map(|e| (None, *e)).collect(), out)?;
                Ok(Expr::Tpl(Tpl {
                    span: DUMMY_SP,
                    exprs: exprs.into_iter().map(|(_, e)| Box::new(e)).collect(),
                    quasis: t.quasis,
                }))
            }
            Expr::New(n) => {
                let arg_calls = n
                    .args
                    .as_ref()
                    .is_some_and(|a| a.iter().any(|a| contains_call(&a.expr)));
                let mut callee = self.expr(*n.callee, out)?;
                if arg_calls && !is_stable(&callee) {
                    callee = self.spill(callee, out);
                }
                let args = match n.args {
                    Some(args) => Some(
                        self.operands(
                            args.into_iter().map(|a| (a.spread, *a.expr)).collect(),
                            out,
                        )?
                        .into_iter()
                        .map(|(spread, e)| ExprOrSpread {
                            spread,
                            expr: Box::new(e),
                        })
                        .collect(),
                    ),
                    None => None,
                };
                Ok(Expr::New(NewExpr {
                    span: DUMMY_SP,
                    ctxt: SyntaxContext::empty(),
                    callee: Box::new(callee),
                    args,
                    type_args: None,
                }))
            }
            Expr::Update(u) => match *u.arg {
                // `counts[f(x)]++`: the key is evaluated first.
                Expr::Member(m) => {
                    let m = self.member(m, false, out)?;
                    Ok(Expr::Update(UpdateExpr {
                        span: DUMMY_SP,
                        op: u.op,
                        prefix: u.prefix,
                        arg: Box::new(Expr::Member(m)),
                    }))
                }
                _ => Err(Unsupported("a call inside an update expression")),
            },
            Expr::OptChain(_) => Err(Unsupported("a call inside an optional chain")),
            Expr::Yield(YieldExpr {
                arg: Some(iterable),
                delegate: true,
                ..
            }) => {
                let iterable = self.expr(*iterable, out)?;
                let state = self.temp();
                out.push(expr_stmt(assign(
                    simple_ident_target(&state),
                    lib_call("delegate", vec![Box::new(iterable)]),
                )));
                for s in crate::delegate::delegation_loop(&state) {
                    self.stmt(s, out)?;
                }
                Ok(*member_expr(ident_expr(&state), "v"))
            }
            Expr::Await(_) => Err(Unsupported("await outside a rewritten async function")),
            _ => Err(Unsupported("an expression with a call")),
        }
    }

    fn compound_assign(&mut self, a: AssignExpr, out: &mut Vec<Stmt>) -> Result<Expr, Unsupported> {
        let op = match a.op.to_update() {
            Some(op)
                if !matches!(
                    op,
                    BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing
                ) =>
            {
                op
            }
            _ => return Err(Unsupported("a logical assignment with a call")),
        };
        // `o.p += f()` -> `t1 = o; t2 = t1.p; t3 = f(); t1.p = t2 + t3`
        let target = self.target(a.left, true, out)?;
        let read = match &target {
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => Expr::Ident(i.id.clone()),
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => Expr::Member(m.clone()),
            _ => return Err(Unsupported("a compound assignment target")),
        };
        let old = self.spill(read, out);
        let value = self.expr(*a.right, out)?;
        let t = self.temp();
        let sum = Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op,
            left: Box::new(old),
            right: Box::new(value),
        });
        out.push(expr_stmt(assign(simple_ident_target(&t), Box::new(sum))));
        out.push(expr_stmt(assign(target, ident_expr(&t))));
        Ok(*ident_expr(&t))
    }

    fn while_loop(
        &mut self,
        label: Option<Ident>,
        test: Expr,
        body: Stmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let (test, head) = if contains_call(&test) {
            // `while (f(x)) body` -> `while (true) { <yield>; t = f(x); if (!t) break; body }`
            let mut head = Vec::new();
            let v = self.expr(test, &mut head)?;
            head.push(break_unless(v));
            (Expr::Lit(Lit::Bool(true.into())), head)
        } else {
            (test, vec![])
        };
        let body = self.loop_body(body, head)?;
        push_labeled(
            out,
            label,
            Stmt::While(WhileStmt {
                span: DUMMY_SP,
                test: Box::new(test),
                body: Box::new(body),
            }),
        );
        Ok(())
    }

    fn for_loop(
        &mut self,
        label: Option<Ident>,
        mut f: ForStmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        match f.init.take() {
            Some(VarDeclOrExpr::VarDecl(v)) => self.var_decl(*v, out)?,
            Some(VarDeclOrExpr::Expr(e)) => self.expr_stmt(*e, out)?,
            None => {}
        }
        if f.test.as_ref().is_some_and(contains_call)
            || f.update.as_ref().is_some_and(contains_call)
        {
            return self.for_loop_with_calls(label, f, out);
        }
        let body = self.loop_body(*f.body, vec![])?;
        push_labeled(
            out,
            label,
            Stmt::For(ForStmt {
                span: DUMMY_SP,
                init: None,
                test: f.test,
                update: f.update,
                body: Box::new(body),
            }),
        );
        Ok(())
    }

    /// `for (; test; update) body` with calls in test or update:
    /// `for (;;) { <yield>; <test>; if (!t) break; $$next: { body } <update> }`,
    /// with the body's `continue`s for this loop turned into `break $$next`.
    fn for_loop_with_calls(
        &mut self,
        label: Option<Ident>,
        f: ForStmt,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        let next = ident(&format!("$$next{}", self.sites));
        let mut body = *f.body;
        body.visit_mut_with(&mut ContinueToBreak {
            label: label.as_ref().map(|l| l.sym.to_string()),
            to: next.clone(),
            depth: 0,
        });
        let mut head = Vec::new();
        if let Some(test) = f.test {
            let v = self.expr(*test, &mut head)?;
            head.push(break_unless(v));
        }
        let mut inner = Vec::new();
        self.stmt(body, &mut inner)?;
        head.push(Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label: next,
            body: Box::new(block(inner)),
        }));
        if let Some(update) = f.update {
            self.expr_stmt(*update, &mut head)?;
        }
        let mut stmts = vec![self.yield_point()];
        stmts.extend(head);
        push_labeled(
            out,
            label,
            Stmt::For(ForStmt {
                span: DUMMY_SP,
                init: None,
                test: None,
                update: None,
                body: Box::new(block(stmts)),
            }),
        );
        Ok(())
    }

    /// `for (x of xs) body` -> `t = $things.iterOf(xs); while (true) { <yield>; if ($things.iterDone(t)) break; x = t.v; body }`
    #[allow(clippy::too_many_arguments)]
    fn for_each(
        &mut self,
        label: Option<Ident>,
        left: ForHead,
        right: Expr,
        body: Stmt,
        start: &str,
        is_await: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<(), Unsupported> {
        if is_await {
            return Err(Unsupported("for await"));
        }
        let iterable = self.expr(right, out)?;
        if let Expr::Ident(t) = &iterable {
            // Read out by `iterOf` at once: not needed by the loop's frames.
            self.open.retain(|o| *o != *t.sym);
        }
        let state = self.temp();
        out.push(expr_stmt(assign(
            simple_ident_target(&state),
            lib_call(start, vec![Box::new(iterable)]),
        )));

        let target = match left {
            ForHead::VarDecl(v) => {
                let d = v
                    .decls
                    .into_iter()
                    .next()
                    .ok_or(Unsupported("an empty for-of head"))?;
                AssignTarget::try_from(d.name).map_err(|_| Unsupported("a for-of pattern"))?
            }
            ForHead::Pat(p) => {
                AssignTarget::try_from(p).map_err(|_| Unsupported("a for-of target"))?
            }
            ForHead::UsingDecl(_) => return Err(Unsupported("using")),
        };
        let done = Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: lib_call("iterDone", vec![ident_expr(&state)]),
            cons: Box::new(Stmt::Break(BreakStmt {
                span: DUMMY_SP,
                label: None,
            })),
            alt: None,
        });
        let mut head = vec![if start == "iterOf" {
            array_step(&state, done)
        } else {
            done
        }];
        self.assign_stmt(target, *member_expr(ident_expr(&state), "v"), &mut head)?;
        let body = self.loop_body(body, head)?;
        let mut looped = Vec::new();
        push_labeled(
            &mut looped,
            label,
            Stmt::While(WhileStmt {
                span: DUMMY_SP,
                test: Box::new(Expr::Lit(Lit::Bool(true.into()))),
                body: Box::new(body),
            }),
        );
        if start == "iterOf" {
            // Leaving early (break, return, throw) closes the iterator, as for-of does.
            let close = vec![expr_stmt(lib_call("iterClose", vec![ident_expr(&state)]))];
            out.push(try_stmt(block(looped), None, Some(close)));
        } else {
            out.extend(looped);
        }
        Ok(())
    }
}

/// Normalized operands back as call arguments.
fn to_args(items: Vec<(Option<swc_common::Span>, Expr)>) -> Vec<ExprOrSpread> {
    items
        .into_iter()
        .map(|(spread, e)| ExprOrSpread {
            spread,
            expr: Box::new(e),
        })
        .collect()
}

/// `if (!v) break;`
fn break_unless(v: Expr) -> Stmt {
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: Box::new(not(Box::new(v))),
        cons: Box::new(Stmt::Break(BreakStmt {
            span: DUMMY_SP,
            label: None,
        })),
        alt: None,
    })
}

/// The step of a for-of over an array, inline (the common case):
/// `if (s.a !== undefined) { if (s.i >= s.a.length) break; s.v = s.a[s.i++]; } else <other>`
fn array_step(state: &str, other: Stmt) -> Stmt {
    let field = |f: &str| member_expr(ident_expr(state), f);
    let brk = || {
        Box::new(Stmt::Break(BreakStmt {
            span: DUMMY_SP,
            label: None,
        }))
    };
    let bin = |op, left, right| {
        Box::new(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op,
            left,
            right,
        }))
    };
    let next = Box::new(Expr::Update(UpdateExpr {
        span: DUMMY_SP,
        op: UpdateOp::PlusPlus,
        prefix: false,
        arg: field("i"),
    }));
    let item = Box::new(Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj: field("a"),
        prop: MemberProp::Computed(ComputedPropName {
            span: DUMMY_SP,
            expr: next,
        }),
    }));
    let array = block(vec![
        Stmt::If(IfStmt {
            span: DUMMY_SP,
            test: bin(
                BinaryOp::GtEq,
                field("i"),
                member_expr(field("a"), "length"),
            ),
            cons: brk(),
            alt: None,
        }),
        expr_stmt(assign(
            AssignTarget::Simple(SimpleAssignTarget::Member(member(ident_expr(state), "v"))),
            item,
        )),
    ]);
    Stmt::If(IfStmt {
        span: DUMMY_SP,
        test: bin(BinaryOp::NotEqEq, field("a"), undefined()),
        cons: Box::new(array),
        alt: Some(Box::new(other)),
    })
}

enum Shape {
    Spread,
    KeyValue(PropName),
    Other(Box<Prop>),
}

fn push_labeled(out: &mut Vec<Stmt>, label: Option<Ident>, s: Stmt) {
    out.push(match label {
        Some(label) => Stmt::Labeled(LabeledStmt {
            span: DUMMY_SP,
            label,
            body: Box::new(s),
        }),
        None => s,
    });
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

/// A call that is a site: anything but calls of factories (`$$fK(...)`) and
/// of the runtime library (`$things.x(...)`), which never capture.
pub fn is_site_call(e: &Expr) -> bool {
    match e {
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => !is_internal_callee(callee),
            _ => true,
        },
        Expr::Yield(y) => !y.delegate,
        Expr::Paren(p) => is_site_call(&p.expr),
        // `a?.b(x)` with that one call: its callee and arguments are call-free.
        Expr::OptChain(_) => count_calls(e) == 1,
        _ => false,
    }
}

/// Calls (that could capture) and yields in an expression, not counting nested functions.
fn count_calls(e: &Expr) -> usize {
    struct N(usize);
    impl Visit for N {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if !matches!(&c.callee, Callee::Expr(callee) if is_internal_callee(callee)) {
                self.0 += 1;
            }
            c.visit_children_with(self);
        }
        fn visit_opt_call(&mut self, c: &OptCall) {
            self.0 += 1;
            c.visit_children_with(self);
        }
        fn visit_yield_expr(&mut self, y: &YieldExpr) {
            self.0 += 1;
            y.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut n = N(0);
    e.visit_with(&mut n);
    n.0
}

fn is_internal_callee(callee: &Expr) -> bool {
    match callee {
        Expr::Ident(i) => i.sym.starts_with("$$f"),
        Expr::Member(m) => matches!(&*m.obj, Expr::Ident(i) if &*i.sym == LIB),
        _ => false,
    }
}

/// Values that cannot change between their evaluation and a later call in
/// the same statement: literals, temporaries and scope-object references.
fn is_stable(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::This(_) => true,
        Expr::Ident(i) => {
            i.sym.starts_with("$$t") || i.sym.starts_with("$$s") || &*i.sym == "undefined"
        }
        Expr::Unary(u) => u.op == UnaryOp::Void && is_stable(&u.arg),
        _ => false,
    }
}

fn is_pure(e: &Expr) -> bool {
    matches!(e, Expr::Lit(_) | Expr::Ident(_) | Expr::This(_))
}

fn contains_yield(b: &BlockStmt) -> bool {
    struct Y(bool);
    impl Visit for Y {
        fn visit_yield_expr(&mut self, _: &YieldExpr) {
            self.0 = true;
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    let mut y = Y(false);
    b.visit_with(&mut y);
    y.0
}

/// Whether an expression (not counting nested functions) calls anything that
/// could capture.
pub fn contains_call<N: VisitWith<CallFinder>>(n: &N) -> bool {
    let mut f = CallFinder(false);
    n.visit_with(&mut f);
    f.0
}

pub struct CallFinder(bool);

impl Visit for CallFinder {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if is_site_call(&Expr::Call(c.clone())) {
            self.0 = true;
        }
        c.visit_children_with(self);
    }
    fn visit_new_expr(&mut self, n: &NewExpr) {
        n.visit_children_with(self);
    }
    fn visit_opt_call(&mut self, _: &OptCall) {
        self.0 = true;
    }
    fn visit_yield_expr(&mut self, _: &YieldExpr) {
        self.0 = true;
    }
    fn visit_await_expr(&mut self, _: &AwaitExpr) {
        self.0 = true;
    }
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_class(&mut self, _: &Class) {}
}

/// Every binding declared in the body (any block), not in nested functions.
fn collect_declarations(stmts: &[Stmt], out: &mut Vec<Id>) {
    struct C<'a>(&'a mut Vec<Id>);
    impl Visit for C<'_> {
        fn visit_var_declarator(&mut self, d: &VarDeclarator) {
            pattern_bindings(&d.name, self.0);
            d.init.visit_with(self);
        }
        fn visit_catch_clause(&mut self, c: &CatchClause) {
            if let Some(p) = &c.param {
                pattern_bindings(p, self.0);
            }
            c.body.visit_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
    }
    stmts.visit_with(&mut C(out));
}

#[cfg(test)]
mod tests {
    use crate::testing::{print, squash, with_script};

    fn normalize(source: &str) -> (String, Vec<String>) {
        with_script(source, |s| {
            let n = super::function_body(&[], s.body.clone()).expect("supported");
            (squash(&print(n.body)), n.locals)
        })
    }

    #[test]
    fn calls_move_out_of_expressions_in_evaluation_order() {
        let (code, locals) = normalize("let x = a + f(b) * g(c);");
        assert_eq!(
            code,
            "$$t0 = a; $$L1: $$t1 = f(b); $$L2: $$t2 = g(c); x = $$t0 + $$t1 * $$t2;"
        );
        assert_eq!(locals, ["x", "$$t0", "$$t1", "$$t2"]);
    }

    /// A generator body's statements, normalized.
    fn normalize_generator(body: &str) -> String {
        with_script(&format!("function* g() {{ {body} }}"), |s| {
            let Some(swc_ecma_ast::Stmt::Decl(swc_ecma_ast::Decl::Fn(f))) = s.body.first() else {
                unreachable!()
            };
            let stmts = f.function.body.clone().expect("a body").stmts;
            let n = super::function_body(&[], stmts).expect("supported");
            squash(&print(n.body))
        })
    }

    #[test]
    fn yields_are_sites_with_their_operands_evaluated_before() {
        assert_eq!(
            normalize_generator("let x = f(a.b, yield c.d, 2);"),
            "$$t0 = f; $$t1 = a.b; $$t2 = c.d; $$L1: $$t3 = yield $$t2; $$L2: x = $$t0($$t1, $$t3, 2);"
        );
    }

    #[test]
    fn yield_star_becomes_a_loop_of_plain_yields() {
        let code = normalize_generator("const r = yield* inner();");
        assert!(
            code.starts_with("$$L1: $$t0 = inner(); $$t1 = $things.delegate($$t0); while(true){ $$L2: $$yield: ; if ($things.delegateStep($$t1)) { break; }"),
            "{code}"
        );
        assert!(
            code.contains("$$t2 = $$t1.out; $$L3: $$t1.arg = yield $$t2;"),
            "{code}"
        );
        assert!(
            code.contains("catch ($$t3) { $$t1.arg = $$t3; $$t1.mode = 1; }"),
            "{code}"
        );
        assert!(code.ends_with("r = $$t1.v;"), "{code}");
    }

    #[test]
    fn a_use_before_a_block_scoped_declaration_throws() {
        let (code, _) = normalize("f(x); x = 2; let x = 1; g(x);");
        assert_eq!(
            code,
            "$$L1: f($things.tdz(\"x\")); $things.tdz(\"x\"); x = 1; $$L2: g(x);"
        );
    }

    #[test]
    fn a_temporary_is_recorded_only_where_it_is_still_read() {
        with_script(
            "let p = [...f()].map(g); for (const x of xs) { use(x); h(); }",
            |s| {
                let n = super::function_body(&[], s.body.clone()).expect("supported");
                let code = squash(&print(n.body));
                assert!(
                    code.starts_with("$$L1: $$t0 = f(); $$L2: p = [ ...$$t0 ].map(g);"),
                    "{code}"
                );
                // The spread iterator is used up before `map` is called.
                assert_eq!(n.live["$$t0"], Vec::<usize>::new());
                // The loop's state is read on every turn, so at every site in it.
                assert_eq!(n.live["$$t1"], vec![3, 4, 5]);
            },
        );
    }

    #[test]
    fn short_circuits_become_branches() {
        let (code, _) = normalize("let y = ok && f();");
        assert_eq!(code, "$$t0 = ok; if ($$t0) { $$L1: $$t0 = f(); } y = $$t0;");
    }

    #[test]
    fn loops_start_with_a_yield_point() {
        let (code, _) = normalize("while (i < 3) i++;");
        assert_eq!(code, "while(i < 3){ $$L1: $$yield: ; i++; }");
    }

    #[test]
    fn for_of_iterates_through_library_state() {
        let (code, _) = normalize("for (const x of xs) use(x);");
        assert_eq!(
            code,
            "$$t0 = $things.iterOf(xs); try { while(true){ $$L1: $$yield: ; if ($$t0.a !== void 0) { if ($$t0.i >= $$t0.a.length) break; $$t0.v = $$t0.a[$$t0.i++]; } else if ($things.iterDone($$t0)) break; x = $$t0.v; $$L2: use(x); } } finally{ $things.iterClose($$t0); }"
        );
    }

    #[test]
    fn assigning_a_constant_still_throws() {
        let (code, _) = normalize("const k = 1; k = 2;");
        assert_eq!(code, r#"k = 1; $things.constAssign("k");"#);
    }
}
