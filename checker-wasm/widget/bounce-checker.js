// <bounce-checker>: paste a bounced email, get the diagnosis. Everything runs in this browser: the diagnosis
// engine is WebAssembly, the rules come from the knowledge base's site.json, and after these files load nothing
// is fetched or sent. Pasted text is handed to the engine and drawn as text nodes only (see checker-wasm/src/dom.rs).
//
//   <script type="module" src="https://KB/widget/bounce-checker.js"></script>
//   <bounce-checker kb="https://KB/" lang="en" compact></bounce-checker>
//
// Works under `Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'` (plus the
// KB's origin when the files are not copied to the page's own): no inline script or style, no eval, styles
// from a same-origin stylesheet.

import init, { Checker } from "./checker.js?v=dev";

const HERE = new URL(".", import.meta.url);
/**
 * The build's version, which `cargo xtask widget` writes in place of `dev` (a hash of the engine): the files
 * this script loads carry it, so a browser never pairs a cached engine with a newer script. This file itself
 * keeps its URL, the one in the snippet.
 */
const VERSION = "?v=dev";
/** Texts longer than this are diagnosed in a Web Worker when one can be started, so the page stays responsive. */
const WORKER_THRESHOLD = 64 * 1024;
/** The engine reads at most this much (diagnosis::MAX_INPUT); a dropped file is cut there. */
const MAX_INPUT = 16 * 1024 * 1024;
/**
 * A shared answer's link carries the pasted text in its fragment (`#bounce=`: deflate-raw, base64url), which a
 * browser never sends to any server. Past this many characters of fragment, a link is refused (chat and mail
 * programs cut longer URLs), both when making one and when opening one.
 */
const SHARE_MAX = 16000;
const SHARE_KEY = "#bounce=";
/** Only the first widget of a page answers the link's bounce. */
let linkTaken = false;

let engine = null;

/**
 * Loads the wasm, the site file and (on the knowledge base's own pages) its search module, once per page; every
 * element shares them. `kb` is the first element's knowledge-base URL.
 */
function loadEngine(kb) {
  engine ??= (async () => {
    const [bytes, siteText] = await Promise.all([
      fetch(new URL("checker_bg.wasm" + VERSION, HERE)).then((r) => {
        if (!r.ok) throw new Error(`checker_bg.wasm: HTTP ${r.status}`);
        return r.arrayBuffer();
      }),
      fetch(new URL("site.json", HERE)).then((r) => (r.ok ? r.text() : null)),
    ]);
    // Compiled once, then shared with the worker: modules can be posted, so the worker does not fetch again.
    const module = await WebAssembly.compile(bytes);
    await init({ module_or_path: module });
    const site = siteText ? JSON.parse(siteText) : {};
    // Search results only on the knowledge base's own pages: elsewhere the answer links to its search page
    // instead of pulling its search code and index into someone else's page.
    const home = HERE.origin === location.origin && new URL(kb).origin === location.origin;
    let search = null;
    if (site.search_module && home) {
      try {
        search = await import(new URL(site.search_module, new URL("..", HERE)).href);
      } catch (e) {
        console.warn("bounce-checker: the site's search module did not load:", e);
      }
    }
    // Wait for the worker to load its script too, so that nothing at all is fetched after "ready".
    const worker = await startWorker(module, siteText);
    return { module, siteText, site, search, worker, checkers: new Map() };
  })();
  return engine;
}

/**
 * Resolves to a worker when the page may start one from the widget's origin (not when the widget is embedded
 * from another origin: browsers forbid that), once it has loaded; to null otherwise.
 */
function startWorker(module, siteText) {
  if (typeof Worker === "undefined") return Promise.resolve(null);
  const url = new URL("bounce-checker-worker.js" + VERSION, HERE);
  if (url.origin !== location.origin) return Promise.resolve(null);
  let worker;
  try {
    worker = new Worker(url, { type: "module" });
  } catch {
    return Promise.resolve(null);
  }
  const pending = new Map();
  let next = 0;
  const api = {
    diagnose(text, kb) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: "diagnose", id, text, kb });
      });
    },
  };
  return new Promise((ready) => {
    const giveUp = setTimeout(() => ready(null), 10_000);
    worker.onmessage = ({ data }) => {
      if (data.type === "ready") {
        clearTimeout(giveUp);
        ready(api);
        return;
      }
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) p?.reject(new Error(data.error));
      else p?.resolve(data.report);
    };
    worker.onerror = (e) => {
      clearTimeout(giveUp);
      ready(null);
      for (const p of pending.values()) p.reject(new Error(e.message || "the checker's worker failed"));
      pending.clear();
    };
    worker.postMessage({ type: "init", module, site: siteText });
  });
}

function checkerFor(eng, kb) {
  let c = eng.checkers.get(kb);
  if (!c) {
    c = new Checker(eng.siteText ?? undefined, kb);
    eng.checkers.set(kb, c);
  }
  return c;
}

/** Builds an element from a tag, attributes and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== false && v != null) el.setAttribute(k, v === true ? "" : v);
  for (const c of children) el.append(c);
  return el;
}

/**
 * The widget's own words before and around the engine's answer, per language; the answer's words are the engine's
 * (checker-wasm/src/words.rs, the same languages). The `lang` attribute, else the page's, picks them by its
 * primary subtag; anything else is English.
 */
const SHELL = {
  en: {
    prompt: "Paste the bounce message, or drop an .eml file here",
    note: "Checked in your browser: nothing you paste is sent anywhere.",
    loading: "Loading the checker…",
    loadFailed: "The checker could not load:",
    checking: "Checking…",
    failed: "The checker failed:",
    nothing: "Nothing recognised.",
    check: "Check",
    checkKey: "Ctrl+Enter",
    share: "Copy link",
    copied: "Link copied.",
    holds: "It holds your pasted text, which is never sent to a server.",
    tooLong: "Too long for a link ({n} characters, the limit is {max}).",
    badLink: "The text in this link could not be read: it is damaged or cut short.",
  },
  de: {
    prompt: "Fügen Sie die Unzustellbarkeitsnachricht ein oder ziehen Sie eine .eml-Datei hierher",
    note: "Die Prüfung läuft in Ihrem Browser: Was Sie einfügen, wird nirgendwohin gesendet.",
    loading: "Die Prüfung wird geladen…",
    loadFailed: "Die Prüfung konnte nicht geladen werden:",
    checking: "Wird geprüft…",
    failed: "Die Prüfung ist fehlgeschlagen:",
    nothing: "Nichts erkannt.",
    check: "Prüfen",
    checkKey: "Strg+Eingabe",
    share: "Link kopieren",
    copied: "Link kopiert.",
    holds: "Er enthält den eingefügten Text, der an keinen Server geht.",
    tooLong: "Zu lang für einen Link ({n} Zeichen, höchstens {max}).",
    badLink: "Der Text in diesem Link ist nicht lesbar: Er ist beschädigt oder abgeschnitten.",
  },
  fr: {
    prompt: "Collez le message de non-remise, ou déposez ici un fichier .eml",
    note: "L'analyse se fait dans votre navigateur : rien de ce que vous collez n'est envoyé.",
    loading: "Chargement de l'outil…",
    loadFailed: "L'outil n'a pas pu se charger :",
    checking: "Analyse en cours…",
    failed: "L'analyse a échoué :",
    nothing: "Rien de reconnu.",
    check: "Analyser",
    checkKey: "Ctrl+Entrée",
    share: "Copier le lien",
    copied: "Lien copié.",
    holds: "Il contient le texte collé, qui n'est envoyé à aucun serveur.",
    tooLong: "Trop long pour un lien ({n} caractères, au plus {max}).",
    badLink: "Le texte de ce lien est illisible : il est abîmé ou tronqué.",
  },
};

/** The language the widget speaks for a tag such as `de-AT`: a key of SHELL. */
function language(tag) {
  const primary = (tag || "").split(/[-_]/)[0].toLowerCase();
  return Object.hasOwn(SHELL, primary) ? primary : "en";
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

/** `bytes` through the browser's own (de)compressor: nothing to download for it. */
const through = (bytes, stream) => new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer();

/** `text` deflated and base64url-encoded, for a link's fragment. */
async function encodeShare(text) {
  const bytes = new Uint8Array(await through(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text of a fragment `encodeShare` made; throws on anything else. */
async function decodeShare(data) {
  const bin = atob(data.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  // At most SHARE_MAX characters of fragment, and deflate expands at most ~1000-fold: bounded by MAX_INPUT.
  return new TextDecoder("utf-8", { fatal: true }).decode(await through(bytes, new DecompressionStream("deflate-raw")));
}

export class BounceChecker extends HTMLElement {
  static observedAttributes = ["kb", "lang", "compact"];

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const css = h("link", { rel: "stylesheet", href: new URL("bounce-checker.css" + VERSION, HERE).href });
    this._box = h("div", { class: "bc", part: "container", hidden: true });
    // Shown once the stylesheet is in, so the widget never flashes unstyled.
    css.addEventListener("load", () => this._box.removeAttribute("hidden"));
    css.addEventListener("error", () => this._box.removeAttribute("hidden"));
    this._input = h("textarea", {
      id: "bc-input",
      part: "input",
      rows: 8,
      spellcheck: "false",
      autocomplete: "off",
      autocapitalize: "off",
      placeholder: "550 5.1.1 <someone@example.com>: Recipient address rejected: User unknown",
    });
    this._status = h("p", { class: "bc-status", role: "status", "aria-live": "polite" });
    this._output = h("div", { class: "bc-output", part: "output" });
    // Screen readers hear a one-line summary of each answer, not the whole card.
    this._said = h("p", { class: "bc-sr", role: "status", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "bc-form", part: "form" },
      (this._prompt = h("label", { for: "bc-input", class: "bc-prompt" })),
      this._input,
      h("div", { class: "bc-actions" }, (this._button = h("button", { type: "submit", class: "bc-check", part: "check" }))),
      (this._note = h("p", { class: "bc-note" })),
      this._status,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this._schedule(0);
    });
    this._box.append(form, this._said, this._output);
    this._relabel();
    root.append(css, this._box);

    this._timer = 0;
    this._seq = 0;
    // A paste or a drop is checked at once; typing, once the reader pauses.
    this._input.addEventListener("input", (e) =>
      this._schedule(e.inputType === "insertFromPaste" || e.inputType === "insertFromDrop" ? 0 : 150),
    );
    // Enter adds a line (bounces are many lines); Ctrl+Enter (⌘+Enter on a Mac) checks, as the button does.
    this._input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this._schedule(0);
      }
    });
    this.addEventListener("dragover", (e) => {
      if (e.dataTransfer?.types.includes("Files")) {
        e.preventDefault();
        this._box.classList.add("bc-drop");
      }
    });
    this.addEventListener("dragleave", () => this._box.classList.remove("bc-drop"));
    this.addEventListener("drop", (e) => this._drop(e));
  }

  /** The language in use: the `lang` attribute, else the page's. */
  get language() {
    return language(this.getAttribute("lang") || document.documentElement.lang);
  }

  /** Words in the current language. */
  get _words() {
    return SHELL[this.language];
  }

  _relabel() {
    this._box.lang = this.language;
    this._prompt.textContent = this._words.prompt;
    this._note.textContent = this._words.note;
    this._button.textContent = this._words.check;
    this._button.title = this._words.checkKey;
  }

  connectedCallback() {
    this._relabel();
    this._status.textContent = this._words.loading;
    loadEngine(this.kb).then(
      () => {
        this._status.textContent = "";
        this._ready = true;
        if (this._input.value) this._schedule(0);
        else this._openLink();
        this.dispatchEvent(new CustomEvent("bounce-checker-ready", { bubbles: true, composed: true }));
      },
      (e) => {
        this._status.textContent = `${this._words.loadFailed} ${e.message}`;
      },
    );
  }

  attributeChangedCallback(name) {
    if (name === "lang" && this._prompt) this._relabel();
    if (this._ready && this._input.value) this._schedule(0);
  }

  /** The knowledge base's URL that article links point to: the `kb` attribute, else the site the widget came from. */
  get kb() {
    const attr = this.getAttribute("kb");
    return new URL(attr || "..", attr ? document.baseURI : HERE).href;
  }

  /** The text in the paste box. Setting it checks it. */
  get value() {
    return this._input.value;
  }

  set value(text) {
    this._input.value = text;
    this._schedule(0);
  }

  /**
   * Diagnoses `text` and resolves to the report (see checker.d.ts, `Report`), without touching the box: what it
   * shows stays as it is. Long texts go to the worker when there is one.
   */
  async check(text = this._input.value) {
    const eng = await loadEngine(this.kb);
    const kb = this.kb;
    if (text.length > WORKER_THRESHOLD && eng.worker) return eng.worker.diagnose(text, kb);
    return checkerFor(eng, kb).diagnose(text);
  }

  /** Checks the text in the box and shows the answer; resolves to the report. */
  async _show() {
    const seq = ++this._seq;
    const text = this._input.value;
    const eng = await loadEngine(this.kb);
    const kb = this.kb;
    const options = {
      lang: this.language,
      newTab: new URL(kb).origin !== location.origin,
    };
    const checker = checkerFor(eng, kb);
    let report;
    try {
      if (text.length > WORKER_THRESHOLD) {
        this._status.textContent = this._words.checking;
        // Let "Checking…" paint before any long work on this thread.
        await nextFrame();
      }
      report = await this.check(text);
    } catch (e) {
      this._status.textContent = `${this._words.failed} ${e.message}`;
      throw e;
    }
    if (seq !== this._seq) return report; // a newer paste superseded this one
    this._status.textContent = "";
    this._output.lang = options.lang;
    checker.render(text, report, this._output, options);
    this._showFirstMark();
    if (report.kind !== "empty") this._shareButton(text);
    this._said.textContent = report.recognised
      ? report.bounces.map((b) => (b.recipient ? `${b.recipient}: ${b.title}` : b.title)).join(". ")
      : report.kind === "empty"
        ? ""
        : this._words.nothing;
    const section = this._output.querySelector(".bc-search");
    if (eng.search && section && report.query) {
      try {
        const hits = await eng.search.search(report.query, 5);
        // Never a "couldn't classify" page beside a card that classified the bounce (the engine names them).
        const skip = new Set(report.not_related);
        if (seq === this._seq) checker.renderSearch((hits ?? []).filter((h) => !skip.has(h.url)), section, options);
      } catch (e) {
        console.warn("bounce-checker: search failed:", e);
      }
    }
    this.dispatchEvent(new CustomEvent("bounce-checker-result", { detail: report, bubbles: true, composed: true }));
    return report;
  }

  /** "Copy a link to this answer" under the cards: the link carries `text` in its fragment. */
  _shareButton(text) {
    const w = this._words;
    const said = h("span", { class: "bc-share-said", role: "status" });
    const button = h("button", { type: "button", class: "bc-share-button", part: "share" }, w.share);
    const p = h("p", { class: "bc-share" }, button, " ", said);
    button.addEventListener("click", async () => {
      const data = await encodeShare(text);
      p.querySelector("input")?.remove();
      if (data.length > SHARE_MAX) {
        said.textContent = w.tooLong.replace("{n}", data.length).replace("{max}", SHARE_MAX);
        return;
      }
      const url = new URL(location.href);
      url.hash = SHARE_KEY.slice(1) + data;
      const field = h("input", { class: "bc-share-url", readonly: true, "aria-label": w.share, value: url.href });
      p.append(field);
      try {
        await navigator.clipboard.writeText(url.href);
        said.textContent = `${w.copied} ${w.holds}`;
      } catch {
        // No clipboard (permission, an insecure page): the link is there to copy by hand.
        said.textContent = w.holds;
        field.select();
      }
    });
    const result = this._output.querySelector(".bc-result");
    result?.insertBefore(p, result.querySelector(".bc-search"));
  }

  /** Fills the box from a shared link's fragment (`#bounce=…`) and checks it, on the page's first widget. */
  async _openLink() {
    const hash = location.hash;
    if (linkTaken || !hash.startsWith(SHARE_KEY)) return;
    linkTaken = true;
    const data = hash.slice(SHARE_KEY.length);
    const w = this._words;
    if (data.length > SHARE_MAX) {
      this._status.textContent = w.tooLong.replace("{n}", data.length).replace("{max}", SHARE_MAX);
      return;
    }
    try {
      this._input.value = await decodeShare(data);
    } catch {
      this._status.textContent = w.badLink;
      return;
    }
    this._schedule(0);
  }

  /** Scrolls the evidence box (not the page) so that its first mark is in view, a line below its top. */
  _showFirstMark() {
    const mark = this._output.querySelector(".bc-pasted mark");
    const pre = mark?.closest("pre");
    if (!pre) return;
    const line = parseFloat(getComputedStyle(pre).lineHeight) || 20;
    pre.scrollTop += mark.getBoundingClientRect().top - pre.getBoundingClientRect().top - line;
  }

  _schedule(delay) {
    clearTimeout(this._timer);
    if (!this._ready) return;
    this._timer = setTimeout(() => {
      this._show().catch((e) => console.error("bounce-checker:", e));
    }, delay);
  }

  async _drop(e) {
    e.preventDefault();
    this._box.classList.remove("bc-drop");
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    const text = await file.slice(0, MAX_INPUT).text();
    this._input.value = text;
    this._schedule(0);
  }
}

if (!customElements.get("bounce-checker")) customElements.define("bounce-checker", BounceChecker);
