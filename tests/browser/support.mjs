// Shared pieces of the browser tests: a static file server (with the headers a test asks for), Debian's
// Chromium driven by playwright-core, and the site under test.
//
// The site is `$BOUNCEBOOK_SITE` (cargo xtask test builds the bundled knowledge base there with
// `bouncebook build`). Without it, a stand-in is assembled from the built widget (target/widget/) and
// content/: the widget, a site.json like the generator's, and one page with the checker. That is enough for the
// widget's own tests; the site tests (trees without JavaScript) need the real site and say so.

import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, copyFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, resolve, dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "tests/artifacts");

/** Temporary folders (browser profiles, the stand-in site), removed when the process exits. */
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
      ok({ url: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise((c) => server.close(c)) });
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

/** The built widget: `$BOUNCEBOOK_WIDGET_DIR` or target/widget/ (cargo xtask widget). */
export function widgetDir() {
  const dir = process.env.BOUNCEBOOK_WIDGET_DIR ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "widget");
  if (!existsSync(join(dir, "checker_bg.wasm"))) {
    throw new Error(`no built widget in ${dir}: run \`cargo xtask widget\` first (cargo xtask test does)`);
  }
  return dir;
}

let site = null;

/** The site under test: `{ dir, real }`, `real` false for the stand-in. */
export function siteUnderTest() {
  if (site) return site;
  if (process.env.BOUNCEBOOK_SITE) {
    site = { dir: resolve(process.env.BOUNCEBOOK_SITE), real: true };
  } else {
    site = { dir: standIn(), real: false };
  }
  return site;
}

/** The page of the site that carries the checker. */
export function checkerPath() {
  return siteUnderTest().real ? "/" : "/checker/";
}

function walk(dir, ext) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []))
    .sort();
}

function titleOf(text) {
  return /^title\s*=\s*"((?:[^"\\]|\\.)*)"/m.exec(text)?.[1] ?? "";
}

function standIn() {
  const dir = tempDir("bouncebook-site-");
  const widget = join(dir, "widget");
  mkdirSync(widget);
  for (const f of readdirSync(widgetDir())) copyFileSync(join(widgetDir(), f), join(widget, f));
  const content = join(ROOT, "content");
  const rules = walk(join(content, "rules"), ".toml").map((p) => ({
    path: p.slice(ROOT.length + 1).split(sep).join("/"),
    text: readFileSync(p, "utf8"),
  }));
  const pages = (kind, ext) =>
    Object.fromEntries(
      walk(join(content, kind), ext).map((p) => {
        const slug = p.slice(join(content, kind).length + 1, -ext.length).split(sep).join("/");
        return [`@/${kind}/${slug}${ext}`, { url: `${kind}/${slug}/`, title: titleOf(readFileSync(p, "utf8")) }];
      }),
    );
  const trees = pages("trees", ".toml");
  const siteFile = {
    version: 1,
    title: "bouncebook (stand-in)",
    rules,
    articles: pages("articles", ".md"),
    trees,
    start_tree: Object.keys(trees).find((k) => k.includes("start")) ?? null,
    search_page: "search/?q=",
  };
  writeFileSync(join(widget, "site.json"), JSON.stringify(siteFile));
  mkdirSync(join(dir, "checker"));
  writeFileSync(
    join(dir, "checker/index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Check a bounce</title><script type="module" src="../widget/bounce-checker.js"></script></head>
<body><main><h1>Check a bounce</h1><bounce-checker></bounce-checker></main></body></html>`,
  );
  return dir;
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
        reason: c.dataset.reason,
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

export { mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, join };
