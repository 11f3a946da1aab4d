// bouncebook serve: reload the page when a rebuild changes the pages; show the site's problems over the page.
// The problem list opens by itself when it changes and stays folded once the writer has seen it.
(() => {
  const page = Number(document.currentScript?.dataset.version ?? 0);
  let seen = -1;
  let box = null;
  // Every part of the overlay gets its own colours, inline, so no site stylesheet (a theme's `pre` background,
  // say) shows through: dark red on pale red in light mode, pale red on dark red in dark mode, both far above
  // WCAG AA's 4.5:1 (tests/browser/serve.test.mjs measures it).
  const dark = matchMedia("(prefers-color-scheme: dark)");
  const paint = () => {
    if (!box) return;
    const [bg, fg, line] = dark.matches ? ["#2b0b0b", "#ffd7d7", "#ff6b6b"] : ["#fff1f0", "#5c0a0a", "#c62828"];
    Object.assign(box.style, { background: bg, color: fg, borderTop: `4px solid ${line}` });
    for (const part of box.children) {
      Object.assign(part.style, { background: "transparent", color: fg, border: "0", margin: "0", font: "inherit" });
    }
    Object.assign(box.querySelector("pre").style, { padding: "0.25rem 0 0", whiteSpace: "pre-wrap" });
    box.querySelector("summary").style.cursor = "pointer";
  };
  dark.addEventListener?.("change", paint);
  const show = (errors, built) => {
    if (!errors) {
      box?.remove();
      box = null;
      return;
    }
    if (!box) {
      box = document.createElement("details");
      box.id = "bouncebook-errors";
      box.setAttribute("role", "alert");
      Object.assign(box.style, {
        position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "50vh", overflow: "auto",
        zIndex: "2147483647", margin: "0", padding: "0.5rem 1rem", font: "14px/1.5 ui-monospace, monospace",
      });
      box.append(document.createElement("summary"), document.createElement("pre"));
      paint();
      // Folding the list by hand means "seen": it stays folded on other pages until the problems change.
      box.querySelector("summary").addEventListener("click", () =>
        sessionStorage.setItem("bouncebook-seen", box.dataset.errors ?? ""),
      );
      document.body.append(box);
    }
    const count = errors.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l)).length;
    box.querySelector("summary").textContent =
      `bouncebook serve: ${count || "some"} problem${count === 1 ? "" : "s"} to fix` +
      (built ? " (the pages were built anyway)" : " (these pages are from the last build that worked)");
    box.querySelector("pre").textContent = errors;
    box.dataset.errors = errors;
    box.open = sessionStorage.getItem("bouncebook-seen") !== errors;
  };
  const poll = async () => {
    for (;;) {
      try {
        const r = await fetch(`/__bouncebook/events?since=${seen}`, { cache: "no-store" });
        const s = await r.json();
        seen = s.version;
        if (s.pages !== page) {
          location.reload();
          return;
        }
        show(s.errors, s.output === s.version);
      } catch {
        await new Promise((ok) => setTimeout(ok, 1000));
      }
    }
  };
  poll();
})();
