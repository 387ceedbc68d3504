//! Tagged templates become calls with the strings array from the runtime
//! library: `` tag`a${x}b` `` is `tag($things.tpl(K, ["a", "b"], ["a", "b"]), x)`.
//! `$things.tpl` makes each site's array once, frozen with its `raw`, as the
//! language requires (QuickJS leaves it unfrozen), and keeps it where a
//! snapshot carries it, so the array stays the same object after a restore.

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::ast::{lib_call, num, str_lit, undefined};

/// Numbers the template sites from `first`; returns the next free number.
pub fn run(script: &mut Script, first: usize) -> usize {
    let mut sites = Sites(first);
    script.visit_mut_with(&mut sites);
    sites.0
}

struct Sites(usize);

fn strings(items: Vec<Box<Expr>>) -> Box<Expr> {
    Box::new(Expr::Array(ArrayLit {
        span: DUMMY_SP,
        elems: items
            .into_iter()
            .map(|expr| Some(ExprOrSpread { spread: None, expr }))
            .collect(),
    }))
}

impl VisitMut for Sites {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        e.visit_mut_children_with(self);
        let Expr::TaggedTpl(t) = e else { return };
        let site = self.0;
        self.0 += 1;
        let tpl = std::mem::take(&mut t.tpl.quasis);
        // An invalid escape is allowed in a tagged template: its cooked string is undefined.
        let cooked = tpl
            .iter()
            .map(|q| match &q.cooked {
                Some(c) => str_lit(&c.to_string_lossy()),
                None => undefined(),
            })
            .collect();
        let raw = tpl.iter().map(|q| str_lit(&q.raw)).collect();
        let mut args = vec![ExprOrSpread {
            spread: None,
            expr: lib_call("tpl", vec![num(site as f64), strings(cooked), strings(raw)]),
        }];
        args.extend(
            std::mem::take(&mut t.tpl.exprs)
                .into_iter()
                .map(|expr| ExprOrSpread { spread: None, expr }),
        );
        let tag = std::mem::replace(&mut t.tag, undefined());
        *e = Expr::Call(CallExpr {
            span: DUMMY_SP,
            ctxt: Default::default(),
            callee: Callee::Expr(tag),
            args,
            type_args: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{print, squash, with_script};

    #[test]
    fn a_tagged_template_calls_its_tag_with_the_sites_strings() {
        let code = with_script("o.tag`a${x}\\n${y}`;", |s| {
            super::run(s, 0);
            squash(&print(s.body.clone()))
        });
        assert_eq!(
            code,
            "o.tag($things.tpl(0, [ \"a\", \"\\n\", \"\" ], [ \"a\", \"\\\\n\", \"\" ]), x, y);"
        );
    }
}
