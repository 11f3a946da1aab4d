// With JavaScript on, a decision tree's start page becomes one inline wizard (themes/default/js/tree.js): one step
// at a time, options as buttons, "Back" and "Start over", the outcome with its fix and article, the way taken in
// the URL fragment (#/<id>/<id>/…), focus on each new step's heading. The site is served under a strict CSP —
// scripts and styles from its own origin only, and Trusted Types, so any innerHTML would throw — and every test
// fails on a console error or an uncaught exception.
//
// The tests read the tree's shape from the page's own <template> (which answer leads where), so they hold for any
// tree: they walk the site's start tree, as the checker offers it. Screenshots of a question and an outcome at
// desktop and phone widths land in tests/artifacts/tree-*.png.

import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, siteUnderTest, layout, contrasts, readFileSync, join, mkdirSync, ARTIFACTS } from "./support.mjs";

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "require-trusted-types-for 'script'",
].join("; ");

let server, browser, start, problems;

before(async () => {
  const site = JSON.parse(readFileSync(join(siteUnderTest().dir, "widget/site.json"), "utf8"));
  const key = site.start_tree ?? Object.keys(site.trees)[0];
  assert.ok(key, "the site has decision trees");
  server = await serve(siteUnderTest().dir, { headers: () => ({ "content-security-policy": CSP }) });
  start = new URL(site.trees[key].url, server.url + "/").href;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(() => {
  if (!problems) return;
  const seen = problems;
  problems = null;
  assert.deepEqual(seen, [], "no console errors, CSP violations or exceptions");
});

/** A page of the start tree, watched for console errors and exceptions. */
async function open(fragment = "") {
  const page = await browser.newPage();
  problems = [];
  const mine = problems;
  page.on("console", (m) => m.type() === "error" && mine.push(m.text()));
  page.on("pageerror", (e) => mine.push(String(e)));
  await page.goto(start + fragment);
  await page.waitForSelector(".tree-wizard .wizard-step");
  return page;
}

/** What the wizard shows. */
function shown(page) {
  return page.evaluate(() => {
    const w = document.querySelector(".tree-wizard");
    const step = w.querySelector(".wizard-step");
    const visible = (el) => !!el && !el.closest("[hidden]") && el.getClientRects().length > 0;
    return {
      id: step.dataset.step,
      number: step.querySelector(".step-number").textContent,
      heading: step.querySelector(".question").textContent.trim(),
      focused: document.activeElement === step.querySelector(".question"),
      options: [...step.querySelectorAll("button[data-next]")].map((b) => b.dataset.next),
      fix: step.querySelector(".fix")?.textContent.trim() ?? null,
      article: step.querySelector(".outcome-article a")?.href ?? null,
      back: visible(w.querySelector("[data-go=back]")),
      restart: visible(w.querySelector("[data-go=restart]")),
      status: w.querySelector("[role=status]").textContent,
      hash: location.hash,
      noScriptSteps: document.querySelectorAll(".tree-walk").length,
      title: document.title,
    };
  });
}

/** The tree's shape from the page's template: start id and, per step, the ids its options lead to. */
function shape(page) {
  return page.evaluate(() => {
    const tpl = document.querySelector("template.tree-wizard");
    const next = {};
    for (const s of tpl.content.querySelectorAll("[data-step]")) {
      next[s.dataset.step] = [...s.querySelectorAll("[data-next]")].map((b) => b.dataset.next);
    }
    return { start: tpl.dataset.start, next };
  });
}

/** A way from the start to an outcome with at least two answers (a question after the first), if there is one. */
async function longWay(page) {
  const { start, next } = await shape(page);
  const walk = (at, path) => {
    if (next[at].length === 0) return path.length >= 2 ? path : null;
    for (const n of next[at]) {
      const found = walk(n, [...path, n]);
      if (found) return found;
    }
    return null;
  };
  const way = walk(start, []);
  assert.ok(way, "the start tree has a question after the first one");
  return way;
}

const answer = (page, id) => page.click(`.tree-wizard .wizard-step button[data-next="${id}"]`);
const settled = (page, hash) => page.waitForFunction((h) => location.hash === h, hash);

test("with JavaScript, the start tree is walked to an outcome by clicking answers", async () => {
  const page = await open();
  let now = await shown(page);
  assert.equal(now.noScriptSteps, 0, "the no-script first step gave way to the wizard");
  assert.equal(now.number, "Step 1");
  assert.equal(now.focused, false, "opening the page leaves focus alone");
  assert.equal(now.back, false, "nothing to go back to on the first step");
  assert.equal(now.restart, false);
  const way = [];
  for (let n = 2; now.options.length > 0; n++) {
    assert.ok(n < 30, "an outcome within 30 answers");
    const id = now.options[0];
    way.push(id);
    await answer(page, id);
    now = await shown(page);
    assert.equal(now.id, id);
    assert.equal(now.hash, `#/${way.join("/")}`, "the way taken is in the fragment");
    assert.equal(now.focused, true, "focus moved to the new step's heading");
    assert.equal(now.status, now.number, "the live region says which step this is");
    assert.ok(now.back && now.restart);
    if (now.options.length > 0) assert.equal(now.number, `Step ${n}`);
  }
  assert.equal(now.number, "Result");
  assert.ok(now.fix, "the outcome shows its fix");
  assert.ok(now.article, "the outcome links its article");
  assert.ok(now.title.startsWith(now.heading.replace(/^Result\s*✓?\s*/, "")), `the page title names the outcome: ${now.title}`);
  const article = await page.request.get(now.article);
  assert.equal(article.status(), 200, `the article ${now.article} exists`);
  // The same outcome is a page of its own without JavaScript.
  const own = await page.request.get(new URL(`${now.id}/`, start).href);
  assert.equal(own.status(), 200);
  await page.close();
});

test("Back, the browser's back and forward buttons, and Start over", async () => {
  const page = await open();
  const way = await longWay(page);
  for (const id of way) await answer(page, id);
  const end = `#/${way.join("/")}`;
  const before = `#/${way.slice(0, -1).join("/")}`;
  assert.equal((await shown(page)).hash, end);

  await page.click(".tree-wizard [data-go=back]");
  await settled(page, before);
  let now = await shown(page);
  assert.equal(now.id, way.at(-2), "Back shows the previous step");
  assert.equal(now.focused, true);

  // Our Back undid the answer in the history, so the browser's forward button redoes it.
  await page.goForward();
  await settled(page, end);
  assert.equal((await shown(page)).id, way.at(-1));
  await page.goBack();
  await settled(page, before);
  now = await shown(page);
  assert.equal(now.id, way.at(-2), "the browser's back button goes one step back");
  assert.equal(now.focused, true, "and moves focus to that step");

  await page.click(".tree-wizard [data-go=restart]");
  now = await shown(page);
  assert.equal(now.hash, "", "Start over clears the fragment");
  assert.equal(now.number, "Step 1");
  assert.equal(now.focused, true);
  assert.equal(now.back, false);
  assert.equal(new URL(page.url()).pathname, new URL(start).pathname, "and stays on the page");

  // Starting over is a step in the history too.
  await page.goBack();
  await settled(page, before);
  assert.equal((await shown(page)).id, way.at(-2));

  // What a reader sees at each width, asserted before each screenshot is kept: nothing scrolls sideways, the
  // step's heading is on screen, and every piece of the step's text stands out from what is behind it.
  mkdirSync(ARTIFACTS, { recursive: true });
  const seen = async (what) => {
    const l = await layout(page, ".tree-wizard .wizard-step .question");
    assert.ok(l.overflow <= 0, `${what}: the page scrolls sideways by ${l.overflow}px`);
    assert.ok(l.inView, `${what}: the step's heading is not on screen: ${JSON.stringify(l)}`);
    const low = (await contrasts(page, ".tree-wizard .wizard-step")).filter((c) => c.ratio < 4.5);
    assert.deepEqual(low, [], `${what}: text under 4.5:1 against its background`);
  };
  for (const [name, width] of [["desktop", 1280], ["phone", 390]]) {
    await page.setViewportSize({ width, height: 900 });
    await seen(`the question at ${width}px`);
    await page.screenshot({ path: join(ARTIFACTS, `tree-question-${name}.png`), fullPage: true });
    await answer(page, way.at(-1));
    await seen(`the outcome at ${width}px`);
    await page.screenshot({ path: join(ARTIFACTS, `tree-outcome-${name}.png`), fullPage: true });
    await page.click(".tree-wizard [data-go=back]");
    await settled(page, before);
  }
  await page.close();
});

test("a fragment URL opens (and reloads) on its step, and Back still works from it", async () => {
  let page = await open();
  const way = await longWay(page);
  await page.close();

  page = await open(`#/${way.join("/")}`);
  let now = await shown(page);
  assert.equal(now.id, way.at(-1), "a shared link opens on its step");
  assert.equal(now.number, "Result");
  await page.reload();
  await page.waitForSelector(".tree-wizard .wizard-step");
  assert.equal((await shown(page)).id, way.at(-1), "a reload keeps the step");

  // Nothing in this tab's history leads here, so Back replaces the step with the one before it.
  await page.click(".tree-wizard [data-go=back]");
  now = await shown(page);
  assert.equal(now.id, way.at(-2));
  assert.equal(now.hash, `#/${way.slice(0, -1).join("/")}`);
  assert.equal(now.focused, true);
  await page.close();

  // A fragment that names a step the way does not reach stops where the way breaks.
  page = await open(`#/${way[0]}/no-such-step`);
  now = await shown(page);
  assert.equal(now.id, way[0]);
  assert.equal(now.hash, `#/${way[0]}`, "the fragment is tidied to the steps shown");
  await page.close();

  // Fragments that are not the wizard's (the skip link's #main) leave it alone.
  page = await open();
  await answer(page, way[0]);
  await page.evaluate(() => document.querySelector(".skip-link").click());
  await settled(page, "#main");
  assert.equal((await shown(page)).id, way[0]);
  await page.goBack();
  await settled(page, `#/${way[0]}`);
  assert.equal((await shown(page)).id, way[0]);
  await page.close();
});

test("the tree can be walked with the keyboard alone", async () => {
  const page = await open();
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return { next: el?.dataset.next ?? null, go: el?.dataset.go ?? null, heading: el?.classList.contains("question") ?? false };
    });
  /** Presses Tab until `want(focused)` holds; fails after 40 presses. */
  const tabTo = async (want, what) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      if (want(await focused())) return;
    }
    assert.fail(`Tab never reached ${what}`);
  };

  // The long way, so that Back leads to a question that has a "Start over".
  const way = await longWay(page);
  let now;
  for (const [n, id] of way.entries()) {
    await tabTo((f) => f.next === id, `the answer leading to ${id}`);
    const key = n % 2 ? "Space" : "Enter";
    await page.keyboard.press(key);
    now = await shown(page);
    assert.equal(now.id, id, `${key} on an answer takes it`);
    assert.equal(now.focused, true, "focus is on the new step's heading, so Tab goes on from there");
  }
  assert.equal(now.number, "Result");
  const outcome = now.id;

  await tabTo((f) => f.go === "back", "Back");
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => document.querySelector(".tree-wizard .wizard-step")?.dataset.step !== id, outcome);
  now = await shown(page);
  assert.ok(now.options.includes(outcome), "Back returns to the question that led to the outcome");
  assert.equal(now.focused, true);

  await tabTo((f) => f.go === "restart", "Start over");
  await page.keyboard.press("Enter");
  now = await shown(page);
  assert.equal(now.number, "Step 1");
  assert.equal(now.focused, true);
  await page.close();
});
