// Issue 14, item 4: tools that read a built site can read ours. Pagefind (npm `pagefind`, a dev dependency, so
// `npm ci` installs it) indexes every HTML page of the site under test; it indexed none while the minifier
// dropped `</head>`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { siteUnderTest, skipUnless, existsSync, readdirSync, join, ROOT } from "./support.mjs";

/** Every `.html` file under `dir`. */
function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".html"));
}

test("Pagefind indexes every page of the site", (t) => {
  const bin = join(ROOT, "node_modules/.bin/pagefind");
  if (skipUnless(t, existsSync(bin), "pagefind is not installed (npm ci installs it)")) return;
  const site = siteUnderTest().dir;
  const pages = htmlFiles(site).length;
  assert.ok(pages > 10, `the site has ${pages} HTML files`);
  const out = mkdtempSync(join(tmpdir(), "bouncebook-pagefind-"));
  try {
    const run = spawnSync(bin, ["--site", site, "--output-path", out], { encoding: "utf8" });
    const report = run.stdout + run.stderr;
    assert.equal(run.status, 0, `pagefind failed:\n${report}`);
    const indexed = Number(/Indexed (\d+) pages?/.exec(report)?.[1]);
    assert.equal(indexed, pages, `pagefind indexed ${indexed} of ${pages} pages:\n${report}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
