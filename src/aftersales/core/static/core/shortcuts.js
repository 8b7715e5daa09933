// Console-wide keys: "?" the sheet (layouts/_shortcuts.html), "/" the search, "g q", "g h", "n".
// Keys typed into a field are the user's text, never a shortcut.
(function () {
  "use strict";
  const SEQUENCE_MS = 1500; // how long "g" waits for its second key
  let pendingG = 0;
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function sheet() { return document.getElementById("shortcut-sheet"); }
  function go(name) {
    const el = sheet();
    const url = el && el.dataset[name];
    if (url) window.location.href = url;
  }
  function showSheet() {
    const el = sheet();
    if (!el) return;
    if (window.bootstrap) {
      window.bootstrap.Modal.getOrCreateInstance(el).show();
    } else { // Bootstrap failed to load: show the sheet plainly
      el.style.display = "block";
      el.classList.add("show");
    }
  }
  function focusSearch() {
    // A page's own search (the queue's) handles "/" itself and marks the event as handled.
    const box = document.getElementById("console-lookup");
    if (box) { box.focus(); box.select(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (typing(document.activeElement)) return;
    const waited = Date.now() - pendingG < SEQUENCE_MS;
    pendingG = 0;
    if (waited && (e.key === "q" || e.key === "h")) {
      e.preventDefault();
      go(e.key === "q" ? "queue" : "home");
    } else if (e.key === "g") {
      pendingG = Date.now();
    } else if (e.key === "?") {
      e.preventDefault();
      showSheet();
    } else if (e.key === "/") {
      e.preventDefault();
      focusSearch();
    } else if (e.key === "n") {
      e.preventDefault();
      go("new");
    }
  });
})();
