// The checker on the knowledge base's own pages: real bounces pasted as a reader would (raw messages, Outlook
// and Gmail displays, one-liners) must show the right reason (as the heading the reader sees), recipients and
// article; nothing recognised must offer search and the start tree; a dropped .eml file works; a 5 MB paste
// keeps the page responsive; at desktop and phone widths, light and dark, the answer is on screen, nothing
// scrolls sideways and the card's text stands out, and screenshots land in tests/artifacts/. Any uncaught
// exception or console error on a page fails the test that caused it.

import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  serve, launch, siteUnderTest, checkerPath, paste, shown, watchErrors, layout, contrasts,
  ARTIFACTS, ROOT, mkdirSync, readFileSync, join,
} from "./support.mjs";

const FIXTURES = join(ROOT, "tests/browser/fixtures");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));

let server, browser, page, site;
/** Every request the checker page made, and when; the widget is ready at `readyAt`. */
const requests = [];
let readyAt = Infinity;
/** Per page opened, what went wrong on it: uncaught exceptions and console errors. */
const watched = [];

/** A new page whose exceptions and console errors fail the test that is running. */
async function newPage() {
  const p = await browser.newPage();
  watched.push(watchErrors(p));
  return p;
}

afterEach(() => {
  const problems = watched.flatMap((seen) => seen.splice(0));
  assert.deepEqual(problems, [], "no uncaught exception or console error on the page");
});

before(async () => {
  const s = siteUnderTest();
  site = JSON.parse(readFileSync(join(s.dir, "widget/site.json"), "utf8"));
  server = await serve(s.dir);
  browser = await launch();
  page = await newPage();
  page.on("request", (r) => requests.push({ url: r.url(), at: Date.now() }));
  await page.goto(server.url + checkerPath());
  await page.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
  readyAt = Date.now();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Fixtures whose article link was shown: every one must be. */
const linked = new Set();

/** The heading a reader sees for `reason`: its title in the site's rules. */
function titleOf(reason) {
  const info = site.rules?.reasons?.find((r) => r.reason === reason);
  assert.ok(info?.title, `the site's rules give ${reason} a title`);
  return info.title;
}

/** The absolute URL the checker must link for a `@/articles/…` or `@/trees/…` key. */
function pageUrl(map, key) {
  const entry = map[key];
  assert.ok(entry, `the site has no page for ${key}`);
  return new URL(entry.url, server.url + "/").href;
}

test("the fixtures cover at least 20 different bounces, each with an article of the site", () => {
  assert.ok(expected.length >= 20, `${expected.length} fixtures`);
  const kinds = new Set(expected.map((e) => e.file.split(".").pop() + (e.file.includes("pasted") ? "-display" : "")));
  assert.ok(kinds.has("eml") && kinds.has("txt-display") && kinds.has("txt"), [...kinds].join(", "));
  const without = expected.flatMap((e) => e.bounces.filter((b) => !site.articles[b.article]).map((b) => `${e.file}: ${b.article}`));
  assert.deepEqual(without, [], "every fixture's article is a page of the site");
});

for (const fixture of expected) {
  test(`pasting ${fixture.file} shows the reason, recipient and article`, async () => {
    const text = readFileSync(join(FIXTURES, "bounces", fixture.file), "utf8");
    const report = await paste(page, text);
    const got = await shown(page);
    assert.equal(got.cards.length, fixture.bounces.length, `cards for ${fixture.file}: ${JSON.stringify(got.cards)}`);
    assert.equal(report.bounces.length, fixture.bounces.length);
    fixture.bounces.forEach((want, i) => {
      const card = got.cards[i];
      // The reason as the reader meets it: the heading in plain words, which is the reason's own title.
      assert.equal(card.title, titleOf(want.reason), `card ${i} of ${fixture.file} is about ${want.reason}`);
      assert.notEqual(card.title, want.reason, "a plain-words title, not the reason's name");
      assert.equal(card.recipient, want.recipient);
      assert.ok(card.badge, "permanent or temporary is shown");
      assert.match(card.actor, /Who must act/);
      assert.equal(card.article, pageUrl(site.articles, want.article));
    });
    linked.add(fixture.file);
    assert.ok(got.marks.length > 0, "evidence is marked in the pasted text");
  });
}

test("every pasted bounce showed its article link", () => {
  const missing = expected.map((e) => e.file).filter((f) => !linked.has(f));
  assert.deepEqual(missing, [], `${linked.size} of ${expected.length} showed their article links`);
});

test("an Outlook NDR gets the fix: user unknown, the address, permanent, the article", async () => {
  const text = readFileSync(join(FIXTURES, "bounces/outlook-display-ndr.txt"), "utf8");
  await paste(page, text);
  const got = await shown(page);
  assert.equal(got.cards[0].title, titleOf("userunknown"));
  assert.equal(got.cards[0].recipient, "jordan.lee@contoso.example");
  assert.equal(got.cards[0].badge, "Delivery stopped");
  assert.deepEqual(got.cards[0].codes, ["550", "5.1.1"]);
  assert.ok(got.marks.some(([kind, t]) => kind === "status" && t === "5.1.1"), JSON.stringify(got.marks));
});

test("the lang attribute picks the widget's language, and English comes back without it", async () => {
  const text = readFileSync(join(FIXTURES, "bounces/outlook-display-ndr.txt"), "utf8");
  const frame = () =>
    page.evaluate(() => {
      const root = document.querySelector("bounce-checker").shadowRoot;
      return {
        prompt: root.querySelector(".bc-prompt").textContent,
        lang: root.querySelector(".bc-output").lang,
        actor: root.querySelector(".bc-actor")?.textContent,
      };
    });
  try {
    await page.evaluate(() => document.querySelector("bounce-checker").setAttribute("lang", "de-AT"));
    await paste(page, text);
    const got = await shown(page);
    assert.equal(got.cards[0].recipient, "jordan.lee@contoso.example");
    assert.equal(got.cards[0].badge, "Zustellung abgebrochen");
    const de = await frame();
    assert.match(de.prompt, /Unzustellbarkeitsnachricht/);
    assert.equal(de.lang, "de");
    assert.match(de.actor ?? "", /^Wer handeln muss:/);

    await page.evaluate(() => document.querySelector("bounce-checker").setAttribute("lang", "fr"));
    await paste(page, text + " ");
    assert.equal((await shown(page)).cards[0].badge, "Remise abandonnée");
    assert.match((await frame()).prompt, /non-remise/);
  } finally {
    await page.evaluate(() => document.querySelector("bounce-checker").removeAttribute("lang"));
  }
  await paste(page, text);
  assert.equal((await shown(page)).cards[0].badge, "Delivery stopped");
  const en = await frame();
  assert.match(en.prompt, /^Paste the bounce message/);
  assert.equal(en.lang, "en");
});

test("nothing recognised says so and offers search and the start tree", async () => {
  await paste(page, "Hi Sam, see you at the meeting on Thursday. Bring the slides.");
  const got = await shown(page);
  assert.equal(got.recognised, false);
  assert.equal(got.nothing, "Nothing recognised");
  assert.equal(got.cards.length, 0);
  assert.ok(got.search?.includes("q="), `search link: ${got.search}`);
  assert.ok(site.start_tree, "the site names a start tree");
  assert.equal(got.start, pageUrl(site.trees, site.start_tree));
});

test("a real paste (Ctrl+V) is checked at once, and typing once the reader pauses", async () => {
  const p = await newPage();
  await browser.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
  await p.goto(server.url + checkerPath());
  await p.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
  const area = p.locator("bounce-checker textarea");
  const waitResult = () =>
    p.evaluate(
      () =>
        new Promise((ok) => {
          const t = performance.now();
          const el = document.querySelector("bounce-checker");
          const on = (e) => {
            if (e.detail.bounces.length === 0) return; // the emptied box's result
            el.removeEventListener("bounce-checker-result", on);
            ok({ ms: performance.now() - t, report: e.detail });
          };
          el.addEventListener("bounce-checker-result", on);
        }),
    );
  await p.evaluate(() => navigator.clipboard.writeText("452 4.2.2 <dana@example.net>: Mailbox full, try again later"));
  await area.focus();
  const pasted = waitResult();
  await p.keyboard.press("Control+V");
  const r = await pasted;
  assert.equal(r.report.bounces[0].reason, "mailboxfull");
  assert.equal((await shown(p)).cards[0].title, titleOf("mailboxfull"));
  assert.ok(r.ms < 120, `a paste waited ${r.ms.toFixed(0)} ms (typing's pause is 150 ms)`);
  assert.equal(r.report.bounces[0].permanent, false);

  await area.fill("");
  const typed = waitResult();
  await area.pressSequentially("550 5.1.1 <eve@example.org>: user unknown", { delay: 5 });
  assert.equal((await typed).report.bounces[0].reason, "userunknown");
  assert.equal((await shown(p)).cards[0].title, titleOf("userunknown"));
  await p.close();
});

test("a dropped .eml file is read and diagnosed", async () => {
  const text = readFileSync(join(FIXTURES, "bounces/lhost-qmail-25.eml"), "utf8");
  const report = await page.evaluate(
    (text) =>
      new Promise((ok) => {
        const el = document.querySelector("bounce-checker");
        el.addEventListener("bounce-checker-result", (e) => ok(e.detail), { once: true });
        const dt = new DataTransfer();
        dt.items.add(new File([text], "bounce.eml", { type: "message/rfc822" }));
        el.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        el.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }),
    text,
  );
  assert.deepEqual(
    report.bounces.map((b) => b.reason),
    ["mailboxfull", "userunknown"],
  );
  assert.deepEqual((await shown(page)).cards.map((c) => c.title), [titleOf("mailboxfull"), titleOf("userunknown")]);
});

test("a 5 MB paste gets a result without freezing the page", async () => {
  const head = readFileSync(join(FIXTURES, "bounces/lhost-sendmail-05.eml"), "utf8");
  // The bounce first, then a 5 MB attachment: what a returned message with a big file looks like.
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n";
  const big = head + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
  const result = await page.evaluate(async (text) => {
    const el = document.querySelector("bounce-checker");
    // Count how long the page's thread is blocked: a timer that should tick every 10 ms.
    let last = performance.now();
    let worst = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    const report = await el.check(text);
    const took = performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
    clearInterval(probe);
    return { reason: report.bounces[0]?.reason, took, worst, length: text.length };
  }, big);
  console.log(`5 MB paste: ${result.took.toFixed(0)} ms to the result, longest block ${result.worst.toFixed(0)} ms`);
  assert.ok(result.length > 5_000_000);
  assert.equal(result.reason, "exceedlimit");
  assert.ok(result.worst < 400, `the page's thread was blocked for ${result.worst.toFixed(0)} ms`);
});

test("after the checker loaded, pasting made no network request", () => {
  const late = requests.filter((r) => r.at > readyAt).map((r) => r.url);
  assert.deepEqual(late, []);
  assert.ok(requests.some((r) => /\/widget\/checker_bg\.wasm(\?|$)/.test(r.url)), "the request log works");
});

test("the embedding guide's live demo works", async () => {
  const p = await newPage();
  const res = await p.goto(server.url + "/articles/embed-the-checker/");
  assert.equal(res.status(), 200);
  assert.ok(await p.evaluate(() => document.querySelector("bounce-checker")?.hasAttribute("compact")));
  const report = await paste(p, "554 5.7.1 <friend@example.org>: Relay access denied");
  assert.equal(report.bounces[0].reason, "norelaying");
  assert.equal((await shown(p)).cards[0].title, titleOf("norelaying"));
  mkdirSync(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: join(ARTIFACTS, "embed-guide.png"), fullPage: true });
  await p.close();
});

test("at desktop and phone widths, light and dark, the answer is on screen and legible (screenshots kept)", async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const text = readFileSync(join(FIXTURES, "bounces/outlook-display-ndr.txt"), "utf8");
  for (const [name, viewport, setup] of [
    ["desktop", { width: 1280, height: 900 }, async () => {}],
    ["phone", { width: 390, height: 844 }, async () => {}],
    ["phone-compact", { width: 360, height: 740 }, (p) =>
      p.evaluate(() => document.querySelector("bounce-checker").setAttribute("compact", ""))],
    ["desktop-dark", { width: 1280, height: 900 }, (p) => p.emulateMedia({ colorScheme: "dark" })],
  ]) {
    const p = await newPage();
    await p.setViewportSize(viewport);
    await p.goto(server.url + checkerPath());
    await setup(p);
    await paste(p, text);
    // What the reader sees, asserted before the screenshot is kept: nothing scrolls sideways, the answer's
    // heading is on screen, and every piece of the card's text stands out from the card (WCAG AA, 4.5:1).
    const l = await layout(p, ".bc-card .bc-title", "bounce-checker");
    assert.ok(l.found, `${name}: a card was drawn`);
    assert.ok(l.overflow <= 0, `${name}: the page scrolls sideways by ${l.overflow}px`);
    assert.ok(l.inView, `${name}: the answer's heading is not on screen: ${JSON.stringify(l)}`);
    const texts = await contrasts(p, ".bc-card", "bounce-checker");
    assert.ok(texts.length >= 5, `${name}: the card's text was measured (${texts.length} pieces)`);
    const low = texts.filter((c) => c.ratio < 4.5);
    assert.deepEqual(low, [], `${name}: text under 4.5:1 against its background`);
    await p.locator("bounce-checker").screenshot({ path: join(ARTIFACTS, `checker-${name}.png`) });
    await p.screenshot({ path: join(ARTIFACTS, `checker-${name}-page.png`), fullPage: true });
    await p.close();
  }
});
