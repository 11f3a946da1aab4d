// The search page in Chromium (issue 14): it ranks the query set (tests/search/queries.toml) exactly as the Rust
// reference does (`bouncebook search --json`, generator/src/search/query.rs), through the page's own module and
// through what the page shows; snippets wrap on a phone; snippet text never comes from a code block.
//
// The Rust answer is computed from the site's sources, the repository's knowledge base unless
// BOUNCEBOOK_SITE_ROOT names another: the site under test must have been built from them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { serve, launch, siteUnderTest, watchErrors, layout, skipUnless, readFileSync, existsSync, join, ROOT } from "./support.mjs";

let server, browser;

before(async () => {
  server = await serve(siteUnderTest().dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The queries of tests/search/queries.toml (its `q = "…"` lines; TOML's basic strings escape as JSON does). */
function queries() {
  const text = readFileSync(join(ROOT, "tests/search/queries.toml"), "utf8");
  return [...text.matchAll(/^q = (".*")$/gm)].map((m) => JSON.parse(m[1]));
}

/** `bouncebook search --json` over the site's sources: { query: [url, …] }. Null (the test skipped) without it. */
function rustRanking(t, qs, limit) {
  const bin = process.env.BOUNCEBOOK_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug/bouncebook");
  if (skipUnless(t, existsSync(bin), `no bouncebook binary at ${bin} (cargo build -p generator, or set BOUNCEBOOK_BIN)`)) return null;
  const root = process.env.BOUNCEBOOK_SITE_ROOT ?? ROOT;
  const run = spawnSync(bin, ["search", "--root", root, "--json", "--limit", String(limit)], { input: qs.join("\n"), encoding: "utf8" });
  assert.equal(run.status, 0, `bouncebook search failed: ${run.stderr}`);
  const out = {};
  for (const line of run.stdout.trim().split("\n")) {
    const { query, results } = JSON.parse(line);
    out[query] = results;
  }
  return out;
}

async function searchPage(viewport) {
  const page = await browser.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = watchErrors(page);
  return { page, problems };
}

/** Opens the search page for `q` and waits for its results: [{ url, snippet }], URLs relative to the root. */
async function shownResults(page, q) {
  await page.goto(`${server.url}/search/?q=${encodeURIComponent(q)}`);
  await page.waitForFunction((q) => document.getElementById("search-results")?.dataset.query === q, q);
  return page.$$eval("#search-results li", (lis) =>
    lis.map((li) => ({ url: new URL(li.querySelector("a").href).pathname.slice(1), snippet: li.querySelector("p").textContent })),
  );
}

test("the search page ranks the query set exactly as the Rust reference does", async (t) => {
  const qs = queries();
  assert.ok(qs.length >= 100, `the query set has ${qs.length} queries`);
  const rust = rustRanking(t, qs, 10);
  if (!rust) return;
  assert.equal(Object.keys(rust).length, new Set(qs).size, "Rust answered every query");
  const { page, problems } = await searchPage();
  const requested = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${server.url}/search/?q=${encodeURIComponent(qs[0])}`);
  await page.waitForFunction((q) => document.getElementById("search-results")?.dataset.query === q, qs[0]);
  // The search page does not load the checker's engine (its wasm alone is over the search's byte budget).
  assert.deepEqual(requested.filter((p) => p.includes("/widget/") || p.endsWith(".wasm")), []);
  const src = await page.$eval('script[type="module"][src*="search"]', (s) => s.src);
  const browserRanks = await page.evaluate(
    async ([src, qs]) => {
      const m = await import(src);
      const out = {};
      for (const q of qs) out[q] = await m.rankedUrls(q, 10);
      return out;
    },
    [src, qs],
  );
  let nonEmpty = 0;
  for (const q of qs) {
    assert.deepEqual(browserRanks[q], rust[q], `query ${JSON.stringify(q)}`);
    if (rust[q].length) nonEmpty++;
  }
  assert.ok(nonEmpty >= qs.length * 0.95, `only ${nonEmpty} of ${qs.length} queries found anything`);
  // What the reader sees, for a sample of the set: the same pages, in the same order.
  for (const q of qs.filter((_, i) => i % 12 === 0)) {
    const shown = await shownResults(page, q);
    assert.deepEqual(shown.map((r) => r.url), rust[q], `shown for ${JSON.stringify(q)}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("snippets wrap on a phone", async () => {
  const { page, problems } = await searchPage({ width: 360, height: 740 });
  const line =
    "host gmail-smtp-in.l.google.com[142.250.102.27] said: 550-5.7.26 The MAIL FROM domain [averyveryverylongsubdomainname.example-mail-provider.com] has an SPF record with a hard fail policy";
  // Long unbroken words of the knowledge base: Exchange's exception names and host names.
  const long = ["MapiExceptionShutoffQuotaExceeded", "XX1NAM02FT001.eop-nam02.prod.protection.outlook.com"];
  for (const q of [line, ...long, "zen.spamhaus.org"]) {
    const shown = await shownResults(page, q);
    assert.ok(shown.length > 0, `${q}: results`);
    const l = await layout(page, "#search-results");
    assert.equal(l.overflow, 0, `${q}: the page scrolls sideways by ${l.overflow}px on a phone`);
  }
  // Whatever a site's pages hold: a snippet and a title that are one long host name still wrap.
  await page.evaluate(() => {
    const li = document.querySelector("#search-results li");
    const host = "mx-relay-" + "averyveryverylongsubdomainname".repeat(4) + ".mail.protection.outlook.com";
    li.querySelector("p").textContent = `host ${host}[192.0.2.10] said: 550 5.7.1 relay denied`;
    li.querySelector("a").textContent = host;
  });
  const l = await layout(page, "#search-results");
  assert.equal(l.overflow, 0, `a long host name in a result scrolls the page sideways by ${l.overflow}px on a phone`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("snippet text never comes from a code block", async () => {
  const { page, problems } = await searchPage();
  const other = await browser.newPage();
  let checked = 0;
  // `# Gmail` is a comment inside settings blocks; `dragonfly`, `complaintFeedbackType`, `destinataire` and
  // `author-matched` are words only the bounces and reports quoted in code blocks have; the others are words that
  // code blocks and prose both have.
  const queries = ["# Gmail", "dragonfly", "complaintFeedbackType", "destinataire", "author-matched", "smtp.gmail.com 587", "postconf smtpd_recipient_restrictions", "dig MX"];
  for (const q of queries) {
    for (const { url, snippet } of await shownResults(page, q)) {
      if (!url.startsWith("articles/")) continue;
      const core = snippet.replace(/^… /, "").replace(/ …$/, "").replace(/\s+/g, " ").trim();
      if (!core) continue;
      await other.goto(`${server.url}/${url}`);
      const { prose, code } = await other.evaluate(() => {
        const main = document.querySelector("main");
        const pres = [...main.querySelectorAll("pre")].map((p) => p.textContent.replace(/\s+/g, " "));
        const clone = main.cloneNode(true);
        for (const p of clone.querySelectorAll("pre")) p.remove();
        document.body.append(clone);
        const prose = clone.innerText.replace(/\s+/g, " ");
        clone.remove();
        return { prose, code: pres };
      });
      for (const block of code) {
        assert.ok(!block.includes(core), `${q}: the snippet of ${url} is code-block text: ${JSON.stringify(core)}`);
      }
      // The page adds labels between blocks (a callout's title), so the snippet's longest sentence is looked for.
      const longest = core.split(/(?<=[.!?:]) /).reduce((a, b) => (b.length > a.length ? b : a), "");
      assert.ok(prose.includes(longest), `${q}: the snippet of ${url} is not in its prose: ${JSON.stringify(core)}`);
      checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} snippets checked`);
  assert.deepEqual(problems, []);
  await page.close();
  await other.close();
});
