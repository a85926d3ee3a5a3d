// Narrows the events catalogue to one namespace: rows whose "Namespace" cell differs are hidden.
(function () {
  function columnOf(table, name) {
    var cells = table.querySelectorAll("thead th");
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].textContent.trim() === name) return i;
    }
    return -1;
  }
  function apply(select) {
    document.querySelectorAll("table").forEach(function (table) {
      var column = columnOf(table, "Namespace");
      if (column < 0) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var cell = row.children[column];
        var shown = !select.value || (cell && cell.textContent.trim() === select.value);
        row.hidden = !shown;
      });
    });
  }
  function setup() {
    document.querySelectorAll("select[data-tr-filter='namespace']").forEach(function (select) {
      select.addEventListener("change", function () { apply(select); });
      apply(select);
    });
  }
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
