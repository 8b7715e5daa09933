// Guard of the pages that refresh themselves (HTMX `every Ns [liveIdle(this)]`): a refresh
// replaces what the user may be working in, so it waits while the page is hidden, a field has
// the focus, a menu is open, a row is ticked or anything in the part is changed and not sent.
(function () {
  "use strict";

  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked || field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      const options = [...field.options];
      if (field.multiple) return options.some((o) => o.selected !== o.defaultSelected);
      // Without a `selected` attribute the first option is the one shown at first.
      return field.selectedIndex !== Math.max(0, options.findIndex((o) => o.defaultSelected));
    }
    return field.type !== "hidden" && field.value !== field.defaultValue;
  }

  window.liveIdle = function (root) {
    if (document.visibilityState !== "visible") return false;
    const active = document.activeElement;
    if (active && active.matches("input, select, textarea, [contenteditable]")) return false;
    if (!root) return true;
    if (root.querySelector(".dropdown-menu.show, .modal.show")) return false;
    return ![...root.querySelectorAll("input, select, textarea")].some(changed);
  };
})();
