// Flowcharts on a phone (issue 13, item 5): at 390 CSS px wide, every text of a tree's flowchart a reader sees is
// at least 14 CSS px — measured as rendered, so an SVG scaled down to fit counts at its scaled size — nothing
// scrolls sideways, and each option leads somewhere the reader can follow (a link to the step it goes to, which
// exists). Screenshots at phone and desktop widths land in tests/artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, siteUnderTest, failOnPageErrors, layout, ARTIFACTS, mkdirSync, readFileSync, join } from "./support.mjs";

let server, browser, site;
const watch = failOnPageErrors();


before(async () => {
  site = JSON.parse(readFileSync(join(siteUnderTest().dir, "widget/site.json"), "utf8"));
  server = await serve(siteUnderTest().dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Runs in the page: the flowchart as the reader sees it once opened: the smallest rendered size of any visible
 * text in it (an SVG image's text counts at its font size times the image's scale), and its option links.
 */
function measure(page) {
  return page.evaluate(async () => {
    const box = document.querySelector("details.flowchart");
    const sizes = [];
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || el.getClientRects().length === 0) continue;
      sizes.push({ text: n.textContent.trim().slice(0, 30), px: parseFloat(getComputedStyle(el).fontSize) });
    }
    for (const img of box.querySelectorAll("img")) {
      if (img.getClientRects().length === 0) continue;
      await img.decode().catch(() => {});
      const svg = await (await fetch(img.src)).text();
      const fonts = [...svg.matchAll(/font-size:\s*([\d.]+)px/g)].map((m) => Number(m[1]));
      const scale = img.getBoundingClientRect().width / img.naturalWidth;
      sizes.push({ text: `${img.src.split("/").pop()} (scaled ${scale.toFixed(2)})`, px: Math.min(...fonts) * scale });
    }
    const links = [...box.querySelectorAll("a[href^='#']")].map((a) => ({
      text: a.textContent,
      target: a.getAttribute("href").slice(1),
      exists: !!document.getElementById(a.getAttribute("href").slice(1)),
    }));
    return { sizes, links };
  });
}

test("every tree's flowchart reads on a phone: text at 14 px or more, options that lead somewhere", async () => {
  const trees = Object.values(site.trees);
  assert.ok(trees.length >= 3, `${trees.length} trees`);
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const tree of trees) {
    const page = await browser.newPage();
    watch(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/${tree.url}`);
    await page.locator("details.flowchart > summary").click();
    const { sizes, links } = await measure(page);
    assert.ok(sizes.length >= 3, `${tree.url}: the flowchart's text was measured (${sizes.length} pieces)`);
    const small = sizes.filter((s) => s.px < 14);
    assert.deepEqual(small, [], `${tree.url}: flowchart text under 14 CSS px at 390 px wide`);
    assert.ok(links.length > 0, `${tree.url}: the options are links`);
    assert.deepEqual(links.filter((l) => !l.exists), [], `${tree.url}: every option leads to a step on the page`);
    const l = await layout(page, "details.flowchart");
    assert.ok(l.overflow <= 0, `${tree.url}: the page scrolls sideways by ${l.overflow}px`);
    // Following an option lands on the step it names.
    const first = links[0];
    await page.locator(`details.flowchart a[href="#${first.target}"]`).first().click();
    assert.equal(await page.evaluate(() => location.hash.slice(1)), first.target);
    const inView = await page.evaluate((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.top >= 0 && r.top < innerHeight;
    }, first.target);
    assert.ok(inView, `${tree.url}: following "${first.text}" shows the step it leads to`);
    if (tree === trees[0]) {
      await page.locator("details.flowchart").screenshot({ path: join(ARTIFACTS, "flowchart-phone.png") });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.locator("details.flowchart").screenshot({ path: join(ARTIFACTS, "flowchart-desktop.png") });
    }
    await page.close();
  }
});
