// The real Pyodide engine in Node, for tests/site/test_instant_engine.py: boots Pyodide once from
// node_modules/pyodide, installs the calc wheel the build published (site/wheels/...), and
// answers every input of a JSON file with calc.api.estimate — the same call the page's worker
// makes. Usage: node instant_engine.mjs <wheel path> <inputs.json> <outputs.json>
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { loadPyodide } = await import(join(root, "node_modules", "pyodide", "pyodide.mjs"));
const [wheel, inFile, outFile] = process.argv.slice(2);
const py = await loadPyodide({ indexURL: join(root, "node_modules", "pyodide") + "/" });
py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
py.runPython("import calc.api");
const estimate = py.globals.get("calc").api.estimate;
const inputs = JSON.parse(readFileSync(inFile, "utf-8"));
const outputs = inputs.map((inp) => estimate(JSON.stringify(inp)));
writeFileSync(outFile, JSON.stringify({ pyodide: py.version, python: py.runPython("import sys; sys.version"), outputs }));
