// Lays sheets out with the browser's 明白纸 layout (docs/assets/shared/mingbai.js) and prints them as
// HTML, for tests/unit/test_mingbai_markup.py: node mingbai_tree.mjs <sheets.json>  (stdout: JSON list)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { sheetTree } = await import(pathToFileURL(resolve(here, "../../docs/assets/shared/mingbai.js")).href);

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const VOID = new Set(["img", "br", "input", "meta", "link"]);
function html(t) {
  if (typeof t === "string") return esc(t);
  const [tag, attrs, ...kids] = t;
  const a = Object.entries(attrs || {}).filter(([, v]) => v !== null && v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}=""` : ` ${k}="${esc(v)}"`)).join("");
  return VOID.has(tag) ? `<${tag}${a}>` : `<${tag}${a}>${kids.map(html).join("")}</${tag}>`;
}

const cases = JSON.parse(readFileSync(process.argv[2], "utf-8"));
process.stdout.write(JSON.stringify(cases.map(([sheet, attrs]) => html(sheetTree(sheet, attrs)))));
