// The checker's Web Worker: diagnoses long pastes (a whole raw message, megabytes) off the page's thread, so
// typing and scrolling never freeze. bounce-checker.js posts the compiled module and the site file once, then
// texts; the reports come back as plain objects and are drawn on the page's thread.

import init, { Checker } from "./checker.js?v=dev";

let ready = null;
const checkers = new Map();

self.onmessage = async ({ data }) => {
  if (data.type === "init") {
    ready = init({ module_or_path: data.module }).then(() => data.site ?? undefined);
    await ready;
    self.postMessage({ type: "ready" });
    return;
  }
  try {
    const site = await ready;
    let checker = checkers.get(data.kb);
    if (!checker) {
      checker = new Checker(site, data.kb);
      checkers.set(data.kb, checker);
    }
    self.postMessage({ id: data.id, report: checker.diagnose(data.text) });
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e?.message ?? e) });
  }
};
