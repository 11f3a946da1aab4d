// The checker on the knowledge base's own pages: real bounces pasted as a reader would (raw messages, Outlook
// and Gmail displays, one-liners) must show the right reason (as the heading the reader sees), recipients and
// article; nothing recognised must offer search and the start tree; a dropped .eml file works; a 5 MB paste
// keeps the page responsive; at desktop and phone widths, light and dark, the answer is on screen, nothing
// scrolls sideways and the card's text stands out, and screenshots land in tests/artifacts/. Any uncaught
// exception or console error on a page fails the test that caused it.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  serve, launch, siteUnderTest, checkerPath, paste, shown, failOnPageErrors, layout, contrasts,
  ARTIFACTS, ROOT, mkdirSync, readFileSync, join,
} from "./support.mjs";

const FIXTURES = join(ROOT, "tests/browser/fixtures");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));

let server, browser, page, site;
/** Every request the checker page made, and when; the widget is ready at `readyAt`. */
const requests = [];
let readyAt = Infinity;
/** Per page opened, what went wrong on it: uncaught exceptions and console errors. */
const watch = failOnPageErrors();

/** A new page whose exceptions and console errors fail the test that is running. */
async function newPage() {
  const p = await browser.newPage();
  watch(p);
  return p;
}


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
  // A browser of its own: a page's clock is its whole context's, and the other tests need time to flow.
  const own = await launch();
  const p = await own.newPage();
  watch(p);
  await own.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
  await p.goto(server.url + checkerPath());
  await p.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
  // The page's clock stands still from here on, so what runs is what the widget scheduled, not how fast this
  // machine is: a paste must be answered with no time passing, typing only once the reader has paused.
  await p.clock.install();
  await p.clock.pauseAt(Date.now() + 60_000);
  await p.evaluate(() => {
    window.__results = [];
    document.querySelector("bounce-checker").addEventListener("bounce-checker-result", (e) => window.__results.push(e.detail));
  });
  const results = () => p.evaluate(() => window.__results.filter((r) => r.bounces.length > 0).map((r) => r.bounces[0]));
  const area = p.locator("bounce-checker textarea");
  await p.evaluate(() => navigator.clipboard.writeText("452 4.2.2 <dana@example.net>: Mailbox full, try again later"));
  await area.focus();
  await p.keyboard.press("Control+V");
  // A zero-delay timer is all a paste waits for; nothing near typing's 150 ms pause.
  await p.clock.runFor(1);
  await p.waitForFunction(() => window.__results.length > 0);
  const pasted = await results();
  assert.equal(pasted.length, 1, "the paste was answered with 1 ms of the page's time gone");
  assert.equal(pasted[0].reason, "mailboxfull");
  assert.equal(pasted[0].permanent, false);
  assert.equal((await shown(p)).cards[0].title, titleOf("mailboxfull"));

  await area.fill("");
  await p.clock.runFor(200);
  await p.evaluate(() => (window.__results = []));
  await area.pressSequentially("550 5.1.1 <eve@example.org>: user unknown");
  // Keys typed, no time gone: no answer yet; the reader pauses 100 ms: still none; 150 ms: checked.
  await p.clock.runFor(100);
  assert.deepEqual(await results(), [], "typing is not checked before the reader pauses");
  await p.clock.runFor(60);
  await p.waitForFunction(() => window.__results.length > 0);
  const typed = await results();
  assert.equal(typed.length, 1, "checked once, after the pause");
  assert.equal(typed[0].reason, "userunknown");
  assert.equal((await shown(p)).cards[0].title, titleOf("userunknown"));
  await own.close();
});

test("check(text) returns the answer without touching the box", async () => {
  const text = readFileSync(join(FIXTURES, "bounces/outlook-display-ndr.txt"), "utf8");
  await paste(page, text);
  const before = await page.evaluate(() => {
    const el = document.querySelector("bounce-checker");
    return { value: el.value, html: el.shadowRoot.querySelector(".bc-output").innerHTML };
  });
  assert.ok(before.html.includes("bc-card"), "an answer is shown");
  const got = await page.evaluate(async () => {
    const el = document.querySelector("bounce-checker");
    let events = 0;
    el.addEventListener("bounce-checker-result", () => events++);
    const report = await el.check("554 5.7.1 <friend@example.org>: Relay access denied");
    await new Promise((r) => setTimeout(r, 0));
    return {
      reason: report.bounces[0]?.reason,
      value: el.value,
      html: el.shadowRoot.querySelector(".bc-output").innerHTML,
      status: el.shadowRoot.querySelector(".bc-status").textContent,
      events,
    };
  });
  assert.equal(got.reason, "norelaying", "the answer for the text given");
  assert.equal(got.value, before.value, "the box keeps its text");
  assert.equal(got.html, before.html, "the answer shown is the same, node for node");
  assert.equal(got.status, "");
  assert.equal(got.events, 0, "no result event: nothing new was shown");
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

test("a 5 MB paste goes to the worker, off the page's thread", async () => {
  const head = readFileSync(join(FIXTURES, "bounces/lhost-sendmail-05.eml"), "utf8");
  // The bounce first, then a 5 MB attachment: what a returned message with a big file looks like.
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n";
  const big = head + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
  // What keeps the page responsive is where the work runs, whatever this machine's speed: every text the page
  // hands a worker is logged, and the status says "Checking…" while the worker works.
  const p = await newPage();
  await p.addInitScript(() => {
    window.__posted = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      window.__posted.push({ type: message?.type, length: message?.text?.length ?? 0 });
      return post.call(this, message, ...rest);
    };
  });
  await p.goto(server.url + checkerPath());
  await p.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
  const result = await p.evaluate(
    (text) =>
      new Promise((ok) => {
        const el = document.querySelector("bounce-checker");
        const status = el.shadowRoot.querySelector(".bc-status");
        const said = new Set();
        new MutationObserver(() => said.add(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
        el.addEventListener(
          "bounce-checker-result",
          (e) => ok({ reason: e.detail.bounces[0]?.reason, posted: window.__posted, said: [...said] }),
          { once: true },
        );
        el.value = text;
      }),
    big,
  );
  assert.ok(big.length > 5_000_000);
  assert.equal(result.reason, "exceedlimit");
  assert.ok(result.posted.some((m) => m.type === "init"), `the worker was started: ${JSON.stringify(result.posted)}`);
  assert.ok(
    result.posted.some((m) => m.type === "diagnose" && m.length === big.length),
    `the whole text went to the worker: ${JSON.stringify(result.posted)}`,
  );
  assert.ok(result.said.includes("Checking…"), `the status said so meanwhile: ${JSON.stringify(result.said)}`);
  // A short paste stays on the page's thread (a worker round trip would cost more than it saves).
  await paste(p, "550 5.1.1 <eve@example.org>: user unknown");
  const posted = await p.evaluate(() => window.__posted.filter((m) => m.type === "diagnose").length);
  assert.equal(posted, 1, "only the long text went to the worker");
  await p.close();
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
