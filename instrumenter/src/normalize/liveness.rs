//! Liveness of temporaries: a frame records a temporary only at the sites
//! where its value is still needed.

use std::collections::HashMap;

use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// Narrows each temporary's sites to those where it is still read: at or
/// after the site in the text, or anywhere in a loop that holds the site
/// (the next turn reads it).
pub(super) fn still_read(
    body: &[Stmt],
    live: HashMap<String, Vec<usize>>,
) -> HashMap<String, Vec<usize>> {
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
