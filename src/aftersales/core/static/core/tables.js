// Copies each table's column names onto its cells, so that a phone can show a row as a card
// with every value under its name (app.css); runs again on what HTMX swaps in.
(function () {
  function label(root) {
    root.querySelectorAll("main table.table:not(.table-keep)").forEach(function (table) {
      var names = Array.from(table.querySelectorAll(":scope > thead > tr:last-child > th")).map(
        function (th) { return th.textContent.trim(); });
      if (!names.length) return;
      table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
        var column = 0;
        Array.from(row.children).forEach(function (cell) {
          if (!cell.hasAttribute("data-label") && cell.colSpan === 1) {
            cell.setAttribute("data-label", names[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSettle", function () { label(document); });
})();
