//! Printing: the rewritten program wrapped as a classic script that registers
//! itself with the runtime library (`$things.load(main, factories)`).

use swc_common::{sync::Lrc, SourceMap, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_codegen::to_code_default;

use crate::closures::Lifted;

/// The instrumented program: lifted factories and resume bodies, then the program's top level
/// as the function `$$main`, then the registration.
pub fn program(
    cm: &Lrc<SourceMap>,
    script: Script,
    lifted: Lifted,
    resumes: &[String],
    strict: bool,
) -> String {
    let main = Stmt::Decl(Decl::Fn(FnDecl {
        ident: crate::ast::ident("$$main"),
        declare: false,
        function: Box::new(Function {
            this_param: None,
            params: vec![],
            decorators: vec![],
            span: DUMMY_SP,
            ctxt: Default::default(),
            body: Some(FunctionBody {
                span: DUMMY_SP,
                stmts: script.body,
            }),
            is_generator: false,
            is_async: false,
            type_params: None,
            return_type: None,
        }),
    }));
    let mut body = lifted.decls;
    body.push(main);
    // The passes build expressions without minding precedence; the fixer
    // puts in the parentheses the printed code needs.
    let mut program = Program::Script(Script {
        span: DUMMY_SP,
        body,
        shebang: None,
    });
    swc_ecma_transforms_base::fixer::fixer(None).process(&mut program);
    let code = to_code_default(cm.clone(), None, &program);
    let directive = if strict { "\"use strict\";\n" } else { "" };
    format!(
        "(function ($things) {{\n{directive}let $$c = $things.budget0(), $$cap = false;\n{code}$things.load($$main, [{}], [{}], () => $$c, (v) => {{ $$cap = v; }});\n}})(globalThis.__things);\n",
        lifted.table.join(", "),
        resumes.join(", ")
    )
}

/// The program as written, in node's CommonJS-style function wrapper; the
/// first line is kept on the wrapper's line so line numbers match the file.
pub fn raw(source: &str) -> String {
    let source = match source.strip_prefix("#!") {
        Some(rest) => format!("//{rest}"),
        None => source.to_string(),
    };
    format!("(function ($things) {{ $things.load(function () {{{source}\n}}, null); }})(globalThis.__things);\n")
}
