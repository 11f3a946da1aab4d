// Shared pieces of the browser tests: a static file server (with the headers a test asks for), Debian's
// Chromium driven by playwright-core, and the site under test.
//
// The site is `$BOUNCEBOOK_SITE`, else target/browser-site/, where `cargo xtask test` builds the bundled
// knowledge base with `bouncebook build`. There is no stand-in: without a built site every test fails, saying how
// to build one.

import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, copyFileSync, existsSync, rmSync, appendFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";
import { tmpdir } from "node:os";
import { join, extname, resolve, dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterEach } from "node:test";
import assert from "node:assert/strict";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "tests/artifacts");

/** Temporary folders (browser profiles), removed when the process exits. */
const scratch = [];
process.on("exit", () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * Serves `root` on 127.0.0.1 (a free port). `headers(path)` adds response headers; `pages` maps a path to a
 * page's HTML (for test pages that are not files). Resolves to { url, close, requests } where `requests` lists
 * every path asked for.
 */
export function serve(root, { headers = () => ({}), pages = {} } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    const extra = headers(path);
    if (pages[path] !== undefined) {
      res.writeHead(200, { "content-type": TYPES[extname(path) || ".html"], ...extra });
      res.end(pages[path]);
      return;
    }
    let file = join(root, path);
    if (!file.startsWith(resolve(root) + sep) && file !== resolve(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".txt"], ...extra }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...extra });
    res.end(readFileSync(file));
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise((c) => {
        server.close(c);
        // Keep-alive connections a browser still holds would keep the server open for minutes.
        server.closeAllConnections();
      }) });
    }),
  );
}

/** Debian's Chromium, headless, with a fresh profile. `javaScriptEnabled: false` for the no-script tests. */
export async function launch(options = {}) {
  const profile = tempDir("bouncebook-chromium-");
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    ...options,
  });
}

/** Whether this runs under CI (`CI` set to anything but empty, `0` or `false`), where no test may skip. */
export const CI = !["", "0", "false"].includes((process.env.CI ?? "").trim());

/**
 * Skips test `t` unless `ok`, because of `why` (what is missing and how to get it): returns true when the
 * caller must return. Under CI it throws instead, so the test fails saying what is missing. The skip is one
 * line on standard error, node's own "# SKIP" in the report (and its count at the end), and a line in the log
 * `cargo xtask test` counts (`BOUNCEBOOK_SKIP_LOG`).
 */
export function skipUnless(t, ok, why) {
  if (ok) return false;
  if (CI) throw new Error(`${t.name}: ${why}; under CI=true no test may skip`);
  const line = `SKIPPED ${t.name}: ${why}`;
  console.error(line);
  if (process.env.BOUNCEBOOK_SKIP_LOG) appendFileSync(process.env.BOUNCEBOOK_SKIP_LOG, line + "\n");
  t.skip(why);
  return true;
}

/**
 * Collects what goes wrong on `page`: uncaught exceptions and console errors. The caller asserts the list is
 * empty (a test that logs page errors but never fails on them proves nothing).
 */
export function watchErrors(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  return problems;
}

/** For the test file that calls it: an `afterEach` that fails the test that was running when a watched page had an
 * uncaught exception or a console error. Returns the function that puts a page under watch (and returns it). */
export function failOnPageErrors() {
  const watched = [];
  afterEach(() => {
    const problems = watched.flatMap((seen) => seen.splice(0));
    assert.deepEqual(problems, [], "no uncaught exception or console error on the page");
  });
  return (page) => {
    watched.push(watchErrors(page));
    return page;
  };
}

let site = null;

/** The site under test: `{ dir }`, the folder `bouncebook build` wrote. Throws, saying how to get one, without it. */
export function siteUnderTest() {
  if (site) return site;
  const dir = resolve(process.env.BOUNCEBOOK_SITE ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "browser-site"));
  if (!existsSync(join(dir, "widget/site.json")) || !existsSync(join(dir, "index.html"))) {
    throw new Error(
      `no site built by bouncebook with its checker at ${dir}: run \`cargo xtask widget\`, then ` +
        `\`cargo run -p generator --bin bouncebook -- build --output ${dir}\` (cargo xtask test does both), or set BOUNCEBOOK_SITE`,
    );
  }
  site = { dir };
  return site;
}

/** The page of the site that carries the checker: the home page. */
export function checkerPath() {
  return "/";
}

/** Pastes `text` into the checker on `page` (as a reader would) and waits for the result to be drawn. */
export async function paste(page, text, selector = "bounce-checker") {
  await page.waitForFunction((sel) => document.querySelector(sel)?._ready === true, selector);
  return page.evaluate(
    ([sel, text]) =>
      new Promise((ok) => {
        const el = document.querySelector(sel);
        el.addEventListener("bounce-checker-result", (e) => ok(e.detail), { once: true });
        const area = el.shadowRoot.querySelector("textarea");
        area.focus();
        // What a browser does on paste: the paste event, the text goes in, an input event says how.
        area.dispatchEvent(new ClipboardEvent("paste", { bubbles: true }));
        area.value = text;
        area.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
      }),
    [selector, text],
  );
}

/** What the checker shows, read from its shadow root. */
export function shown(page, selector = "bounce-checker") {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    const text = (el) => el?.textContent.trim() ?? null;
    return {
      recognised: root.querySelector(".bc-result")?.dataset.recognised === "true",
      nothing: text(root.querySelector(".bc-none .bc-title")),
      cards: [...root.querySelectorAll(".bc-card")].map((c) => ({
        title: text(c.querySelector(".bc-title")),
        recipient: text(c.querySelector(".bc-address")),
        badge: text(c.querySelector(".bc-badge")),
        actor: text(c.querySelector(".bc-actor")),
        codes: [...c.querySelectorAll(".bc-code dt code")].map((e) => e.textContent),
        article: c.querySelector(".bc-article a")?.href ?? null,
        tree: c.querySelector(".bc-tree a")?.href ?? null,
      })),
      marks: [...root.querySelectorAll("mark")].map((m) => [m.dataset.kind, m.textContent]),
      start: root.querySelector(".bc-start a")?.href ?? null,
      search: root.querySelector(".bc-search-link a")?.href ?? null,
    };
  }, selector);
}

/** Brotli at quality 11, as a static host precompresses files. */
export const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/**
 * What a page with nothing but the snippet downloads when it embeds the widget of the knowledge base at
 * `siteDir`: every response until the widget is ready, each path once, with its raw and brotli size.
 * `mode` "linked": another site's page loads the widget from the knowledge base's origin (no worker: browsers
 * forbid one across origins); "copied": the page's own origin serves the widget folder (so it also starts the
 * worker). The bench prints this, and the budget test holds both to the budget.
 */
export async function embedDownloads(browser, siteDir, mode = "linked") {
  const kb = await serve(siteDir, { headers: () => ({ "access-control-allow-origin": "*" }) });
  const src = mode === "copied" ? "/widget/bounce-checker.js" : `${kb.url}/widget/bounce-checker.js`;
  const provider = await serve(siteDir, {
    pages: {
      "/embed.html":
        `<!doctype html><meta charset="utf-8"><script type="module" src="${src}"></script>` +
        `<bounce-checker kb="${kb.url}/"></bounce-checker>`,
    },
  });
  const page = await browser.newPage();
  try {
    const fetched = [];
    page.on("response", (r) => fetched.push(r));
    await page.goto(provider.url + "/embed.html");
    await page.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
    const downloads = [];
    for (const r of fetched) {
      const url = new URL(r.url());
      if (url.pathname === "/embed.html") continue;
      // The worker imports checker.js again (its own module map); a host's cache headers make that a cache hit.
      if (downloads.some((d) => d.path === url.pathname)) continue;
      const bytes = await r.body();
      downloads.push({ path: url.pathname, origin: url.origin, raw: bytes.length, brotli: brotli(bytes) });
    }
    return { downloads, origin: mode === "copied" ? provider.origin : kb.origin };
  } finally {
    await page.close();
    await kb.close();
    await provider.close();
  }
}

/**
 * Runs in the page: the WCAG 2 contrast ratio of every piece of text inside `selector` (reached through
 * `host`'s shadow root when `host` is given) against the colour behind it (the nearest ancestors'
 * backgrounds, composed, over the canvas), as `[{ text, ratio, fg, bg }]`.
 */
export function contrasts(page, selector, host = null) {
  return page.evaluate(
    ([selector, host]) => {
      const parse = (c) => {
        const m = /rgba?\(([^)]+)\)/.exec(c);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r, g, b, a };
      };
      const over = (top, below) => {
        const a = top.a + below.a * (1 - top.a);
        const mix = (k) => (a === 0 ? 0 : (top[k] * top.a + below[k] * below.a * (1 - top.a)) / a);
        return { r: mix("r"), g: mix("g"), b: mix("b"), a };
      };
      const parentOf = (el) => el.parentElement ?? el.getRootNode().host ?? null;
      const behind = (el) => {
        const layers = [];
        for (let e = el; e; e = parentOf(e)) {
          const bg = parse(getComputedStyle(e).backgroundColor);
          if (bg && bg.a > 0) layers.push(bg);
          if (bg && bg.a >= 1) break;
        }
        // The canvas: the browser's default, white in light mode and black in dark.
        let colour = matchMedia("(prefers-color-scheme: dark)").matches &&
          getComputedStyle(document.documentElement).colorScheme.includes("dark")
          ? { r: 18, g: 18, b: 18, a: 1 }
          : { r: 255, g: 255, b: 255, a: 1 };
        for (const layer of layers.reverse()) colour = over(layer, colour);
        return colour;
      };
      const luminance = ({ r, g, b }) => {
        const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      };
      const root = host ? document.querySelector(host).shadowRoot : document;
      const out = [];
      for (const scope of root.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n.textContent.trim();
          const el = n.parentElement;
          if (!text || !el || el.getClientRects().length === 0 || el.closest("[hidden]")) continue;
          const style = getComputedStyle(el);
          if (style.visibility === "hidden" || (el.closest("details:not([open])") && !el.closest("summary"))) continue;
          const bg = behind(el);
          const fg = over(parse(style.color), bg);
          const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
          out.push({ text: text.slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05), fg: style.color, bg: `rgb(${bg.r.toFixed(0)}, ${bg.g.toFixed(0)}, ${bg.b.toFixed(0)})` });
        }
      }
      return out;
    },
    [selector, host],
  );
}

/**
 * Runs in the page: what a reader sees of the page at its current size: how far it scrolls sideways, and whether
 * `selector` (inside `host`'s shadow root when given) is wholly inside the viewport.
 */
export function layout(page, selector, host = null) {
  return page.evaluate(
    ([selector, host]) => {
      const root = host ? document.querySelector(host).shadowRoot : document;
      const el = root.querySelector(selector);
      const r = el?.getBoundingClientRect();
      return {
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        found: !!el,
        inView: !!r && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
        rect: r ? { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) } : null,
        viewport: { width: innerWidth, height: innerHeight },
      };
    },
    [selector, host],
  );
}

export { mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, join };
