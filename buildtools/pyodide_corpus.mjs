// Run the calc corpus inside the real Pyodide (Node) to trim the standard library to what the
// browser worker imports, compile it to CPython bytecode with that same Pyodide, and prove the
// result: called by buildtools/stdlib_trim.py, not by hand.
//
//   node buildtools/pyodide_corpus.mjs --pyodide DIR --wheels A,B --corpus FILE --out DIR [--drop a,b]
//
// --wheels: the calc wheel, then any other wheel the worker is sent (the staff QR module and segno).
//
// --drop leaves the named modules out of the trimmed set as if discovery had missed them (the
// tests use it to prove that verification then fails the build).
//
// 1. discovery: boot with the full python_stdlib.zip exactly as docs/assets/worker.js does
//    (_makeSnapshot, unpackArchive(calc wheel), pyimport("calc.api")), let a Python error cross
//    into JS, make a memory snapshot, replay the corpus's core calls (module.fn(*args): what the
//    resident's page asks); then unpack the other wheels and replay the rest (the staff pages'
//    calls). Every module imported (sys.modules and an "import" audit hook) that lives in the zip
//    is kept: by the core calls -> the trimmed zip every page boots from; by the rest only -> an
//    extra zip the worker adds to sys.path when a staff page first calls (a module whose
//    top-level package is in the trimmed zip goes there too: a package's submodules must be in
//    its own zip).
// 2. build: those modules as unchecked-hash .pyc (docstrings stripped outside Pyodide's own
//    packages; asserts kept), stored uncompressed so the HTTP layer's brotli sees the bytecode.
// 3. verification: boot again from the trimmed zip, replay the core calls, add the extra zip and
//    replay the rest, and fail unless every answer is identical to discovery's and no module came
//    from outside the two zips; then restore a memory snapshot of that interpreter and replay
//    meta and the sweep again (the repeat-visit path).
// Writes OUT/python_stdlib_trim.zip, OUT/python_stdlib_extra.zip and OUT/report.json.
// Exit code 1 with a message on failure.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const k of ["pyodide", "wheels", "corpus", "out"]) if (!args[k]) fail(`missing --${k}`);
const indexURL = path.resolve(args.pyodide) + "/";
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const wheels = args.wheels.split(",").map((w) => new Uint8Array(fs.readFileSync(w)));
const corpus = JSON.parse(fs.readFileSync(args.corpus, "utf8"));
const outZip = path.resolve(args.out, "python_stdlib_trim.zip");
const outExtra = path.resolve(args.out, "python_stdlib_extra.zip");
const EXTRA_AT = "/lib/" + path.basename(outExtra);  // where the worker puts it (worker.js)
const core = corpus.filter((c) => !c.extra);
const rest = corpus.filter((c) => c.extra);
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

def _digest(text):
    # Each answer is kept as its length, two checksums and its first 300 characters, so the corpus
    # (thousands of calls, some answers hundreds of KB) stays a few MB in both heaps. zlib is built
    # into the interpreter: checking imports nothing from the standard library zip being trimmed.
    import zlib
    raw = text.encode("utf-8", "surrogatepass")
    return f"{len(raw):>10} {zlib.crc32(raw):08x} {zlib.adler32(raw):08x} " + text[:300]

def replay(calls_json):
    import importlib
    out = []
    for call in json.loads(calls_json):
        try:
            value = getattr(importlib.import_module(call.get("module", "calc.api")), call["fn"])(*call["args"])
            out.append(_digest(json.dumps(value, sort_keys=True, ensure_ascii=False, default=_stable_repr)))
        except BaseException as e:  # an engine bug is still an answer to compare
            out.append(_digest(f"raised {type(e).__name__}: {e}"))
    return json.dumps(out, ensure_ascii=False)

def zip_modules():
    """(stdlib zip path, sorted module names imported from any zip on sys.path)."""
    zips = [p for p in sys.path if p.endswith(".zip")]
    names = set(sys.modules) | _imported
    found = []
    for name in names:
        m = sys.modules.get(name)
        origin = getattr(getattr(m, "__spec__", None), "origin", None) or ""
        if any(origin.startswith(z + "/") for z in zips):
            found.append(name)
    return zips[0], sorted(found)

def frozen_modules():
    """Modules the interpreter carries frozen in the wasm (they need no zip)."""
    return sorted(n for n, m in list(sys.modules.items())
                  if getattr(getattr(m, "__spec__", None), "origin", None) == "frozen")

def add_zip(path):
    sys.path.append(path)

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
  py.unpackArchive(wheels[0], "wheel");
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

// What the worker does before a staff page's first call: the extra zip on sys.path, its wheels.
function setUpStaff({ py, ns }, extraZip) {
  if (extraZip) {
    py.FS.writeFile(EXTRA_AT, extraZip);
    ns.add_zip(EXTRA_AT);
  }
  for (const w of wheels.slice(1)) py.unpackArchive(w, "wheel");
}

function compare(expected, got, label, calls = corpus) {
  const bad = [];
  for (let i = 0; i < expected.length; i++) if (expected[i] !== got[i]) bad.push(i);
  if (bad.length) {
    const show = bad.slice(0, 5).map((i) => `  call ${i} ${JSON.stringify(calls[i]).slice(0, 200)}\n    full:    ${expected[i].slice(29, 329)}\n    ${label}: ${got[i].slice(29, 329)}`);
    fail(`${bad.length} of ${expected.length} corpus answers differ with ${label}:\n${show.join("\n")}`);
  }
}

async function main() {
  const t = { start: performance.now() };
  // 1. discovery
  const full = await boot({ _makeSnapshot: true });
  setUp(full);
  full.py.makeMemorySnapshot();
  const expectedCore = replay(full.ns, core);
  const [zpath, foundCore] = full.ns.zip_modules().toJs();
  setUpStaff(full, null);
  const expectedRest = replay(full.ns, rest);
  const [, foundAll] = full.ns.zip_modules().toJs();
  const dropped = (args.drop || "").split(",").filter(Boolean);
  const top = (n) => n.split(".")[0];
  const coreTops = new Set(foundCore.map(top));
  const names = foundAll.filter((n) => (foundCore.includes(n) || coreTops.has(top(n))) && !dropped.includes(n));
  const extraNames = foundAll.filter((n) => !names.includes(n) && !dropped.includes(n));
  t.discovery = performance.now();

  // 2. build
  fs.mkdirSync(path.dirname(outZip), { recursive: true });
  full.py.FS.mkdirTree("/tmp/trim");
  const members = JSON.parse(full.ns.build_zip(zpath, names, "/tmp/trim/stdlib.zip"));
  fs.writeFileSync(outZip, full.py.FS.readFile("/tmp/trim/stdlib.zip"));
  const extraMembers = JSON.parse(full.ns.build_zip(zpath, extraNames, "/tmp/trim/extra.zip"));
  fs.writeFileSync(outExtra, full.py.FS.readFile("/tmp/trim/extra.zip"));
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
  compare(expectedCore, replay(trim.ns, core), "trimmed stdlib", core);
  const [, coreUsed] = trim.ns.zip_modules().toJs();
  const extraZip = new Uint8Array(fs.readFileSync(outExtra));
  setUpStaff(trim, extraZip);
  compare(expectedRest, replay(trim.ns, rest), "trimmed + extra stdlib", rest);
  const [, allUsed] = trim.ns.zip_modules().toJs();
  const outside = [...coreUsed.filter((n) => !names.includes(n)),
                   ...allUsed.filter((n) => !names.includes(n) && !extraNames.includes(n))];
  if (outside.length) fail(`the corpus imported modules outside the trimmed set: ${[...new Set(outside)].join(", ")}`);
  // The restore path needs no thousand inputs to show it works: meta and the sweep.
  const restored = await loadPyodide({ indexURL, stdLibURL: outZip, _loadSnapshot: snapshot, ...quiet });
  const rns = restored.pyimport("_calc_corpus");
  restored.unpackArchive(wheels[0], "wheel");
  for (const [calls, expected, label] of [[core, expectedCore, "core"], [rest, expectedRest, "staff"]]) {
    if (label === "staff") setUpStaff({ py: restored, ns: rns }, extraZip);
    const sweep = calls.map((c, i) => [c, i]).filter(([c]) => c.sweep);
    compare(sweep.map(([, i]) => expected[i]), replay(rns, sweep.map(([c]) => c)),
            `snapshot of the trimmed interpreter (${label})`, sweep.map(([c]) => c));
  }
  t.verify = performance.now();

  const report = {
    pyodide: full.py.version,
    python: full.py.runPython("import sys; sys.version.split()[0]"),
    pyc_magic: full.py.runPython("import importlib.util; importlib.util.MAGIC_NUMBER.hex()"),
    corpus_calls: corpus.length,
    modules: names,
    members,
    zip_bytes: fs.statSync(outZip).size,
    extra_modules: extraNames,
    frozen: full.ns.frozen_modules().toJs(),
    extra_bytes: fs.statSync(outExtra).size,
    snapshot_bytes: snapshot.length,
    seconds: {
      discovery: +((t.discovery - t.start) / 1000).toFixed(2),
      build: +((t.build - t.discovery) / 1000).toFixed(2),
      verify: +((t.verify - t.build) / 1000).toFixed(2),
    },
  };
  fs.writeFileSync(path.resolve(args.out, "report.json"), JSON.stringify(report, null, 1) + "\n");
  console.log(`[pyodide_corpus] ${corpus.length} calls, ${names.length} modules kept (${members.length} files), ` +
    `${report.zip_bytes} bytes; extra ${extraNames.length} modules (${extraMembers.length} files), ` +
    `${report.extra_bytes} bytes; discovery ${report.seconds.discovery}s build ${report.seconds.build}s verify ${report.seconds.verify}s`);
}

try {
  await main();
} catch (e) {
  // Not Node's default report: it prints the minified line of pyodide.asm.mjs (1 MB).
  fail(String((e && e.stack) || e).slice(0, 4000));
}
