// The page's own instant lookup (docs/assets/resident/calc-instant.js) in Node, for the agreement
// tests: stdin {blocks: {region: block}, inputs: [input]} -> stdout [answer | null].
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { Instant } = await import(join(root, "docs", "assets", "resident", "calc-instant.js"));
const { blocks, inputs } = JSON.parse(readFileSync(0, "utf-8"));
const pages = Object.fromEntries(Object.entries(blocks).map(([r, b]) => [r, new Instant(b)]));
process.stdout.write(JSON.stringify(inputs.map((inp) => pages[inp.region]?.lookup(inp) ?? null)));
