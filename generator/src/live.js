// bouncebook serve: reload the page when a rebuild writes new pages; show the site's problems over the page.
(() => {
  const page = Number(document.currentScript?.dataset.version ?? 0);
  let seen = -1;
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
        position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "50vh", overflow: "auto", zIndex: "2147483647",
        margin: "0", padding: "1rem", background: "#2b0b0b", color: "#ffd7d7", font: "14px/1.5 ui-monospace, monospace",
        whiteSpace: "pre-wrap", borderTop: "4px solid #ff6b6b",
      });
      document.body.append(box);
    }
    box.textContent = "bouncebook serve: problems to fix\n\n" + errors;
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
        show(s.errors);
      } catch {
        await new Promise((ok) => setTimeout(ok, 1000));
      }
    }
  };
  poll();
})();
