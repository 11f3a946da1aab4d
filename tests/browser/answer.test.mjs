// What a reader meets in the checker's answer (issue 13): the card never contradicts itself (whether the sending
// server stopped is one fact, whether sending again later can work another: a full mailbox can clear, RFC 3463
// X.2.2); the most specific article comes first (Microsoft 365's 5.1.10 has its own); "couldn't classify" is never
// a related article of a classified bounce; the evidence box opens on its first mark; a visible Check button and
// Ctrl+Enter check the text; screenshots at desktop and phone widths land in tests/artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  serve, launch, siteUnderTest, checkerPath, paste, shown, failOnPageErrors, ARTIFACTS, ROOT, mkdirSync, readFileSync,
  readdirSync, join,
} from "./support.mjs";

const FIXTURES = join(ROOT, "tests/browser/fixtures/bounces");
const fixture = (name) => readFileSync(join(FIXTURES, name), "utf8");

let server, browser, page, site;
const watch = failOnPageErrors();


before(async () => {
  const s = siteUnderTest();
  site = JSON.parse(readFileSync(join(s.dir, "widget/site.json"), "utf8"));
  server = await serve(s.dir);
  browser = await launch();
  page = await browser.newPage();
  watch(page);
  await page.goto(server.url + checkerPath());
  await page.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The first card's sentence on what happens next, and the whole card's text. */
const cardText = () =>
  page.evaluate(() => {
    const card = document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-card");
    return { means: card.querySelector(".bc-means").textContent, all: card.textContent };
  });

test("a full mailbox: delivery stopped, and sending later can work — never 'will fail the same way'", async () => {
  await paste(page, "552 5.2.2 <ann@example.org>: Mailbox full, over quota");
  const got = await shown(page);
  assert.equal(got.cards[0].badge, "Delivery stopped");
  const { means, all } = await cardText();
  assert.match(means, /can clear/);
  assert.match(means, /later can work/);
  assert.doesNotMatch(all, /fail the same way/);
  assert.doesNotMatch(all, /Permanent/);
});

test("a delayed full mailbox is still being retried; an unknown user's address is bad; a block needs a fix", async () => {
  await paste(page, fixture("one-liner-quota.txt"));
  assert.equal((await shown(page)).cards[0].badge, "Still retrying");
  assert.match((await cardText()).means, /keeps retrying/);

  await paste(page, "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table");
  assert.equal((await shown(page)).cards[0].badge, "Delivery stopped");
  assert.match((await cardText()).means, /the address itself is bad/);

  await paste(page, "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org");
  assert.match((await cardText()).means, /fail the same way until the cause is fixed/);
});

test("a Microsoft 365 5.1.10 bounce links the dedicated 5.1.10 article and names the code as Microsoft means it", async () => {
  await paste(page, fixture("lhost-office365-01-pasted.txt"));
  const got = await shown(page);
  const want = new URL(site.articles["@/articles/microsoft-5-1-10-recipient-not-found.md"].url, server.url + "/").href;
  assert.equal(got.cards[0].article, want);
  const headline = await page.evaluate(() =>
    [...document.querySelector("bounce-checker").shadowRoot.querySelectorAll(".bc-code")]
      .find((row) => row.querySelector("dt code").textContent === "5.1.10")
      ?.querySelector("dd strong")?.textContent,
  );
  assert.match(headline ?? "", /^Recipient not found/, "Microsoft's sense of 5.1.10, not RFC 7505's null MX");
});

test("no classified bounce lists 'a bounce the checker couldn't classify' among its related articles", async () => {
  const unknown = new URL(site.articles["@/articles/unknown-bounces.md"].url, server.url + "/").href;
  let classified = 0;
  let related = 0;
  for (const name of readdirSync(FIXTURES).sort()) {
    const report = await paste(page, fixture(name));
    const hits = await page.evaluate(() =>
      [...document.querySelector("bounce-checker").shadowRoot.querySelectorAll(".bc-search a")].map((a) => a.href),
    );
    related += hits.length;
    if (!report.recognised) continue;
    classified++;
    assert.ok(!hits.includes(unknown), `${name}: related articles ${JSON.stringify(hits)}`);
    assert.ok(report.not_related.includes(unknown), `${name}: the answer names the page never to relate`);
  }
  assert.ok(classified >= 20, `${classified} fixtures classified`);
  assert.ok(related > 0, "related articles were shown at all");
});

test("the evidence box opens on its first mark, and the recipient is marked", async () => {
  await paste(page, fixture("lhost-office365-03.eml"));
  const view = await page.evaluate(() => {
    const root = document.querySelector("bounce-checker").shadowRoot;
    const pre = root.querySelector(".bc-pasted");
    const mark = pre.querySelector("mark");
    const p = pre.getBoundingClientRect();
    const m = mark.getBoundingClientRect();
    return {
      scrolls: pre.scrollHeight > pre.clientHeight,
      scrollTop: pre.scrollTop,
      inside: m.top >= p.top && m.bottom <= p.bottom,
      focusable: pre.tabIndex === 0,
    };
  });
  assert.ok(view.scrolls, "this bounce is longer than the box (else the test proves nothing)");
  assert.ok(view.scrollTop > 0, JSON.stringify(view));
  assert.ok(view.inside, JSON.stringify(view));
  assert.ok(view.focusable, "the scrolling box can be reached by keyboard");
  const got = await shown(page);
  assert.ok(got.marks.some(([kind]) => kind === "recipient"), JSON.stringify(got.marks));
});

test("a visible Check button and Ctrl+Enter check the text; Enter alone adds a line", async () => {
  const text = "550 5.1.1 <carol@example.org>: User unknown";
  const set = (t) =>
    page.evaluate((t) => {
      const el = document.querySelector("bounce-checker");
      el.shadowRoot.querySelector(".bc-output").textContent = "";
      el.shadowRoot.querySelector("textarea").value = t; // no input event: only the button or keys may check
    }, t);
  const result = () =>
    page.evaluate(
      () =>
        new Promise((ok) =>
          document.querySelector("bounce-checker").addEventListener("bounce-checker-result", (e) => ok(e.detail), { once: true }),
        ),
    );
  await set(text);
  const button = page.locator("bounce-checker .bc-check");
  assert.ok(await button.isVisible(), "the Check button is visible");
  assert.equal((await button.textContent()).trim(), "Check");
  let done = result();
  await button.click();
  assert.equal((await done).bounces[0].recipient, "carol@example.org");

  await set(text);
  await page.locator("bounce-checker textarea").focus();
  done = result();
  await page.keyboard.press("Control+Enter");
  assert.equal((await done).bounces[0].recipient, "carol@example.org");
  assert.equal(await page.locator("bounce-checker textarea").inputValue(), text, "Ctrl+Enter adds no newline");
});

test("the answer at desktop and phone widths (screenshots kept)", async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, viewport] of [
    ["desktop", { width: 1280, height: 900 }],
    ["phone", { width: 390, height: 844 }],
  ]) {
    await page.setViewportSize(viewport);
    await paste(page, "552 5.2.2 <ann@example.org>: Mailbox full, over quota");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    await page.locator("bounce-checker").screenshot({ path: join(ARTIFACTS, `answer-mailbox-full-${name}.png`) });
    await paste(page, fixture("lhost-office365-03.eml"));
    await page.locator("bounce-checker").screenshot({ path: join(ARTIFACTS, `answer-evidence-${name}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
});
