//! Names: every local is declared once at the top of the function, so
//! block-scoped names that clash (with each other, or with a global the body
//! reads) are renamed.

use std::collections::{HashMap, HashSet};

use swc_common::{SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use super::*;

/// Names read in the body that are not declared in it (globals).
pub(super) fn free_names(stmts: &[Stmt], declared: &HashSet<Id>) -> HashSet<String> {
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

/// Renames clashing locals to their planned names.
pub(super) struct Renamer<'a>(pub(super) &'a HashMap<Id, String>);

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
    pub(super) fn plan_names(
        &mut self,
        declared: &[Id],
        params: &HashSet<Id>,
        free: &HashSet<String>,
    ) {
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
}

/// Every binding declared in the body (any block), not in nested functions.
pub(super) fn collect_declarations(stmts: &[Stmt], out: &mut Vec<Id>) {
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
