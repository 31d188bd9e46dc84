import { loadPyodide } from "../pyodide/pyodide.mjs";
const py = await loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href, fullStdLib: false });
postMessage(py.runPython("1+1"));
