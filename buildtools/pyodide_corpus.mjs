// Run the calc corpus inside the real Pyodide (Node) to trim the standard library to what the
// browser worker imports, compile it to CPython bytecode with that same Pyodide, and prove the
// result: called by buildtools/stdlib_trim.py, not by hand.
//
//   node buildtools/pyodide_corpus.mjs --pyodide DIR --wheel FILE --corpus FILE --out DIR [--drop a,b]
//
// --drop leaves the named modules out of the trimmed set as if discovery had missed them (the
// tests use it to prove that verification then fails the build).
//
// 1. discovery: boot with the full python_stdlib.zip exactly as docs/assets/worker.js does
//    (_makeSnapshot, unpackArchive(wheel), pyimport("calc.api")), replay every corpus call, let a
//    Python error cross into JS, make a memory snapshot; every module imported (sys.modules and an
//    "import" audit hook) that lives in the zip is kept.
// 2. build: those modules as unchecked-hash .pyc (docstrings stripped outside Pyodide's own
//    packages; asserts kept), stored uncompressed so the HTTP layer's brotli sees the bytecode.
// 3. verification: boot again from the trimmed zip, replay the whole corpus, and fail unless every
//    answer is identical to discovery's and no module came from outside the trimmed set; then
//    restore a memory snapshot of that interpreter and replay meta and the region sweep again
//    (the repeat-visit path).
// Writes OUT/python_stdlib_trim.zip and OUT/report.json. Exit code 1 with a message on failure.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const k of ["pyodide", "wheel", "corpus", "out"]) if (!args[k]) fail(`missing --${k}`);
const indexURL = path.resolve(args.pyodide) + "/";
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const wheel = new Uint8Array(fs.readFileSync(args.wheel));
const corpus = JSON.parse(fs.readFileSync(args.corpus, "utf8"));
const outZip = path.resolve(args.out, "python_stdlib_trim.zip");
const quiet = { stdout: () => {}, stderr: () => {} };

function fail(msg) {
  console.error(`[pyodide_corpus] ${msg}`);
  process.exit(1);
}

// Python helpers, defined once per interpreter (in a private namespace, not __main__).
const HELPERS = `
import json, sys

_imported = set()
def _audit(event, args):
    if event == "import":
        _imported.add(args[0])
sys.addaudithook(_audit)

def _stable_repr(value):  # internal objects (parse) print their address, which may differ
    import re
    return re.sub(r" at 0x[0-9a-f]+", " at 0x…", repr(value))

def replay(calls_json):
    import calc.api
    out = []
    for call in json.loads(calls_json):
        try:
            value = getattr(calc.api, call["fn"])(*call["args"])
            out.append(json.dumps(value, sort_keys=True, ensure_ascii=False, default=_stable_repr))
        except BaseException as e:  # an engine bug is still an answer to compare
            out.append(f"raised {type(e).__name__}: {e}")
    return json.dumps(out, ensure_ascii=False)

def zip_modules():
    """(stdlib zip path, sorted module names imported from it)."""
    zpath = next(p for p in sys.path if p.endswith(".zip"))
    names = set(sys.modules) | _imported
    found = []
    for name in names:
        m = sys.modules.get(name)
        origin = getattr(getattr(m, "__spec__", None), "origin", None) or ""
        if origin.startswith(zpath + "/"):
            found.append(name)
    return zpath, sorted(found)

def build_zip(zpath, names, out_path):
    import ast, importlib.util, zipfile
    from importlib._bootstrap_external import _code_to_hash_pyc
    src = zipfile.ZipFile(zpath)
    members = set(src.namelist())
    keep = set()
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # a module needs its parent packages
            base = "/".join(parts[:i])
            for cand in (base + "/__init__.py", base + ".py"):
                if cand in members:
                    keep.add(cand)
                    break
    def strip_docstrings(tree):
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \\
                        and isinstance(body[0].value.value, str):
                    if len(body) == 1:
                        body[0] = ast.copy_location(ast.Pass(), body[0])
                    else:
                        del body[0]
        return tree
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_STORED) as out:
        for member in sorted(keep):
            source = src.read(member)
            filename = f"{zpath}/{member}"
            tree = ast.parse(source, filename)
            if not member.startswith(("pyodide/", "_pyodide/")):
                tree = strip_docstrings(tree)
            code = compile(tree, filename, "exec", dont_inherit=True, optimize=0)
            info = zipfile.ZipInfo(member + "c", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            out.writestr(info, _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))
    return json.dumps(sorted(keep))
`;

// The helpers live in a module of their own (not __main__), reachable again after a snapshot restore.
async function boot(opts) {
  const py = await loadPyodide({ indexURL, ...quiet, ...opts });
  py.runPython(`import sys, types\nsys.modules["_calc_corpus"] = types.ModuleType("_calc_corpus")`);
  py.runPython(HELPERS, { globals: py.pyimport("_calc_corpus").__dict__ });
  return { py, ns: py.pyimport("_calc_corpus") };
}

// What docs/assets/worker.js does with a fresh interpreter.
function setUp({ py }) {
  py.unpackArchive(wheel, "wheel");
  const api = py.pyimport("calc.api");
  api.destroy();
  let pyError = null;
  try {
    py.runPython("raise ValueError('corpus: an error reaches JavaScript')");
  } catch (e) {
    pyError = `${e.type}: ${String(e.message).split("\n").slice(-2).join(" ")}`;
  }
  if (!pyError || !pyError.startsWith("ValueError")) fail(`a Python error did not reach JS as expected: ${pyError}`);
}

const replay = (ns, calls = corpus) => JSON.parse(ns.replay(JSON.stringify(calls)));

function compare(expected, got, label, calls = corpus) {
  const bad = [];
  for (let i = 0; i < expected.length; i++) if (expected[i] !== got[i]) bad.push(i);
  if (bad.length) {
    const show = bad.slice(0, 5).map((i) => `  call ${i} ${JSON.stringify(calls[i]).slice(0, 200)}\n    full:    ${expected[i].slice(0, 300)}\n    ${label}: ${got[i].slice(0, 300)}`);
    fail(`${bad.length} of ${expected.length} corpus answers differ with ${label}:\n${show.join("\n")}`);
  }
}

async function main() {
  const t = { start: performance.now() };
  // 1. discovery
  const full = await boot({ _makeSnapshot: true });
  setUp(full);
  const expected = replay(full.ns);
  full.py.makeMemorySnapshot();
  const [zpath, found] = full.ns.zip_modules().toJs();
  const dropped = (args.drop || "").split(",").filter(Boolean);
  const names = found.filter((n) => !dropped.includes(n));
  t.discovery = performance.now();

  // 2. build
  fs.mkdirSync(path.dirname(outZip), { recursive: true });
  full.py.FS.mkdirTree("/tmp/trim");
  const members = JSON.parse(full.ns.build_zip(zpath, names, "/tmp/trim/stdlib.zip"));
  fs.writeFileSync(outZip, full.py.FS.readFile("/tmp/trim/stdlib.zip"));
  t.build = performance.now();

  // 3. verification: trimmed zip, then a snapshot of it restored
  let trim;
  try {
    trim = await boot({ stdLibURL: outZip, _makeSnapshot: true });
    setUp(trim);
  } catch (e) {
    const last = String((e && e.message) || e).trim().split("\n").slice(-1)[0];
    fail(`the engine does not start on the trimmed standard library: ${last}`);
  }
  // Snapshot before the corpus grows the heap: a restore needs the snapshot to fit the wasm
  // module's initial memory (the worker checks the same before it makes one).
  const snapshot = trim.py.makeMemorySnapshot();
  compare(expected, replay(trim.ns), "trimmed stdlib");
  const [, trimNames] = trim.ns.zip_modules().toJs();
  const outside = trimNames.filter((n) => !names.includes(n));
  if (outside.length) fail(`the corpus imported modules outside the trimmed set: ${outside.join(", ")}`);
  const restored = await loadPyodide({ indexURL, stdLibURL: outZip, _loadSnapshot: snapshot, ...quiet });
  restored.unpackArchive(wheel, "wheel");
  // The restore path needs no thousand inputs to show it works: meta and the sweep over regions.
  const sweep = corpus.map((c, i) => [c, i]).filter(([c]) => c.sweep);
  const again = replay(restored.pyimport("_calc_corpus"), sweep.map(([c]) => c));
  compare(sweep.map(([, i]) => expected[i]), again, "snapshot of the trimmed interpreter", sweep.map(([c]) => c));
  t.verify = performance.now();

  const report = {
    pyodide: full.py.version,
    python: full.py.runPython("import sys; sys.version.split()[0]"),
    pyc_magic: full.py.runPython("import importlib.util; importlib.util.MAGIC_NUMBER.hex()"),
    corpus_calls: corpus.length,
    modules: names,
    members,
    zip_bytes: fs.statSync(outZip).size,
    snapshot_bytes: snapshot.length,
    seconds: {
      discovery: +((t.discovery - t.start) / 1000).toFixed(2),
      build: +((t.build - t.discovery) / 1000).toFixed(2),
      verify: +((t.verify - t.build) / 1000).toFixed(2),
    },
  };
  fs.writeFileSync(path.resolve(args.out, "report.json"), JSON.stringify(report, null, 1) + "\n");
  console.log(`[pyodide_corpus] ${corpus.length} calls, ${names.length} modules kept (${members.length} files), ` +
    `${report.zip_bytes} bytes; discovery ${report.seconds.discovery}s build ${report.seconds.build}s verify ${report.seconds.verify}s`);
}

try {
  await main();
} catch (e) {
  // Not Node's default report: it prints the minified line of pyodide.asm.mjs (1 MB).
  fail(String((e && e.stack) || e).slice(0, 4000));
}
