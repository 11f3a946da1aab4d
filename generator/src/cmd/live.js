// bouncebook serve: reload the page when a rebuild writes new pages; show the site's problems over the page.
// The problem list opens by itself when it changes and stays folded once the writer has seen it.
(() => {
  const page = Number(document.currentScript?.dataset.version ?? 0);
  let seen = -1;
  let box = null;
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
        zIndex: "2147483647", margin: "0", padding: "0.5rem 1rem", background: "#2b0b0b", color: "#ffd7d7",
        font: "14px/1.5 ui-monospace, monospace", borderTop: "4px solid #ff6b6b",
      });
      box.append(document.createElement("summary"), document.createElement("pre"));
      box.querySelector("pre").style.whiteSpace = "pre-wrap";
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
        if (s.output !== page) {
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
