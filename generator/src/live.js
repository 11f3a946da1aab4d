// bouncebook serve: reload the page when a rebuild succeeds; show the errors over the page when it fails.
(() => {
  const me = document.currentScript;
  let version = Number(me?.dataset.version ?? 0);
  let box = null;
  const show = (errors) => {
    if (!errors) {
      box?.remove();
      box = null;
      return;
    }
    if (!box) {
      box = document.createElement("pre");
      box.id = "bouncebook-errors";
      box.setAttribute("role", "alert");
      Object.assign(box.style, {
        position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "60vh", overflow: "auto", zIndex: "2147483647",
        margin: "0", padding: "1rem", background: "#2b0b0b", color: "#ffd7d7", font: "14px/1.5 ui-monospace, monospace",
        whiteSpace: "pre-wrap", borderTop: "4px solid #ff6b6b",
      });
      document.body.append(box);
    }
    box.textContent = "bouncebook: the last change could not be built\n\n" + errors;
  };
  const poll = async () => {
    for (;;) {
      try {
        const r = await fetch(`/__bouncebook/events?since=${version}`, { cache: "no-store" });
        const s = await r.json();
        if (s.version !== version) {
          version = s.version;
          if (s.errors) show(s.errors);
          else {
            location.reload();
            return;
          }
        }
      } catch {
        await new Promise((ok) => setTimeout(ok, 1000));
      }
    }
  };
  poll();
})();
