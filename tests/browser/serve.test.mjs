// `bouncebook serve` as a writer meets it in the browser: the page it serves carries the live-reload script,
// which shows the site's problems over the page and reloads it when a rebuild changes the pages. A template
// broken while serving brings up the error overlay (naming the file) over the last pages that built; fixing it
// takes the overlay away (without a reload, the pages being the same) and an edit reloads the page. A page
// whose front matter breaks keeps its last good version under the overlay, whose text has at least 4.5:1
// contrast in light and dark. A site broken from the start shows the error page, which turns
// into the site by itself once the writer fixes the problem. Runs the debug `bouncebook` (BOUNCEBOOK_BIN;
// cargo xtask test builds it) on a copy of tests/sites/basic.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, skipUnless, watchErrors, ROOT } from "./support.mjs";

const BIN = process.env.BOUNCEBOOK_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug/bouncebook");
const HAVE_BIN = existsSync(BIN);
const WHY = `no bouncebook binary at ${BIN} (cargo build -p generator, or set BOUNCEBOOK_BIN; cargo xtask test does)`;
const VALID_TAG = '{% extends "base.html" %}{% block main %}<h1>Tag {{ tag }}</h1>{% endblock main %}';

let browser;
const cleanup = [];

before(async () => {
  if (HAVE_BIN) browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const f of cleanup.reverse()) await f();
});

/** A copy of the basic fixture site, changed by `prepare(dir)`. */
function siteCopy(prepare = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), "bouncebook-serve-"));
  cpSync(join(ROOT, "tests/sites/basic"), dir, { recursive: true });
  prepare(dir);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `bouncebook serve` on a free port in `dir`; resolves to { url, log } once it says where it serves. */
function startServe(dir) {
  const child = spawn(BIN, ["serve", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  cleanup.push(
    () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill();
      }),
  );
  let log = "";
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start within 60 s:\n${log}`)), 60_000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      const m = / at (http:\/\/[^/\s]+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1], log: () => log });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code} before serving:\n${log}`));
    });
  });
}

/** The overlay as the writer sees it: null when there is none. */
function overlay(page) {
  return page.evaluate(() => {
    const box = document.getElementById("bouncebook-errors");
    if (!box) return null;
    const r = box.getBoundingClientRect();
    return {
      summary: box.querySelector("summary")?.textContent ?? "",
      text: box.querySelector("pre")?.textContent ?? "",
      open: box.open,
      role: box.getAttribute("role"),
      visible: r.height > 0 && r.top < innerHeight && r.bottom > 0,
    };
  });
}

test("a template broken while serving shows the overlay over the last good pages; the fix takes it away", async (t) => {
  if (skipUnless(t, HAVE_BIN, WHY)) return;
  const dir = siteCopy((d) => {
    mkdirSync(join(d, "templates"));
    writeFileSync(join(d, "templates/tag.html"), VALID_TAG);
  });
  const { url, log } = await startServe(dir);
  const page = await browser.newPage();
  const problems = watchErrors(page);
  await page.goto(url + "/articles/relay-denied/");
  const title = await page.locator("main h1").first().textContent();
  assert.equal(await overlay(page), null, "no overlay on a site without problems");

  writeFileSync(join(dir, "templates/tag.html"), "{% if %}");
  await page.waitForSelector("#bouncebook-errors", { timeout: 30_000 });
  const shown = await overlay(page);
  assert.ok(shown.visible && shown.open, `the overlay is open and on screen: ${JSON.stringify(shown)}`);
  assert.equal(shown.role, "alert");
  assert.match(shown.text, /templates\/tag\.html/, "it names the broken template");
  assert.match(shown.summary, /these pages are from the last build that worked/);
  assert.equal(await page.locator("main h1").first().textContent(), title, "the last good page stays");
  assert.match(log(), /templates\/tag\.html/, "the terminal says so too");

  // Fixed: the overlay is gone. The rebuild makes the very pages the browser shows (the broken build wrote
  // none), so the page does not reload for nothing: what it set before the fix is still there.
  await page.evaluate(() => (window.beforeTheFix = true));
  writeFileSync(join(dir, "templates/tag.html"), VALID_TAG);
  await page.waitForFunction(() => !document.getElementById("bouncebook-errors"), null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.beforeTheFix), true, "no reload: the pages did not change");
  assert.equal(await page.locator("main h1").first().textContent(), title);
  // An edit that changes the page reloads it.
  const reloaded = page.waitForEvent("load", { timeout: 30_000 });
  const article = join(dir, "content/articles/relay-denied.md");
  writeFileSync(article, readFileSync(article, "utf8") + "\nEdited while the page is open.\n");
  await reloaded;
  assert.match(await page.locator("main").textContent(), /Edited while the page is open\./);
  const tag = await page.goto(url + "/tags/quota/");
  assert.equal(tag.status(), 200);
  assert.equal(await page.locator("main h1").first().textContent(), "Tag quota", "the site's template is used again");
  assert.deepEqual(problems, [], "no exception or console error on the page");
  await page.close();
});

test("a site broken from the start shows the error page, which becomes the site once it is fixed", async (t) => {
  if (skipUnless(t, HAVE_BIN, WHY)) return;
  const config = readFileSync(join(ROOT, "tests/sites/basic/bouncebook.toml"), "utf8");
  assert.ok(config.includes("title ="), "the fixture's config has a title");
  const dir = siteCopy((d) => writeFileSync(join(d, "bouncebook.toml"), config.replace("title =", "titel =")));
  const { url } = await startServe(dir);
  const page = await browser.newPage();
  const res = await page.goto(url + "/");
  assert.equal(res.status(), 500);
  assert.equal(await page.locator("h1").textContent(), "The site could not be built");
  assert.match(await page.locator("body > pre").textContent(), /bouncebook\.toml:1:1: unknown field `titel`/);

  const reloaded = page.waitForEvent("load", { timeout: 30_000 });
  writeFileSync(join(dir, "bouncebook.toml"), config);
  await reloaded;
  await page.waitForFunction(() => document.title !== "Build failed");
  const again = await page.goto(url + "/");
  assert.equal(again.status(), 200);
  assert.ok(await page.locator("main").count(), "the site's home page");
  assert.equal(await overlay(page), null);
  await page.close();
});

/** WCAG 2 contrast of the overlay's text against what is behind it, per part: { summary, pre }. */
function overlayContrast(page) {
  return page.evaluate(() => {
    const rgb = (s) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]) => {
      const c = [r, g, b].map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    // The colour behind an element: its own background, else its ancestors', over the canvas (white).
    const behind = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const [r, g, b, a = 1] = rgb(getComputedStyle(e).backgroundColor);
        if (a > 0) layers.push([r, g, b, a]);
        if (a >= 1) break;
      }
      let out = [255, 255, 255];
      for (const [r, g, b, a] of layers.reverse()) out = [r, g, b].map((v, i) => v * a + out[i] * (1 - a));
      return out;
    };
    const ratio = (el) => {
      const [fg, bg] = [lum(rgb(getComputedStyle(el).color)), lum(behind(el))];
      return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    };
    const box = document.getElementById("bouncebook-errors");
    return { summary: ratio(box.querySelector("summary")), pre: ratio(box.querySelector("pre")) };
  });
}

test("a page whose front matter breaks stays up under the overlay, which is readable in light and dark", async (t) => {
  if (skipUnless(t, HAVE_BIN, WHY)) return;
  const dir = siteCopy();
  const { url } = await startServe(dir);
  const page = await browser.newPage();
  const problems = watchErrors(page);
  await page.goto(url + "/articles/relay-denied/");
  const title = await page.locator("main h1").first().textContent();

  const file = join(dir, "content/articles/relay-denied.md");
  const text = readFileSync(file, "utf8");
  assert.ok(text.includes('reasons = ["norelaying"]'));
  writeFileSync(file, text.replace('reasons = ["norelaying"]', 'reasons = ["norelaying"'));
  await page.waitForSelector("#bouncebook-errors", { timeout: 30_000 });
  await page.waitForFunction(() => /relay-denied\.md/.test(document.getElementById("bouncebook-errors")?.textContent ?? ""));
  assert.equal(await page.locator("main h1").first().textContent(), title, "the last good version of the page");
  const again = await page.goto(url + "/articles/relay-denied/");
  assert.equal(again.status(), 200, "not a 404 while the front matter is broken");
  await page.waitForSelector("#bouncebook-errors", { timeout: 30_000 });
  const shown = await overlay(page);
  assert.ok(shown.visible && shown.open, JSON.stringify(shown));
  assert.match(shown.text, /content\/articles\/relay-denied\.md:\d+:\d+: /);

  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    const ratios = await overlayContrast(page);
    for (const [part, ratio] of Object.entries(ratios)) {
      assert.ok(ratio >= 4.5, `${colorScheme}: the overlay's ${part} has contrast ${ratio.toFixed(2)}:1, under 4.5:1`);
    }
  }
  assert.deepEqual(problems, [], "no exception or console error on the page");
  await page.close();
});
