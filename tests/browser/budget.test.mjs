// The widget's weight budget: a page that embeds the checker with the one-line snippet, linking it from the
// knowledge base or serving a copy of its folder, downloads everything the widget needs (its script, engine,
// stylesheet, worker when same-origin, and the knowledge base's site.json) and nothing else; all of it,
// brotli-compressed as a static host serves it, must fit the budget. The budget is
// `WIDGET_BUDGET` in xtask/src/wasm.rs, the one place it is written (the README quotes it); `cargo xtask test`
// passes it as BOUNCEBOOK_WIDGET_BUDGET. The measurement is the bench's (`embedDownloads`), on the built site,
// because site.json grows with every rule a writer adds.

import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, siteUnderTest, embedDownloads, ROOT, readFileSync, join } from "./support.mjs";

/** The budget in bytes: from `cargo xtask test`, else read from the constant itself. */
function budget() {
  if (process.env.BOUNCEBOOK_WIDGET_BUDGET) return Number(process.env.BOUNCEBOOK_WIDGET_BUDGET);
  const source = readFileSync(join(ROOT, "xtask/src/wasm.rs"), "utf8");
  const m = /pub const WIDGET_BUDGET: u64 = ([\d_]+);/.exec(source);
  assert.ok(m, "xtask/src/wasm.rs defines WIDGET_BUDGET");
  return Number(m[1].replaceAll("_", ""));
}

for (const mode of ["linked", "copied"]) {
  test(`a page embedding the widget (${mode}) downloads no more than the budget, brotli`, async () => {
    const limit = budget();
    assert.ok(limit > 0, `budget ${limit}`);
    const browser = await launch();
    try {
      const { downloads, origin } = await embedDownloads(browser, siteUnderTest().dir, mode);
      const table = downloads.map((d) => `  ${d.path.padEnd(40)} ${(d.brotli / 1000).toFixed(1).padStart(7)} KB`).join("\n");
      const total = downloads.reduce((sum, d) => sum + d.brotli, 0);
      console.log(`the widget embedded (${mode}): ${(total / 1000).toFixed(1)} KB brotli of ${(limit / 1000).toFixed(1)} KB\n${table}`);
      // The measurement saw what it must: the engine, the rules and the widget's own files, from one origin.
      const wants = [/\/widget\/bounce-checker\.js$/, /\/widget\/checker\.js$/, /\/widget\/checker_bg\.wasm$/, /\/widget\/site\.json$/, /\/widget\/bounce-checker\.css$/];
      if (mode === "copied") wants.push(/\/widget\/bounce-checker-worker\.js$/);
      for (const want of wants) assert.ok(downloads.some((d) => want.test(d.path)), `the page loaded ${want}:\n${table}`);
      assert.ok(downloads.every((d) => d.origin === origin), `only the widget's origin:\n${table}`);
      assert.ok(downloads.every((d) => d.raw > 0), `every file has bytes:\n${table}`);
      assert.ok(
        total <= limit,
        `the widget embedded (${mode}) weighs ${(total / 1000).toFixed(1)} KB brotli, over its budget of ` +
          `${(limit / 1000).toFixed(1)} KB (WIDGET_BUDGET in xtask/src/wasm.rs):\n${table}`,
      );
    } finally {
      await browser.close();
    }
  });
}
