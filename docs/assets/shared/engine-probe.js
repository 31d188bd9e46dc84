// Can this browser run the engine? The answer of the probe in every page's <head>
// (overrides/main.html: WebAssembly exception handling, module workers, class static blocks),
// made before anything of the runtime is downloaded. -> Promise of {ok, missing}; a page without
// the probe is treated as one that failed it.
export function engineProbe() {
  const probe = typeof window !== "undefined" ? window.__calcProbe : null;
  if (typeof probe !== "function") return Promise.resolve({ ok: false, missing: "WebAssembly" });
  return Promise.resolve(probe()).then((r) => ({ ok: r?.ok === true, missing: String(r?.missing || "") }),
    () => ({ ok: false, missing: "WebAssembly" }));
}
