// A decision tree as one inline wizard. Without JavaScript every step of a tree is its own page; with it, the
// tree's start page (tree-step.html) shows one step at a time in place: options are buttons, "Back" and
// "Start over" work, and an outcome shows its fix and article.
//
// Where the steps come from: the start page carries every step, rendered by the theme into a <template>, and this
// script only clones them. Not a JSON block: help and fixes are HTML (links, emphasis, code) made by the build,
// and as JSON strings only innerHTML or DOMParser could turn them back into elements, which is what we keep out
// of the site (a Trusted Types policy forbids it too). A template is parsed once by the browser with the page,
// inert (it loads nothing, runs nothing, and readers without JavaScript and search engines never see it); the
// markup and the words ("Step", "Back") stay in the theme. No inline script or style, so it runs under a CSP
// that allows scripts from the site's origin only.
//
// History lives in the fragment: #/<id>/<id>/… names the steps after the start, so the browser's back button,
// a reload and a shared link land on the same step with the same way back. Other fragments (the skip link's
// #main) leave the wizard as it is. Focus moves to each new step's heading, and a polite live region says which
// step it is, for keyboard and screen-reader users.

const tpl = document.querySelector("template.tree-wizard");
const walk = document.querySelector(".tree-walk");

if (tpl && walk) {
  const { start, stepWord, resultWord } = tpl.dataset;
  const steps = new Map([...tpl.content.querySelectorAll("[data-step]")].map((s) => [s.dataset.step, s]));
  const leadsTo = (from, to) => [...steps.get(from).querySelectorAll("[data-next]")].some((b) => b.dataset.next === to);
  const wizard = document.createElement("div");
  const slot = document.createElement("div");
  const nav = tpl.content.querySelector(".tree-nav").cloneNode(true);
  const status = tpl.content.querySelector("[role=status]").cloneNode(true);
  const title = document.title;
  let path = null;

  /** The steps the fragment names, as far as each leads to the next; null when the fragment is not ours. */
  const read = () => {
    const hash = location.hash;
    if (hash && !hash.startsWith("#/")) return null;
    const out = [];
    for (const id of hash.slice(2).split("/")) {
      if (!leadsTo(out.at(-1) ?? start, id)) break;
      out.push(id);
    }
    return out;
  };

  const url = (p) => (p.length ? `#/${p.join("/")}` : location.pathname + location.search);

  const show = (p, focus) => {
    if (path && p.join("/") === path.join("/")) return;
    path = p;
    const step = steps.get(p.at(-1) ?? start).cloneNode(true);
    const outcome = !step.querySelector("[data-next]");
    const number = outcome ? resultWord : `${stepWord} ${p.length + 1}`;
    step.querySelector(".step-number").textContent = number;
    slot.replaceChildren(step);
    nav.hidden = p.length === 0;
    status.textContent = number;
    document.title = p.length ? `${step.dataset.title} – ${title}` : title;
    if (focus) step.querySelector(".question").focus();
  };

  /** Shows `p` as a new history entry that remembers where it came from, or in place of the current one. */
  const go = (p, replace) => {
    if (replace) history.replaceState(null, "", url(p));
    else history.pushState({ from: path.join("/") }, "", url(p));
    show(p, true);
  };

  /** Shows what the fragment names (back, forward, an edited or followed link); tidies a half-valid one. */
  const sync = (focus) => {
    const p = read();
    if (!p) return;
    if (location.hash && url(p) !== location.hash) history.replaceState(history.state, "", url(p));
    show(p, focus);
  };

  wizard.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    if (button.dataset.next) go([...path, button.dataset.next]);
    else if (button.dataset.go === "restart") go([]);
    else if (button.dataset.go === "back") {
      const parent = path.slice(0, -1);
      // An answer on this page led here: undo it, so our "Back" and the browser's agree. A shared link or a
      // reload has nothing to go back to, so the parent replaces the step instead.
      if (history.state?.from === parent.join("/")) history.back();
      else go(parent, true);
    }
  });
  addEventListener("popstate", () => sync(true));
  addEventListener("hashchange", () => sync(true));

  wizard.className = "tree-wizard";
  wizard.append(slot, nav, status);
  walk.replaceWith(wizard);
  sync(false);
  if (!path) show([], false);
}
