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
//! Shapes not handled yet return `Unsupported`; `frames` then leaves the
//! function as it is and holds captures off while it runs.

use std::collections::{HashMap, HashSet};

use swc_common::DUMMY_SP;
use swc_ecma_ast::*;
use swc_ecma_visit::VisitMutWith;

use crate::ast::*;
use crate::bodies::{Normalized, Pending, Unsupported};

mod calls;
mod delegate;
mod guards;
mod liveness;
mod loops;
mod names;
mod statements;

use calls::*;
use guards::*;
use liveness::*;
use names::*;
use statements::*;

/// The label marking a yield point.
pub const YIELD_MARK: &str = "$$yield";

pub fn site_label(k: usize) -> String {
    format!("$$L{k}")
}

/// Normalizes each pending body that gets a capturable frame (its directive
/// prologue stays as it is).
pub fn run(bodies: &mut [Pending]) {
    for b in bodies.iter_mut().filter(|b| b.captures()) {
        let start = b.stmts.iter().take_while(|s| is_directive(s)).count();
        b.normalized = Some(function_body(&b.params, b.stmts[start..].to_vec()));
    }
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

impl Normalizer {
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
    fn logical_assignments_with_calls_become_branches() {
        let (code, _) = normalize("o.p ||= f();");
        assert_eq!(
            code,
            "$$t0 = o; $$t1 = $$t0.p; if (!$$t1) { $$L1: $$t1 = f(); $$t0.p = $$t1; }"
        );
    }

    #[test]
    fn case_tests_with_calls_become_an_if_chain_finding_the_case() {
        let (code, _) = normalize("switch (d) { case f(): a(); default: b(); case 2: c(); }");
        assert_eq!(
            code,
            "$$t0 = d; $$L1: $$t2 = f(); if ($$t0 === $$t2) { $$t1 = 0; } else { if ($$t0 === 2) { $$t1 = 2; } else { $$t1 = 1; } } switch($$t1){ case 0: $$L2: a(); case 1: $$L3: b(); case 2: $$L4: c(); }"
        );
    }

    #[test]
    fn a_do_while_test_with_a_call_runs_after_the_body_even_on_continue() {
        let (code, _) = normalize("do { if (x) continue; x++; } while (more());");
        assert_eq!(
            code,
            "for(;;){ $$L1: $$yield: ; $$next2: { if (x) { break $$next2; } x++; } $$L2: $$t0 = more(); if (!$$t0) break; }"
        );
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
