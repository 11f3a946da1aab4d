// bouncebook search, in the browser and offline: reads the index `bouncebook build` wrote to search/ and ranks
// pages for a query. The ranking is decided by the generator (generator/src/search.rs): the index carries the
// tokenizer's rules (patterns, stop words, folding) and each term's weight and posting scores, so this file
// tokenizes by the index's rules and adds integers up, in the order `Index::search` does. The browser test
// tests/browser/search.test.mjs checks the page ranks the query set exactly as Rust does.
//
// As a module it exports `search(query, limit, {text})` → [{url, title, snippet, marks}] (`marks` are [start, end)
// ranges of the snippet to highlight). The checker widget imports it and calls `search(query, limit)`: snippets
// then come from summaries. For the widget a small index (terms and titles) is loaded whole when this module
// loads, so it fetches nothing later; the search page, and any site with a large index, fetch the parts each
// query needs. With `{text: true}` (the search page) snippets come from the page's prose (never its code blocks),
// fetched for the results shown.

const BASE = new URL("../search/", import.meta.url);
const ROOT = new URL("../", import.meta.url);
const SNIPPET = 180;
const SHOWN = 10;
const ALNUM = /[\p{L}\p{N}]/u;

let loaded = 0;
const files = new Map();

const manifest = await fetch(new URL("index.json", BASE)).then((r) => {
  if (!r.ok) throw new Error(`search/index.json: HTTP ${r.status}`);
  return r.json();
});
loaded += JSON.stringify(manifest).length;
const R = manifest.rules;
const SKIP = new RegExp(R.skip, "gu");
const WORD = new RegExp(R.word, "gu");
const STATUS = new RegExp(R.status, "u");
const HOST = new RegExp(R.host, "u");
const FOLDABLE = new RegExp(R.foldable, "u");
const STOP = new Set(R.stop);
const REPLY = new RegExp(R.reply, "u");

const keep = (t) => [...t].length >= R.min_term && !STOP.has(t);

function fold(word) {
  if (!FOLDABLE.test(word)) return word;
  for (const [suffix, to] of R.fold) {
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      if ([...stem].length + [...to].length >= R.min_stem) return stem + to;
    }
  }
  return word;
}

/** The terms of one lowercased word (generator/src/search/tokenize.rs `word_terms`). */
function wordTerms(word) {
  if (!/[._-]/.test(word)) {
    const t = fold(word);
    return keep(t) ? [t] : [];
  }
  if (STATUS.test(word) || HOST.test(word)) return keep(word) ? [word] : [];
  const dash = word.indexOf("-");
  if (dash >= 0 && REPLY.test(word.slice(0, dash)) && STATUS.test(word.slice(dash + 1))) {
    return [word.slice(0, dash), word.slice(dash + 1)];
  }
  const emitted = [];
  const emit = (t) => {
    const f = fold(t);
    if (keep(f) && !emitted.includes(f)) emitted.push(f);
  };
  emit(word);
  for (const part of word.split(/[-_]/)) {
    if (part.includes(".") && !STATUS.test(part)) {
      emit(part);
      for (const piece of part.split(".")) emit(piece);
    } else {
      emit(part);
    }
  }
  return emitted;
}

/** Search terms of `text`, by the index's rules. */
export function tokenize(text) {
  const out = [];
  const cleaned = String(text).toLowerCase().replace(SKIP, " ");
  for (const m of cleaned.matchAll(WORD)) out.push(...wordTerms(m[0]));
  return out;
}

/** Undoes the gzip the generator applied (files are named .bin, so no host or browser has undone it already). */
async function gunzip(buffer) {
  const b = new Uint8Array(buffer);
  if (b[0] !== 0x1f || b[1] !== 0x8b) return buffer;
  const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

function fetchFile(name, kind) {
  if (!files.has(name)) {
    files.set(
      name,
      fetch(new URL(name, BASE)).then(async (r) => {
        if (!r.ok) throw new Error(`search/${name}: HTTP ${r.status}`);
        const raw = await r.arrayBuffer();
        loaded += raw.byteLength;
        const data = await gunzip(raw);
        return kind === "bin" ? decodeChunk(data) : JSON.parse(new TextDecoder().decode(data));
      }),
    );
  }
  return files.get(name);
}

const chunkName = (i) => `t-${manifest.chunks.hash}-${i}.bin`;
const bucketName = (prefix, set, i) => `${prefix}-${set.hash}-${i}.bin`;

/** A term chunk (generator/src/search.rs `encode_chunk`): term → {weight, covers, start, count}, and the terms in order. */
function decodeChunk(buffer) {
  const b = new Uint8Array(buffer);
  const decoder = new TextDecoder();
  let p = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    let x;
    do {
      x = b[p++];
      v += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    return v;
  };
  const terms = new Map();
  const list = [];
  while (p < b.length) {
    const len = varint();
    const term = decoder.decode(b.subarray(p, p + len));
    p += len;
    const w = varint();
    const count = varint();
    const size = varint();
    terms.set(term, { weight: Math.floor(w / 2), covers: w % 2 === 1, start: p, count });
    list.push(term);
    p += size;
  }
  return { b, terms, list };
}

/** The postings of `term` in `chunk`: [[id, score byte], ...], ids ascending. */
function postings(chunk, term) {
  const e = chunk.terms.get(term);
  if (!e) return null;
  const { b } = chunk;
  let p = e.start;
  let id = 0;
  const out = new Array(e.count);
  for (let i = 0; i < e.count; i++) {
    let v = 0;
    let shift = 0;
    let x;
    do {
      x = b[p++];
      v += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    id += v;
    out[i] = [id, b[p++]];
  }
  return { ...e, list: out };
}

// The search page's own list of results, when this module runs as the search page's script.
const list = typeof document !== "undefined" ? document.getElementById("search-results") : null;

// The checker widget imports this module and must fetch nothing after it has loaded, so a small index is loaded
// whole; the search page fetches only what each query needs.
if (manifest.preload && !list) {
  await Promise.all([
    ...manifest.chunks.first.map((_, i) => fetchFile(chunkName(i), "bin")),
    ...Array.from({ length: Math.ceil(manifest.n / manifest.docs.per) }, (_, i) =>
      fetchFile(bucketName("d", manifest.docs, i), "json"),
    ),
  ]);
}

/** Bytes of the index fetched so far. */
export function loadedBytes() {
  return loaded;
}

function chunkIndex(term) {
  const first = manifest.chunks.first;
  let lo = 0;
  let hi = first.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (first[mid] <= term) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/** Ranks documents: [[id, score], ...], best first (generator/src/search/query.rs `Index::search`). */
async function rank(query, limit) {
  const terms = [...new Set(tokenize(query))];
  const first = manifest.chunks.first;
  if (!terms.length || !first.length) return { terms, ranked: [] };
  const need = new Set(terms.map(chunkIndex));
  const last = terms[terms.length - 1];
  const lastChunk = chunkIndex(last);
  if (first[lastChunk + 1]?.startsWith(last)) need.add(lastChunk + 1);
  const chunks = new Map();
  await Promise.all([...need].map(async (i) => chunks.set(i, await fetchFile(chunkName(i), "bin"))));
  const score = new Map();
  const covered = new Map();
  let total = 0;
  terms.forEach((term, i) => {
    const exact = postings(chunks.get(chunkIndex(term)), term);
    if (exact) {
      const w = exact.weight;
      if (exact.covers) total += w;
      for (const [d, q] of exact.list) {
        score.set(d, (score.get(d) ?? 0) + 2 * w * q);
        if (exact.covers) covered.set(d, (covered.get(d) ?? 0) + w);
      }
    }
    if (i === terms.length - 1 && [...term].length >= R.prefix_min) {
      const has = new Set(exact ? exact.list.map(([d]) => d) : []);
      const best = new Map();
      let taken = 0;
      const c0 = chunkIndex(term);
      outer: for (let c = c0; c < c0 + 2 && chunks.has(c); c++) {
        const chunk = chunks.get(c);
        for (const other of chunk.list) {
          if (other <= term) continue;
          if (taken >= R.prefix_terms || !other.startsWith(term)) break outer;
          taken++;
          const p = postings(chunk, other);
          for (const [d, q] of p.list) {
            if (has.has(d)) continue;
            const s = p.weight * q;
            if (s > (best.get(d) ?? 0)) best.set(d, s);
          }
        }
      }
      for (const [d, s] of best) score.set(d, (score.get(d) ?? 0) + s);
    }
  });
  const ranked = [...score]
    .filter(([, s]) => s > 0)
    .map(([d, s]) => [d, s * (1 + total + R.coverage * (covered.get(d) ?? 0))])
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit);
  return { terms, ranked };
}

/** Row `id` of the bucket set `set` ({hash, per}) named `prefix`. */
async function row(prefix, set, id) {
  const i = Math.floor(id / set.per);
  return (await fetchFile(bucketName(prefix, set, i), "json"))[id - i * set.per];
}

/**
 * The part of `text` with the most query terms, and the ranges to mark. A word is a hit when one of its terms
 * (folded, as the index has them) is a query term, or begins with `prefix` (the last, maybe unfinished, word).
 */
export function snippet(text, terms, prefix) {
  const want = new Map(terms.map((t, k) => [t, k]));
  const hits = [];
  const cleaned = text.toLowerCase();
  if (cleaned.length !== text.length) return { text: text.slice(0, SNIPPET), marks: [] };
  for (const m of cleaned.matchAll(WORD)) {
    let k = -1;
    for (const t of wordTerms(m[0])) {
      if (want.has(t)) k = want.get(t);
      else if (prefix && t.startsWith(prefix)) k = want.get(prefix);
      if (k >= 0) break;
    }
    if (k >= 0) hits.push([m.index, m.index + m[0].length, k]);
  }
  if (!hits.length) return null;
  // The window of SNIPPET characters holding the most distinct terms (first such window wins).
  let best = 0;
  let bestCount = 0;
  for (let s = 0; s < hits.length; s++) {
    const seen = new Set();
    for (let e = s; e < hits.length && hits[e][1] - hits[s][0] <= SNIPPET; e++) seen.add(hits[e][2]);
    if (seen.size > bestCount) {
      bestCount = seen.size;
      best = s;
    }
  }
  let start = Math.max(0, hits[best][0] - 40);
  while (start > 0 && ALNUM.test(text[start - 1])) start--;
  let end = Math.min(text.length, start + SNIPPET);
  while (end < text.length && ALNUM.test(text[end])) end++;
  const lead = start > 0 ? "… " : "";
  const tail = end < text.length ? " …" : "";
  const marks = [];
  for (const [s, e] of hits) {
    if (s < start || e > end) continue;
    const ms = s - start + lead.length;
    const me = e - start + lead.length;
    const prev = marks[marks.length - 1];
    if (prev && ms <= prev[1]) prev[1] = Math.max(prev[1], me);
    else marks.push([ms, me]);
  }
  return { text: lead + text.slice(start, end) + tail, marks };
}

/** The ranked URLs for `query`, relative to the site root, without fetching titles or snippets (for tests). */
export async function rankedUrls(query, limit = 10) {
  const { ranked } = await rank(query, limit);
  return Promise.all(ranked.map(async ([id]) => (await row("d", manifest.docs, id))[0]));
}

/**
 * Searches the site: [{url, title, snippet, marks}], best first; URLs are absolute. With `text: true` the snippet
 * is the part of the page that best matches (its text is fetched); otherwise it comes from the summary.
 */
export async function search(query, limit = 10, { text = false } = {}) {
  const { terms, ranked } = await rank(query, limit);
  const last = terms[terms.length - 1];
  const prefix = last && [...last].length >= R.prefix_min ? last : null;
  return Promise.all(
    ranked.map(async ([id]) => {
      const [url, title, summary] = await row("d", manifest.docs, id);
      const body = text ? await row("x", manifest.texts, id) : "";
      const s = (body ? snippet(body, terms, prefix) : null) ??
        snippet(summary, terms, prefix) ?? { text: summary, marks: [] };
      return { url: new URL(url, ROOT).href, title, snippet: s.text, marks: s.marks };
    }),
  );
}

// The search page: #search-q, #search-status, #search-results. Results are built from text nodes, never HTML.
if (list) {
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  let seq = 0;
  const show = async (query) => {
    const mine = ++seq;
    if (!query.trim()) {
      list.replaceChildren();
      status.textContent = "Type or paste an error message, a code such as 5.7.1, or a few words.";
      return;
    }
    const hits = await search(query, SHOWN, { text: true });
    if (mine !== seq) return;
    list.replaceChildren(
      ...hits.map((h) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = h.url;
        a.textContent = h.title;
        const p = document.createElement("p");
        let at = 0;
        for (const [s, e] of h.marks) {
          p.append(h.snippet.slice(at, s));
          const m = document.createElement("mark");
          m.textContent = h.snippet.slice(s, e);
          p.append(m);
          at = e;
        }
        p.append(h.snippet.slice(at));
        li.append(a, p);
        return li;
      }),
    );
    status.textContent = hits.length
      ? `${hits.length === SHOWN ? `The first ${SHOWN}` : hits.length} result${hits.length === 1 ? "" : "s"}.`
      : "Nothing found. Try the code alone (such as 550 or 5.7.1), or fewer words.";
    list.dataset.query = query;
  };
  const query = new URLSearchParams(location.search).get("q") ?? "";
  input.value = query;
  show(query);
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url);
      show(input.value);
    }, 120);
  });
  input.form?.addEventListener("submit", (e) => {
    e.preventDefault();
    show(input.value);
  });
}
