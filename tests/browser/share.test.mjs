// Sharing a diagnosis (issue 13, item 8): "Copy a link to this answer" puts the pasted text, deflated by the
// browser's own CompressionStream and base64url-encoded, in the URL's fragment (`#bounce=…`), which a browser
// never sends to a server; opening the link fills the box and checks it again. A link past the size cap, or one
// whose fragment is damaged, says so in words and runs nothing. Any uncaught exception or console error fails.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  serve, launch, siteUnderTest, checkerPath, paste, shown, failOnPageErrors, ARTIFACTS, ROOT, mkdirSync, readFileSync,
  join,
} from "./support.mjs";

const FIXTURES = join(ROOT, "tests/browser/fixtures/bounces");

let server, browser;
const watch = failOnPageErrors();


before(async () => {
  server = await serve(siteUnderTest().dir);
  browser = await launch();
  await browser.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(url, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage();
  watch(page);
  await page.setViewportSize(viewport);
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
  return page;
}

/** Clicks the card's share button and returns the link it made and what it said. */
async function share(page) {
  await page.locator("bounce-checker .bc-share-button").click();
  await page.waitForFunction(() => document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-share-said")?.textContent);
  return page.evaluate(() => {
    const root = document.querySelector("bounce-checker").shadowRoot;
    return { said: root.querySelector(".bc-share-said").textContent, url: root.querySelector(".bc-share-url")?.value ?? null };
  });
}

/** The widget's status line and box, once it is ready (and has answered a link, when there is one). */
const state = (page) =>
  page.evaluate(() => {
    const root = document.querySelector("bounce-checker").shadowRoot;
    return { status: root.querySelector(".bc-status").textContent, value: root.querySelector("textarea").value };
  });

test("a shared link carries the paste in its fragment only, and opening it checks the same text again", async () => {
  const text = readFileSync(join(FIXTURES, "outlook-display-ndr.txt"), "utf8");
  const page = await open(server.url + checkerPath());
  await paste(page, text);
  const before = await shown(page);
  const { said, url } = await share(page);
  assert.match(said, /Link copied/);
  assert.ok(url, "the link is shown to copy by hand too");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url, "the clipboard holds the link");
  const link = new URL(url);
  assert.equal(link.origin + link.pathname, server.url + checkerPath());
  assert.match(link.hash, /^#bounce=[A-Za-z0-9_-]+$/, "base64url after #bounce=");
  // Compressed: the fragment is shorter than the text, though base64 adds a third.
  assert.ok(link.hash.length < text.length, `${link.hash.length} characters of fragment for ${text.length} of text`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.locator("bounce-checker").screenshot({ path: join(ARTIFACTS, "share-desktop.png") });
  await page.close();

  const seen = server.requests.length;
  const reader = await open(url, { width: 390, height: 844 });
  await reader.waitForFunction(() => document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-card"));
  const got = await shown(reader);
  assert.equal((await state(reader)).value, text, "the box holds the shared text");
  assert.deepEqual(got.cards, before.cards, "the same answer");
  // The fragment never reached the server: no request asked for anything carrying it.
  const asked = server.requests.slice(seen);
  assert.ok(asked.length > 0, "the request log works");
  assert.ok(asked.every((p) => !p.includes("bounce=") && !p.includes(link.hash.slice(8, 40))), asked.join("\n"));
  await reader.screenshot({ path: join(ARTIFACTS, "share-phone-opened.png"), fullPage: true });
  await reader.close();
});

test("a damaged link says so and leaves the box empty", async () => {
  for (const hash of ["#bounce=not*base64!", "#bounce=AAAAAAAAAAAA", "#bounce=" + "q".repeat(40)]) {
    const page = await open(server.url + checkerPath() + hash);
    await page.waitForFunction(() => document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-status").textContent);
    const s = await state(page);
    assert.match(s.status, /could not be read/, `${hash}: ${s.status}`);
    assert.equal(s.value, "");
    assert.equal((await shown(page)).cards.length, 0);
    await page.close();
  }
});

test("past the size cap, neither making nor opening a link goes ahead, and the reader is told why", async () => {
  const page = await open(server.url + checkerPath());
  // Text that does not compress (random letters): its link would be far longer than the cap.
  const noise = await page.evaluate(() => {
    const a = new Uint8Array(30000);
    crypto.getRandomValues(a);
    return "550 5.1.1 <x@example.org>: user unknown\n" + Array.from(a, (b) => String.fromCharCode(33 + (b % 90))).join("");
  });
  await paste(page, noise);
  const { said, url } = await share(page);
  assert.match(said, /^Too long for a link \(\d+ characters, the limit is 16000\)\.$/);
  assert.equal(url, null, "no link was made");
  await page.close();

  const opened = await open(server.url + checkerPath() + "#bounce=" + "A".repeat(20000));
  await opened.waitForFunction(() => document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-status").textContent);
  const s = await state(opened);
  assert.equal(s.status, "Too long for a link (20000 characters, the limit is 16000).");
  assert.equal(s.value, "");
  await opened.close();
});

test("a page's other fragments are left alone", async () => {
  const page = await open(server.url + checkerPath() + "#main");
  const s = await state(page);
  assert.equal(s.status, "");
  assert.equal(s.value, "");
  await page.close();
});
