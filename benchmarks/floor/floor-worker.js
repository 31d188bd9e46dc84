// __RUNTIME__ is replaced by benchmarks/load.py with the site's versioned runtime directory.
import { loadPyodide } from "../__RUNTIME__pyodide.mjs";
const py = await loadPyodide({ indexURL: new URL("../__RUNTIME__", import.meta.url).href, fullStdLib: false });
postMessage(py.runPython("1+1"));
