// Accessibility (issue 13, item 4): axe-core (npm, the engine behind most accessibility checkers) runs on the
// pages a reader meets — the home page, an article with code blocks and an SMTP transcript, a code page, a
// reason page, a decision tree (its start page with the wizard, and with its flowchart open), search showing
// results, and the checker showing an answer or "nothing recognised" — in light and in dark mode, at desktop and
// phone widths (code blocks that fit a desktop scroll on a phone), and finds nothing: zero violations of any
// impact.
// Any uncaught exception or console error on a page fails the test too.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import {
  serve, launch, siteUnderTest, checkerPath, paste, failOnPageErrors, ROOT, readFileSync, join,
} from "./support.mjs";

const AXE = createRequire(join(ROOT, "package.json")).resolve("axe-core/axe.min.js");
const FIXTURES = join(ROOT, "tests/browser/fixtures/bounces");

let server, browser;
const watch = failOnPageErrors();


before(async () => {
  server = await serve(siteUnderTest().dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** What each page is, where it is, and what must be on it before axe looks. */
const PAGES = [
  { name: "home", path: "/" },
  { name: "article", path: "/articles/reading-the-smtp-conversation/", ready: "main pre" },
  { name: "article with code", path: "/articles/embed-the-checker/", ready: "main pre" },
  { name: "code page", path: "/codes/550/" },
  { name: "reason page", path: "/reasons/mailboxfull/" },
  { name: "tree", path: "/trees/start-here/", ready: "main .option" },
  { name: "tree with its flowchart open", path: "/trees/start-here/", open: "details.flowchart" },
  { name: "search", path: "/search/?q=5.7.1+relay+denied", ready: "#search-results li" },
  {
    name: "checker showing an answer",
    path: checkerPath(),
    paste: "outlook-display-ndr.txt",
  },
  {
    name: "checker with nothing recognised",
    path: checkerPath(),
    pasteText: "Hi Sam, see you on Thursday.",
  },
];

/** axe's violations on `page`, as lines a reader of the test output can act on. */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split("\n").slice(1, 2).join(" ") ?? ""}`),
    }));
  });
  return found.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join("\n    ")}`);
}

const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

for (const [width, viewport] of Object.entries(WIDTHS)) for (const scheme of ["light", "dark"]) {
  for (const p of PAGES) {
    test(`axe finds no violation: ${p.name} (${width}, ${scheme})`, async () => {
      const page = await browser.newPage();
      watch(page);
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      const res = await page.goto(server.url + p.path);
      assert.equal(res.status(), 200, p.path);
      if (p.ready) await page.waitForSelector(p.ready);
      if (p.open) await page.locator(`${p.open} > summary`).click();
      if (p.paste || p.pasteText) {
        await paste(page, p.pasteText ?? readFileSync(join(FIXTURES, p.paste), "utf8"));
        // The card, or the "nothing recognised" box, was drawn: axe looks at the answer, not an empty box.
        assert.ok(
          await page.evaluate(() => document.querySelector("bounce-checker").shadowRoot.querySelector(".bc-card, .bc-none")),
          "an answer is shown",
        );
      }
      const found = await violations(page);
      assert.deepEqual(found, [], `${p.name} (${width}, ${scheme}): axe-core violations:\n${found.join("\n")}`);
      await page.close();
    });
  }
}
