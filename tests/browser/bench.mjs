// The checker's speed in headless Chromium, for `cargo xtask bench`: wasm compile and instantiation, loading the
// site's rules, and the time from paste to drawn result (median of many). Prints one JSON object.
//
//   node tests/browser/bench.mjs [runs]

import { serve, launch, siteUnderTest, checkerPath, paste, embedDownloads, brotli, ROOT, readFileSync, readdirSync, join } from "./support.mjs";
import { gzipSync } from "node:zlib";

const runs = Number(process.argv[2] ?? 60);
const site = siteUnderTest();
const server = await serve(site.dir, { headers: () => ({ "access-control-allow-origin": "*" }) });
const browser = await launch();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

try {
  // Loading, measured apart from the widget so each step has its own figure; median of 7 fresh pages.
  const loads = [];
  for (let i = 0; i < 7; i++) {
    const page = await browser.newPage();
    await page.goto(server.url + "/widget/site.json");
    loads.push(
      await page.evaluate(async () => {
        const bytes = await (await fetch("checker_bg.wasm", { cache: "no-store" })).arrayBuffer();
        const site = await (await fetch("site.json")).text();
        const { default: init, Checker } = await import("./checker.js");
        let t = performance.now();
        const module = await WebAssembly.compile(bytes);
        const compile = performance.now() - t;
        t = performance.now();
        await init({ module_or_path: module });
        const instantiate = performance.now() - t;
        t = performance.now();
        new Checker(site, location.origin + "/");
        const rules = performance.now() - t;
        return { compile, instantiate, rules };
      }),
    );
    await page.close();
  }

  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(server.url + checkerPath());
  await page.waitForFunction(() => document.querySelector("bounce-checker")?._ready === true);
  const ready = Date.now() - t0;

  const samples = {};
  for (const [name, file] of [
    ["outlook-ndr", "outlook-display-ndr.txt"],
    ["one-line", "one-liner-relay.txt"],
    ["raw-message", "lhost-sendmail-02.eml"],
  ]) {
    const text = readFileSync(join(ROOT, "tests/browser/fixtures/bounces", file), "utf8");
    await paste(page, text); // warm up
    const times = [];
    const drawn = [];
    for (let i = 0; i < runs; i++) {
      // The paste's input event to the result in the DOM (`drawn`), and to the next animation frame after it (`median`:
      // what the reader sees; headless Chromium paints at 60 Hz, so this includes up to 16 ms of frame wait).
      const [result, painted] = await page.evaluate(
          (text) =>
            new Promise((ok) => {
              const el = document.querySelector("bounce-checker");
              const area = el.shadowRoot.querySelector("textarea");
              let t;
              el.addEventListener(
                "bounce-checker-result",
                () => {
                  const result = performance.now() - t;
                  requestAnimationFrame(() => ok([result, performance.now() - t]));
                },
                { once: true },
              );
              area.value = text + " ".repeat(Math.random() * 3);
              t = performance.now();
              area.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
            }),
          text,
        );
      drawn.push(result);
      times.push(painted);
    }
    samples[name] = { median: median(times), drawn: median(drawn), bytes: Buffer.byteLength(text) };
  }

  // What an embedding page downloads, file by file, compressed as a static host would serve it (another site's
  // page with nothing but the snippet; on the knowledge base's own pages the widget also imports the site's
  // search module and index). The budget test measures the same.
  const { downloads } = await embedDownloads(browser, site.dir);

  // The widget's own files, as built.
  const widget = join(site.dir, "widget");
  const files = readdirSync(widget)
    .filter((f) => !f.endsWith(".d.ts"))
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(widget, name));
      return {
        name,
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
        brotli: brotli(bytes),
      };
    });

  console.log(
    JSON.stringify({
      site: "built",
      files,
      downloads,
      runs,
      compile_ms: median(loads.map((l) => l.compile)),
      instantiate_ms: median(loads.map((l) => l.instantiate)),
      rules_ms: median(loads.map((l) => l.rules)),
      ready_ms: ready,
      paste_to_result_ms: samples,
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
