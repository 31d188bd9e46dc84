// One walk of a resident's main path in another browser engine, printed as JSON: open a URL on a
// 360-px phone, optionally type a bill amount and tap 算一算, then report what is on screen
// (look.js), every script error and every URL the page asked for.
//   node tests/engines/walk.mjs chromium92|firefox <url> [amount]
// chromium92: npm @sparticuz/chromium@92.0.0 (the Chromium of older WeChat kernels), brotli-packed
//   in the package, unpacked once into .build/chromium92/ (with its own NSS libraries), driven by
//   puppeteer-core@10 over CDP.
// firefox: Debian's firefox-esr (/usr/bin/firefox), driven by a current puppeteer-core over
//   WebDriver BiDi (npm alias puppeteer-core-latest).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";

const require = createRequire(import.meta.url);
const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, "../..");
const LOOK = fs.readFileSync(path.join(HERE, "look.js"), "utf-8");
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

function chromium92() {
  const pkg = path.join(ROOT, "node_modules/@sparticuz/chromium/bin");
  const cache = path.join(ROOT, ".build/chromium92");
  const exe = path.join(cache, "chromium");
  if (!fs.existsSync(exe)) {
    fs.mkdirSync(cache, { recursive: true });
    const inflate = (name) => zlib.brotliDecompressSync(fs.readFileSync(path.join(pkg, name)));
    fs.writeFileSync(path.join(cache, "aws.tar"), inflate("aws.tar.br"));
    execFileSync("tar", ["-xf", "aws.tar"], { cwd: cache });
    fs.writeFileSync(exe + ".part", inflate("chromium.br"), { mode: 0o755 });
    fs.renameSync(exe + ".part", exe);
  }
  const lib = [path.join(cache, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  // --no-zygote: this build's zygote does not start outside its Lambda sandbox
  return require("puppeteer-core").launch({ executablePath: exe, headless: true, args: [...FLAGS, "--no-zygote"],
    env: { ...process.env, LD_LIBRARY_PATH: lib } });
}

function firefox() {
  return require("puppeteer-core-latest").launch({ browser: "firefox", executablePath: "/usr/bin/firefox",
    headless: true, protocol: "webDriverBiDi", extraPrefsFirefox: { "network.dns.disableIPv6": true } });
}

const settled = (page, sel, ms) => page.waitForSelector(sel, { timeout: ms }).then(() => true, () => false);

export async function walk(engine, url, amount) {
  const browser = await (engine === "firefox" ? firefox() : chromium92());
  const out = { engine, version: await browser.version(), errors: [], requests: [] };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 360, height: 740, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page.on("pageerror", (e) => out.errors.push(String((e && e.message) || e)));
    page.on("request", (r) => out.requests.push(r.url()));
    await page.goto(url, { waitUntil: "load", timeout: 90000 });
    await settled(page, '#calc-result[data-state="done"], #calc-failed:not([hidden])', 30000);
    if (amount) {
      out.linked = await page.evaluate(LOOK);  // the share link's answer, before typing
      // typed amounts need the engine where it can run (the Pyodide boot: generous on a loaded box)
      const readyOrFailed = '#calculator[data-ready="true"], #calc-failed:not([hidden]) #calc-retry';
      await settled(page, readyOrFailed, 150000);
      if (await page.$("#calc-failed:not([hidden]) #calc-retry")) {
        // a start that ran out of time on a loaded machine: the page says so and offers 重试, as a
        // resident would tap it (what it said is kept for the test's message)
        out.startFailed = await page.$eval("#calc-failed", (e) => e.textContent.trim());
        await page.click("#calc-retry");
        await settled(page, '#calculator[data-ready="true"]', 150000);
      }
      out.engineReady = Boolean(await page.$('#calculator[data-ready="true"]'));
      await page.$eval("#calc-stay0-total", (e, v) => { e.value = v; e.dispatchEvent(new Event("input", { bubbles: true })); }, amount);
      await page.$eval("#calc-result", (e) => { e.dataset.state = "stale"; });
      await page.click("#calc-submit");
      await settled(page, '#calc-result[data-state="done"], #calc-result[data-state="error"], #calc-failed:not([hidden])', 30000);
    }
    await new Promise((r) => setTimeout(r, 1500));  // anything the page would still start
    out.look = await page.evaluate(LOOK);
  } finally {
    await browser.close();
  }
  return out;
}

if (process.argv[1] && process.argv[1].endsWith("walk.mjs")) {
  walk(process.argv[2], process.argv[3], process.argv[4]).then((o) => { process.stdout.write(JSON.stringify(o)); },
    (e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(1); });
}
