// The browser's roster engine without the browser: Pyodide in Node (node_modules/pyodide, the
// version the site vendors) with the calc wheel the build published (calc + roster), computing a
// roster CSV with roster.run on one core. Prints the CPU seconds of the best of two runs, so a busy
// machine's other work does not count. Usage: node roster_engine.mjs <wheel> <roster.csv> <region>
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { loadPyodide } = await import(join(root, "node_modules", "pyodide", "pyodide.mjs"));
const [wheel, csvFile, region] = process.argv.slice(2);
const py = await loadPyodide({ indexURL: join(root, "node_modules", "pyodide") + "/" });
py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
py.globals.set("TEXT", readFileSync(csvFile, "utf-8"));
py.globals.set("REGION", region);
py.runPython("import roster; roster.run(TEXT[:20000], REGION)");  // warm: region files, meta
let best = Infinity;
for (let i = 0; i < 2; i++) {
  const before = process.cpuUsage();
  py.runPython("roster.run(TEXT, REGION)");
  const used = process.cpuUsage(before);
  best = Math.min(best, (used.user + used.system) / 1e6);
}
console.log(JSON.stringify({ cpu: best, pyodide: py.version }));
