// A hosting provider's help page on another origin embeds <bounce-checker> under a strict Content Security
// Policy. It must work, run no pasted markup, and make no request after it has loaded: pasted text never
// leaves the browser.
//
// Two ways to embed:
// - copied: the provider serves the widget folder from its own origin, under exactly
//   `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`, with `kb` pointing at the knowledge base;
// - linked: the snippet loads the widget from the knowledge base's origin, and the policy names that origin.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  serve, launch, siteUnderTest, paste, shown, layout, contrasts, ARTIFACTS, ROOT, mkdirSync, readFileSync, join,
} from "./support.mjs";

let kb, provider, browser, site;

/**
 * The `_headers` file the embedding guide gives for Netlify and Cloudflare Pages (the first fenced block after
 * the paragraph that names `_headers`), parsed as those hosts read it: a path pattern (`*` matches the rest),
 * then indented `Name: value` lines. Returns `headers(path)` for the test server, so the cross-origin embed below
 * runs with exactly the guide's configuration, and the rules themselves.
 */
function guideHeaders() {
  const guide = readFileSync(join(ROOT, "content/articles/embed-the-checker.md"), "utf8");
  const after = guide.slice(guide.indexOf("`_headers`"));
  const block = /```text\n([\s\S]*?)```/.exec(after)?.[1];
  assert.ok(block, "the embedding guide has a `_headers` block");
  const rules = [];
  for (const line of block.split("\n")) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) rules.push({ pattern: line.trim(), headers: {} });
    else {
      const [name, ...value] = line.trim().split(":");
      rules.at(-1).headers[name.trim().toLowerCase()] = value.join(":").trim();
    }
  }
  const matches = (pattern, path) =>
    pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
  return {
    rules,
    headers: (path) => Object.assign({}, ...rules.filter((r) => matches(r.pattern, path)).map((r) => r.headers)),
  };
}

const PAYLOADS = [
  `<script>window.__pwned = "script"</script>550 5.1.1 <a@example.com>: user unknown`,
  `550 5.1.1 <img src=x onerror="window.__pwned='img'">: Recipient address rejected`,
  `<svg onload="window.__pwned='svg'"><animate onbegin="window.__pwned='animate'"/></svg> 550 5.7.1 blocked`,
  `"><iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe> 554 5.7.1 Relay access denied`,
  `550 5.1.1 <javascript:window.__pwned='href'@example.com>: user unknown`,
  `<style>*{display:none}</style><a href="javascript:window.__pwned='link'">click</a> 550 5.2.2 mailbox full`,
  `<details open ontoggle="window.__pwned='details'">x</details> 452 4.2.2 over quota`,
];

before(async () => {
  site = JSON.parse(readFileSync(join(siteUnderTest().dir, "widget/site.json"), "utf8"));
  // The knowledge base: module scripts, fetch() and stylesheets across origins need CORS, set as the embedding
  // guide tells hosts to set it.
  kb = await serve(siteUnderTest().dir, { headers: guideHeaders().headers });
  const strict = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
  const linked = `default-src 'self' ${kb.origin}; script-src 'self' ${kb.origin} 'wasm-unsafe-eval'`;
  const page = (src, kbAttr) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Example Hosting: help</title>
<link rel="stylesheet" href="/help.css"><script type="module" src="${src}"></script></head>
<body><header>Example Hosting help centre</header><main><h1>Why did my email bounce?</h1>
<bounce-checker kb="${kbAttr}"></bounce-checker></main></body></html>`;
  // The provider's site: its own pages, and (for the copied mode) the widget folder as the KB built it.
  provider = await serve(siteUnderTest().dir, {
    headers: (path) => ({ "content-security-policy": path.startsWith("/linked") ? linked : strict }),
    pages: {
      "/copied/": page("/widget/bounce-checker.js", kb.url + "/"),
      "/linked/": page(`${kb.url}/widget/bounce-checker.js`, kb.url + "/"),
      "/help.css": "body{font-family:Georgia,serif;max-width:44rem;margin:2rem auto;padding:0 1rem}" +
        "bounce-checker{--bc-accent:#7a1fa2;--bc-radius:2px}",
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await provider?.close();
  await kb?.close();
});

for (const mode of ["copied", "linked"]) {
  test(`embedded (${mode}) under a strict CSP: works, runs nothing pasted, no request after load`, async () => {
    const page = await browser.newPage();
    const requests = [];
    const violations = [];
    page.on("request", (r) => requests.push({ url: r.url(), at: Date.now() }));
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on("pageerror", (e) => violations.push(`page error: ${e.message}`));
    await page.goto(`${provider.url}/${mode}/`);
    await page.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
    // Stylesheet in: the widget is visible.
    await page.waitForFunction(() => !document.querySelector("bounce-checker").shadowRoot.querySelector(".bc[hidden]"));
    const loaded = Date.now();

    const report = await paste(page, "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table");
    assert.equal(report.bounces[0].reason, "userunknown");
    const got = await shown(page);
    assert.equal(got.cards[0].title, site.rules.reasons.find((r) => r.reason === "userunknown")?.title, "the heading the reader sees");
    assert.equal(got.cards[0].recipient, "bob@example.org");
    const accent = await page.evaluate(() => {
      const a = document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-search-link a");
      return getComputedStyle(a).color;
    });
    assert.equal(accent, "rgb(122, 31, 162)", "the host page's --bc-accent themes the widget");
    if (got.cards[0].article) assert.ok(got.cards[0].article.startsWith(kb.url + "/"), got.cards[0].article);

    for (const payload of PAYLOADS) {
      await paste(page, payload);
      const pasted = await page.evaluate(
        () => document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-pasted")?.textContent ?? "",
      );
      assert.ok(pasted.includes(payload.slice(0, 20)), "the payload is shown as text");
    }
    // Give any handler (onerror, onload, ontoggle) a chance to run.
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const injected = await page.evaluate(() =>
      document.querySelector("bounce-checker").shadowRoot.querySelectorAll(".bc-output script, .bc-output img, .bc-output svg, .bc-output iframe, .bc-output style, .bc-output [onerror], .bc-output [onload]").length,
    );
    assert.equal(injected, 0, "no element came from pasted text");
    const links = await page.evaluate(() =>
      [...document.querySelector("bounce-checker").shadowRoot.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
    );
    assert.ok(links.every((h) => !/^\s*javascript:/i.test(h)), links.join(" "));

    assert.ok(requests.some((r) => /\/widget\/checker_bg\.wasm(\?|$)/.test(r.url)), "the request log works");
    const after = requests.filter((r) => r.at > loaded).map((r) => r.url);
    assert.deepEqual(after, [], "no request after the widget loaded");
    const origins = new Set(requests.map((r) => new URL(r.url).origin));
    for (const o of origins) assert.ok([provider.origin, kb.origin].includes(o), `request to ${o}`);
    assert.deepEqual(violations, []);

    // A 5 MB message: across origins there is no worker (browsers forbid one), so this runs on the page's thread.
    const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n";
    const big = "550 5.1.1 <bob@example.org>: user unknown\n\n" + line.repeat(Math.ceil((5 << 20) / line.length));
    const timing = await page.evaluate(async (text) => {
      let last = performance.now();
      let worst = 0;
      const probe = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 10);
      const t = performance.now();
      const report = await document.querySelector("bounce-checker").check(text);
      const took = performance.now() - t;
      await new Promise((r) => setTimeout(r, 50));
      clearInterval(probe);
      return { took, worst, reason: report.bounces[0]?.reason };
    }, big);
    // How long it took is the bench's business (`cargo xtask bench`), not a test's: printed, not asserted.
    console.log(`5 MB paste (${mode}): ${timing.took.toFixed(0)} ms, longest block ${timing.worst.toFixed(0)} ms`);
    assert.equal(timing.reason, "userunknown");

    mkdirSync(ARTIFACTS, { recursive: true });
    await paste(page, "550 5.7.1 Service unavailable; Client host [203.0.113.25] blocked using zen.spamhaus.org");
    // On the host's page, themed by it: the answer is on screen, nothing scrolls sideways, the card's text
    // stands out from the card.
    const l = await layout(page, ".bc-card .bc-title", "bounce-checker");
    assert.ok(l.overflow <= 0, `the host's page scrolls sideways by ${l.overflow}px`);
    assert.ok(l.inView, `the answer's heading is not on screen: ${JSON.stringify(l)}`);
    const low = (await contrasts(page, ".bc-card", "bounce-checker")).filter((c) => c.ratio < 4.5);
    assert.deepEqual(low, [], "text under 4.5:1 against its background");
    await page.screenshot({ path: join(ARTIFACTS, `embed-${mode}.png`), fullPage: true });
    await page.close();
  });
}

test("the guide's `_headers` send CORS for the widget folder only, and the linked embed needs them", async () => {
  const { rules, headers } = guideHeaders();
  assert.ok(rules.length > 0, "the block has rules");
  assert.equal(headers("/widget/bounce-checker.js")["access-control-allow-origin"], "*");
  assert.equal(headers("/widget/checker_bg.wasm")["access-control-allow-origin"], "*");
  assert.equal(headers("/articles/user-unknown/")["access-control-allow-origin"], undefined, "the rest of the site is left alone");
  // The same embed against a knowledge base that sends no header: the browser refuses the widget's script, and
  // the page keeps what is inside the element (the fallback).
  const bare = await serve(siteUnderTest().dir);
  const other = await serve(siteUnderTest().dir, {
    pages: {
      "/linked/": `<!doctype html><html lang="en"><meta charset="utf-8"><title>x</title>` +
        `<script type="module" src="${bare.url}/widget/bounce-checker.js"></script>` +
        `<bounce-checker kb="${bare.url}/"><a href="${bare.url}/">Look up your bounce</a></bounce-checker></html>`,
    },
  });
  const page = await browser.newPage();
  try {
    const refused = page.waitForEvent("console", (m) => /CORS/i.test(m.text()));
    await page.goto(`${other.url}/linked/`);
    assert.match((await refused).text(), /bounce-checker\.js/);
    assert.equal(await page.evaluate(() => customElements.get("bounce-checker")), undefined, "the widget never ran");
    assert.equal(await page.locator("bounce-checker a").textContent(), "Look up your bounce");
  } finally {
    await page.close();
    await other.close();
    await bare.close();
  }
});
