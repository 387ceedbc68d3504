// harness.cjs: loads runtime library files into node for the *.test.cjs
// scripts the way the host does (engine.rs): classic scripts, in load order,
// against globalThis.__things, starting with 00_boot.js. The host's ops are
// stood in for by node: the library's configuration (JSON, as
// op_things_config gives it), the clock (node's, or `now`) and output.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

// Names 00_boot.js takes away from a program that node's test scripts need.
const NODE_GLOBALS = ["console", "performance", "WebAssembly"];

// Loads 00_boot.js and then `files` (names in runtime/js). Returns the
// library object and each file's source by name.
function load(files, { config = {}, now = performance.now.bind(performance) } = {}) {
  const kept = NODE_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]);
  globalThis.Deno = {
    core: {
      ops: {
        op_things_config: () => JSON.stringify(config),
        op_things_now: now,
        op_things_write: (text, toStderr) => (toStderr ? process.stderr : process.stdout).write(text),
      },
      runMicrotasks() {},
    },
  };
  const sources = {};
  for (const file of ["00_boot.js", ...files]) {
    const source = fs.readFileSync(path.join(__dirname, file), "utf8");
    sources[file] = source;
    vm.runInThisContext(source, { filename: file });
    if (file === "00_boot.js") {
      for (const [name, desc] of kept) if (desc) Object.defineProperty(globalThis, name, desc);
    }
  }
  return { lib: globalThis.__things, sources };
}

module.exports = { load };
