// With JavaScript off, everything but the checker works: a reader can walk a decision tree, step by step, to an
// outcome that links an article, and the page that carries the checker shows its fallback instead.
//
// The walk does not assume the theme's markup: it follows the visible links in the page's main content that stay
// inside the tree's own pages (each step is its own URL or fragment), skipping back and restart links, until a
// step shows no further step. That outcome must link, inside the page's main content (not the header's "Articles"), an article the
// site has, and that article must be served.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, siteUnderTest, checkerPath, readFileSync, join, mkdirSync, ARTIFACTS } from "./support.mjs";

let server, browser, site;

before(async () => {
  site = JSON.parse(readFileSync(join(siteUnderTest().dir, "widget/site.json"), "utf8"));
  server = await serve(siteUnderTest().dir);
  browser = await launch({ javaScriptEnabled: false });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The visible links on the page: absolute URL, text, and whether they are in its main content. */
function visibleLinks(page) {
  return page.locator("body a[href]").evaluateAll((as) =>
    as
      .filter((a) => a.offsetParent !== null || a.getClientRects().length > 0)
      .map((a) => ({ href: a.href, text: a.textContent.trim(), main: !!a.closest("main") })),
  );
}

test("with JavaScript off, a decision tree can be walked to an outcome", async () => {
  // The site's article pages, by path: the outcome must link one of these, not the list of all articles.
  const articles = new Set(Object.values(site.articles).map((a) => new URL(a.url, server.url + "/").pathname));
  assert.ok(articles.size > 0, "the site has articles");
  const key = site.start_tree ?? Object.keys(site.trees)[0];
  assert.ok(key, "the site has decision trees");
  const start = new URL(site.trees[key].url, server.url + "/").href;
  const treePath = new URL(start).pathname;
  const page = await browser.newPage();
  await page.goto(start);
  const seen = new Set([page.url()]);
  const path = [];
  for (let step = 0; step < 20; step++) {
    const links = await visibleLinks(page);
    const options = links.filter((l) => {
      const u = new URL(l.href);
      return (
        l.main &&
        u.origin === server.origin &&
        u.pathname.startsWith(treePath) &&
        !seen.has(l.href) &&
        !/\b(back|restart|start over|previous)\b/i.test(l.text)
      );
    });
    if (options.length === 0) {
      const own = links.filter((l) => l.main && new URL(l.href).origin === server.origin && articles.has(new URL(l.href).pathname));
      assert.ok(
        own.length > 0,
        `the walk ${path.join(" → ")} ended on a step whose content links no article of the site: ${page.url()}\n` +
          `links there: ${JSON.stringify(links.filter((l) => l.main))}`,
      );
      for (const article of own) {
        const res = await page.goto(article.href);
        assert.equal(res.status(), 200, `the outcome's article ${article.href} exists`);
      }
      return;
    }
    path.push(options[0].text);
    seen.add(options[0].href);
    await page.goto(options[0].href);
  }
  assert.fail(`no outcome after 20 steps: ${path.join(" → ")}`);
});

test("with JavaScript off, the checker's page shows its fallback instead of a dead box", async () => {
  const page = await browser.newPage();
  const res = await page.goto(server.url + checkerPath());
  assert.equal(res.status(), 200);
  const fallback = await page.evaluate(() => {
    const el = document.querySelector("bounce-checker");
    return el ? { children: el.children.length, shadow: !!el.shadowRoot } : null;
  });
  assert.ok(fallback, "the page carries <bounce-checker>");
  assert.equal(fallback.shadow, false, "no script ran");
  assert.ok(fallback.children > 0, "it holds a fallback (a search form or a link) for readers without JavaScript");
});

// Issue 13: the paste form used to submit to the search page, which says it needs JavaScript; the paste was lost
// and the reader stranded. It now leads to a static page with every code, reason and tree.
test("with JavaScript off, the paste form leads to every code, reason and tree (screenshots kept)", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + checkerPath());
  const area = page.locator("bounce-checker textarea");
  assert.ok(await area.isVisible(), "the fallback paste box is visible");
  await area.fill("550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown");
  await Promise.all([page.waitForNavigation(), page.locator("bounce-checker button[type=submit], bounce-checker button").first().click()]);
  const url = new URL(page.url());
  assert.equal(url.pathname, "/find/", `the form led to ${page.url()}`);
  const links = (await visibleLinks(page)).filter((l) => l.main).map((l) => new URL(l.href).pathname);
  assert.equal((await page.locator("main h1").textContent()).trim(), "Find your error");
  for (const want of ["/codes/550/", "/codes/5.1.1/", "/reasons/userunknown/"]) {
    assert.ok(links.includes(want), `the find page links ${want}`);
  }
  for (const tree of Object.values(site.trees)) {
    assert.ok(links.includes(new URL(tree.url, server.url + "/").pathname), `the find page links the tree ${tree.title}`);
  }
  const res = await page.goto(server.url + "/codes/5.1.1/");
  assert.equal(res.status(), 200, "the code page it links is served");
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    await page.setViewportSize(viewport);
    await page.goto(server.url + "/find/");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the find page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(ARTIFACTS, `nojs-find-${name}.png`) });
  }
  await page.close();
});
