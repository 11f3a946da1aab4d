// What the first query on the search page downloads, for `cargo xtask bench` (issue 14, item 3): search code and
// index, in a fresh headless Chromium, for each query given. JavaScript and JSON are counted brotli-compressed
// (quality 11, as a host serves them); the index's .bin files as they are (already gzip, and served as bytes). The
// page's own HTML, CSS and the site's other scripts are not search code and are left out. Prints one JSON object.
//
//   node tests/browser/search-bytes.mjs SITE_DIR QUERY...

import { resolve } from "node:path";
import { serve, launch, brotli } from "./support.mjs";

const [dir, ...queries] = process.argv.slice(2);
const server = await serve(resolve(dir));
const browser = await launch();
const out = { site: dir, queries: [] };
try {
  for (const q of queries) {
    const page = await browser.newPage();
    const files = [];
    page.on("response", async (r) => {
      const path = new URL(r.url()).pathname;
      const search = path.includes("/search/") && !path.endsWith("/") && !path.endsWith(".html");
      const script = /\/search[.-][^/]*\.js$|\/search\.js$/.test(path);
      if (!search && !script) return;
      try {
        const body = await r.body();
        const raw = body.length;
        const sent = path.endsWith(".bin") ? raw : brotli(body);
        files.push({ path, raw, sent });
      } catch {
        // A response without a body (a redirect) costs nothing here.
      }
    });
    await page.goto(`${server.url}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction((q) => document.getElementById("search-results")?.dataset.query === q, q);
    await page.waitForLoadState("networkidle");
    const results = await page.$$eval("#search-results li", (lis) => lis.length);
    out.queries.push({
      query: q,
      results,
      files: files.length,
      bytes: files.reduce((s, f) => s + f.sent, 0),
      code: files.filter((f) => f.path.endsWith(".js")).reduce((s, f) => s + f.sent, 0),
    });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
