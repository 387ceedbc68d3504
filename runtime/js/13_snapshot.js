// 13_snapshot.js: the entry points the host calls to take a snapshot (between
// turns of the event loop, or with the stack captured inside a task) and to
// restore one. The state comes from and goes back to the parts of the library
// that registered in `lib.stateParts` (00_boot.js); 11_graph_write.js and
// 12_graph_read.js turn it into the snapshot's graph and back. See
// docs/snapshot.md for the format.
"use strict";
((lib) => {
  const { JSONParse, JSONStringify, ObjectKeys, ObjectPrototypeHasOwnProperty, SafeArrayIterator } = lib.primordials;

  // The roots of a snapshot: what each part of the library saves (00_boot.js,
  // `stateParts`), by its name.
  const stateRoots = () => {
    const now = lib.now();
    const roots = {};
    for (const name of new SafeArrayIterator(ObjectKeys(lib.stateParts))) roots[name] = lib.stateParts[name].save(now);
    return roots;
  };

  // Hands the snapshot to the host, which says whether the program goes on
  // here; it does if the state holds something that cannot be captured
  // (the reason goes to stderr).
  const snapshot = (roots) => {
    let doc;
    try {
      doc = lib.graph.write(roots);
    } catch (err) {
      if (!(err instanceof lib.graph.CaptureError)) throw err;
      lib.ops.op_things_snapshot_failed(err.message);
      return true;
    }
    return lib.ops.op_things_put_snapshot(JSONStringify({ functions: lib.madeFunctions.save(), state: doc, history: lib.history }));
  };

  // Snapshot between turns of the event loop (nothing on the stack).
  lib.snapshotIdle = () => {
    if (!snapshot(stateRoots())) throw lib.EXIT;
  };

  // The stack was captured (frames top first) inside a task: write it with
  // the rest of the state. Unless the program stops here, the frames are
  // re-entered and the task goes on.
  lib.stopWithStack = () => {
    const frames = lib.frames;
    lib.frames = null;
    lib.setCapturing(false);
    if (!snapshot({ ...stateRoots(), stack: frames })) throw lib.EXIT;
    lib.resumeStack = frames;
    lib.runTask(lib.reenter, undefined, []);
  };

  lib.restore = () => {
    const doc = JSONParse(lib.ops.op_things_take_restore());
    lib.history = doc.history || [];
    // (The functions made from text come first: the state reaches them by their sites.)
    lib.madeFunctions.restore(doc.functions || []);
    lib.restoring = true;
    let roots;
    try {
      roots = lib.graph.read(doc.state);
    } finally {
      lib.restoring = false;
    }
    const now = lib.now();
    for (const name of new SafeArrayIterator(ObjectKeys(lib.stateParts))) {
      if (!ObjectPrototypeHasOwnProperty(roots, name)) throw new Error(`the snapshot has no state for ${name}`);
      lib.stateParts[name].restore(roots[name], now);
    }
    lib.ops.op_things_running();
    if (roots.stack) {
      // Finish the task that was interrupted, from its innermost frame's yield point.
      lib.resumeStack = roots.stack;
      lib.runTask(lib.reenter, undefined, []);
    }
    lib.afterTask(lib.nextWait());
  };
})(globalThis.__things);
