// bouncebook search, in the browser and offline: reads the index `bouncebook build` wrote to search/ and ranks
// pages for a query. The tokenizer and the ranking mirror generator/src/search.rs; change both together.
//
// As a module it exports `search(query, limit, {text})` → [{url, title, snippet, marks}] (`marks` are [start, end)
// ranges of the snippet to highlight). The checker widget imports it and calls `search(query, limit)`: snippets
// then come from summaries. A small index (terms and titles) is loaded whole when this module loads, so the widget
// fetches nothing later; a large one is fetched in parts, as queries need them. With `{text: true}` (the search
// page) snippets come from the page text, fetched for the results shown.

const BASE = new URL("../search/", import.meta.url);
const ROOT = new URL("../", import.meta.url);
const PREFIX_TERMS = 50;
const SNIPPET = 180;
const STOP = new Set([
  "a", "about", "after", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "for", "has",
  "have", "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "that", "the", "their", "then",
  "there", "these", "this", "to", "was", "we", "which", "with", "you",
]);
const WORD = /[\p{L}\p{N}]+(?:[._-][\p{L}\p{N}]+)*/gu;
const ALNUM = /[\p{L}\p{N}]/u;
const STATUS = /^\d\.\d{1,3}\.\d{1,3}$/;

const keep = (t) => [...t].length >= 2 && !STOP.has(t);

/** Search terms of `text`, as the generator makes them (see generator/src/search.rs `tokenize`). */
export function tokenize(text) {
  const out = [];
  for (const m of String(text).matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (!/[._-]/.test(word)) {
      if (keep(word)) out.push(word);
      continue;
    }
    const emitted = [];
    const emit = (t) => {
      if (keep(t) && !emitted.includes(t)) emitted.push(t);
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
    out.push(...emitted);
  }
  return out;
}

let loaded = 0;
const files = new Map();

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
    const count = varint();
    const size = varint();
    terms.set(term, { start: p, count });
    list.push(term);
    p += size;
  }
  return { b, terms, list };
}

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
  return out;
}

const manifest = await fetch(new URL("index.json", BASE)).then((r) => {
  if (!r.ok) throw new Error(`search/index.json: HTTP ${r.status}`);
  return r.json();
});
loaded += JSON.stringify(manifest).length;
if (manifest.preload) {
  await Promise.all([
    ...manifest.chunks.map(([, name]) => fetchFile(name, "bin")),
    ...manifest.docs.map(([, name]) => fetchFile(name, "json")),
  ]);
}

/** Bytes of the index fetched so far. */
export function loadedBytes() {
  return loaded;
}

function chunkIndex(term) {
  let lo = 0;
  let hi = manifest.chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (manifest.chunks[mid][0] <= term) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ranks documents: [[id, score], ...], best first (generator/src/search.rs `Index::search`). */
async function rank(query, limit) {
  const terms = [...new Set(tokenize(query))];
  if (!terms.length || !manifest.chunks.length) return { terms, ranked: [] };
  const need = new Set(terms.map(chunkIndex));
  const last = terms[terms.length - 1];
  const lastChunk = chunkIndex(last);
  if (manifest.chunks[lastChunk + 1]?.[0].startsWith(last)) need.add(lastChunk + 1);
  const chunks = new Map();
  await Promise.all([...need].map(async (i) => chunks.set(i, await fetchFile(manifest.chunks[i][1], "bin"))));
  const n = manifest.n;
  const score = new Map();
  const matched = new Map();
  const idf = (df) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  terms.forEach((term, i) => {
    const exact = postings(chunks.get(chunkIndex(term)), term);
    if (exact) {
      const w = idf(exact.length);
      for (const [d, q] of exact) {
        score.set(d, (score.get(d) ?? 0) + w * q);
        matched.set(d, (matched.get(d) ?? 0) + 1);
      }
    }
    if (i === terms.length - 1 && [...term].length >= 3) {
      const has = new Set(exact ? exact.map(([d]) => d) : []);
      const best = new Map();
      let taken = 0;
      outer: for (let c = chunkIndex(term); c < chunkIndex(term) + 2 && chunks.has(c); c++) {
        const chunk = chunks.get(c);
        for (const other of chunk.list) {
          if (compare(other, term) <= 0) continue;
          if (taken >= PREFIX_TERMS || !other.startsWith(term)) break outer;
          taken++;
          const list = postings(chunk, other);
          const w = idf(list.length);
          for (const [d, q] of list) {
            if (has.has(d)) continue;
            const s = 0.5 * w * q;
            if (s > (best.get(d) ?? 0)) best.set(d, s);
          }
        }
      }
      for (const [d, s] of best) {
        score.set(d, (score.get(d) ?? 0) + s);
        matched.set(d, (matched.get(d) ?? 0) + 1);
      }
    }
  });
  const total = terms.length;
  const ranked = [...score]
    .filter(([, s]) => s > 0)
    .map(([d, s]) => [d, (s * (1 + matched.get(d))) / (1 + total)])
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit);
  return { terms, ranked };
}

/** Row `id` of the buckets `list` ([[first id, file], ...]). */
async function row(list, id) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid][0] <= id) lo = mid + 1;
    else hi = mid;
  }
  const [first, name] = list[lo - 1];
  return (await fetchFile(name, "json"))[id - first];
}

/** The part of `text` with the most query terms, and the ranges to mark. */
export function snippet(text, terms, prefix) {
  const lower = text.toLowerCase();
  if (lower.length !== text.length) return { text: text.slice(0, SNIPPET), marks: [] };
  const hits = [];
  terms.forEach((t, k) => {
    let i = 0;
    let found = 0;
    while ((i = lower.indexOf(t, i)) >= 0 && found < 50) {
      const before = i === 0 || !ALNUM.test(lower[i - 1]);
      const end = i + t.length;
      const after = end >= lower.length || !ALNUM.test(lower[end]) || (prefix && t === prefix);
      if (before && after) {
        let e = end;
        if (prefix && t === prefix) while (e < lower.length && ALNUM.test(lower[e])) e++;
        hits.push([i, e, k]);
        found++;
      }
      i = end;
    }
  });
  if (!hits.length) return null;
  hits.sort((a, b) => a[0] - b[0]);
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

/**
 * Searches the site: [{url, title, snippet, marks}], best first; URLs are absolute. With `text: true` the snippet
 * is the part of the page that best matches (its text is fetched); otherwise it comes from the summary.
 */
export async function search(query, limit = 10, { text = false } = {}) {
  const { terms, ranked } = await rank(query, limit);
  const last = terms[terms.length - 1];
  const prefix = last && [...last].length >= 3 ? last : null;
  return Promise.all(
    ranked.map(async ([id]) => {
      const [url, title, summary] = await row(manifest.docs, id);
      const body = text ? await row(manifest.texts, id) : "";
      const s = (body ? snippet(body, terms, prefix) : null) ??
        snippet(summary, terms, prefix) ?? { text: summary, marks: [] };
      return { url: new URL(url, ROOT).href, title, snippet: s.text, marks: s.marks };
    }),
  );
}

// The search page: #search-q, #search-status, #search-results. Results are built from text nodes, never HTML.
const list = typeof document !== "undefined" ? document.getElementById("search-results") : null;
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
    const hits = await search(query, 20, { text: true });
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
      ? `${hits.length === 20 ? "The first 20" : hits.length} result${hits.length === 1 ? "" : "s"}.`
      : "Nothing found. Try the code alone (such as 550 or 5.7.1), or fewer words.";
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
