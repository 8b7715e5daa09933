// Keyboard for the case queue: "/" focuses the search, j/k move between rows, Enter opens one.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  let current = -1;
  function rows() { return Array.from(document.querySelectorAll("tr.case-row")); }
  function mark(i) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(i, all.length - 1));
    all.forEach(function (r, n) { r.classList.toggle("table-active", n === current); });
    all[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(document.activeElement)) return;
    if (e.key === "/") {
      const box = document.getElementById("case-q");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    } else if (e.key === "j") {
      mark(current + 1);
    } else if (e.key === "k") {
      mark(current - 1);
    } else if (e.key === "Enter" && current >= 0) {
      const row = rows()[current];
      if (row) window.location.href = row.dataset.href;
    }
  });
  document.addEventListener("htmx:afterSwap", function () { current = -1; });
})();
