// 17_proxies.js: Proxies a snapshot can carry. The engine does not show a
// proxy's target and handler, so the global `Proxy` the program sees makes
// its proxies through the engine's and remembers both (and Proxy.revocable
// whether it was revoked). A snapshot writes a proxy as its target, handler
// and revocation, never reading through it (no trap runs); a restore makes
// it again. The global is itself a proxy of the engine's constructor with
// only a `construct` trap, so it has the constructor's name, length, lack of
// a `prototype` and its TypeError when called without `new`.
"use strict";
((lib) => {
  // (`run --raw` runs the program on the engine as it is.)
  if (lib.config.raw) return;
  const {
    Proxy: EngineProxy,
    ReflectConstruct,
    ReflectDefineProperty,
    WeakMap,
    WeakMapPrototypeGet,
    WeakMapPrototypeSet,
  } = lib.primordials;

  // proxy -> { target, handler, revoke: its revoke function or undefined, revoked }
  const records = new WeakMap();
  // revoke function -> the proxy it revokes
  const revokers = new WeakMap();

  const remember = (proxy, target, handler) => {
    const record = { target, handler, revoke: undefined, revoked: false };
    WeakMapPrototypeSet(records, proxy, record);
    return record;
  };

  const engineRevocable = EngineProxy.revocable;
  const revocable = (target, handler) => {
    const pair = engineRevocable(target, handler);
    const record = remember(pair.proxy, target, handler);
    const engineRevoke = pair.revoke;
    // As the engine's: anonymous, no parameters, not a constructor.
    const revoke = (() => () => {
      record.revoked = true;
      engineRevoke();
    })();
    record.revoke = revoke;
    WeakMapPrototypeSet(revokers, revoke, pair.proxy);
    return { proxy: pair.proxy, revoke };
  };
  ReflectDefineProperty(EngineProxy, "revocable", {
    value: { revocable: (target, handler) => revocable(target, handler) }.revocable,
    writable: true,
    enumerable: false,
    configurable: true,
  });

  globalThis.Proxy = new EngineProxy(EngineProxy, {
    construct(engine, args, newTarget) {
      const proxy = ReflectConstruct(engine, args, newTarget);
      remember(proxy, args[0], args[1]);
      return proxy;
    },
  });

  lib.proxies = {
    // What a snapshot writes for a proxy or a revoke function; undefined for
    // anything else (a proxy the library made for itself is not the program's).
    save(v) {
      const record = WeakMapPrototypeGet(records, v);
      if (record !== undefined) {
        return { proxy: true, target: record.target, handler: record.handler, revocable: record.revoke !== undefined, revoked: record.revoked };
      }
      const proxy = WeakMapPrototypeGet(revokers, v);
      if (proxy !== undefined) return { proxy: false, of: proxy };
      return undefined;
    },
    // A proxy again (a revoked one is revoked by the restore, through
    // `revokeOf`, once everything that reaches it is made).
    make(target, handler, isRevocable) {
      if (!isRevocable) {
        const proxy = new EngineProxy(target, handler);
        remember(proxy, target, handler);
        return proxy;
      }
      return revocable(target, handler).proxy;
    },
    revokeOf(proxy) {
      return WeakMapPrototypeGet(records, proxy).revoke;
    },
  };
})(globalThis.__things);
