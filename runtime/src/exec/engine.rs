//! Creating the deno_core engine: stack and heap limits, the host extension,
//! and the JS library loaded in order before any program.

use std::sync::Once;

use deno_core::{JsRuntime, RuntimeOptions};

use super::ops::{things_host, HostState};

/// Engine stack for deep recursion (node manages ~10,000 frames; a 1 MiB
/// stack gave ~1,500 here). The JS thread's native stack must exceed it.
const ENGINE_STACK_KIB: usize = 64 * 1024;
pub const THREAD_STACK_BYTES: usize = 256 << 20;

/// The runtime library, in load order (the number each file's name starts
/// with); each file is a classic script that adds to `globalThis.__things`.
macro_rules! library {
    ($($file:literal),* $(,)?) => {
        &[$((concat!("things:", $file), include_str!(concat!("../../js/", $file)))),*]
    };
}
const LIBRARY: &[(&str, &str)] = library![
    "00_boot.js",
    "01_inspect.js",
    "02_console.js",
    "03_promise.js",
    "04_timers.js",
    "05_registry.js",
    "06_syntax.js",
    "07_capture.js",
    "08_async.js",
    "09_globals.js",
    "10_builtins.js",
    "11_graph_write.js",
    "12_graph_read.js",
    "13_snapshot.js",
    "14_source_map.js",
    "15_iterators.js",
    "16_function_text.js",
    "17_proxies.js",
    "18_dynamic_functions.js",
    "99_program.js",
];

fn set_flags_once() {
    static FLAGS: Once = Once::new();
    FLAGS.call_once(|| {
        let _ = deno_core::v8_set_flags(vec![
            String::new(),
            format!("--stack-size={ENGINE_STACK_KIB}"),
        ]);
    });
}

/// A fresh engine with the host ops and the library loaded.
pub fn new_engine(state: HostState) -> anyhow::Result<JsRuntime> {
    set_flags_once();
    let mut runtime = JsRuntime::new(RuntimeOptions {
        extensions: vec![things_host::init()],
        ..Default::default()
    });
    runtime.op_state().borrow_mut().put(state);
    for (name, source) in LIBRARY {
        runtime
            .execute_script(*name, *source)
            .map_err(|e| anyhow::anyhow!("loading the runtime library failed: {e}"))?;
    }
    Ok(runtime)
}
