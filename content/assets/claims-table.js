// Sorting and filtering for the claims table. Without JavaScript the table shows every row;
// with it, the filters appear and its state is kept in the URL so it can be shared.
(function () {
  "use strict";

  function enhance(table) {
    var filters = document.querySelector(".fc-filters");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var status = filters ? filters.querySelector(".fc-filters__count") : null;
    var fields = filters ? Array.prototype.slice.call(filters.querySelectorAll("select")) : [];

    function selected() {
      var wanted = {};
      fields.forEach(function (field) {
        if (field.value) wanted[field.name] = field.value;
      });
      return wanted;
    }

    function matches(row, wanted) {
      return Object.keys(wanted).every(function (name) {
        var values = (row.dataset[name] || "").split(" ");
        return values.indexOf(wanted[name]) !== -1;
      });
    }

    function apply(updateUrl) {
      var wanted = selected();
      var shown = 0;
      rows.forEach(function (row) {
        var visible = matches(row, wanted);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (status) {
        status.textContent = "Showing " + shown + " of " + rows.length + " claims";
      }
      if (updateUrl) {
        var params = new URLSearchParams(window.location.search);
        fields.forEach(function (field) {
          if (field.value) params.set(field.name, field.value);
          else params.delete(field.name);
        });
        var query = params.toString();
        history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
    }

    if (filters) {
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (field) {
        if (params.has(field.name)) field.value = params.get(field.name);
      });
      filters.hidden = false;
      filters.addEventListener("change", function () { apply(true); });
      filters.querySelector(".fc-filters__clear").addEventListener("click", function () {
        fields.forEach(function (field) { field.value = ""; });
        apply(true);
      });
      apply(false);
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fc-sort";
      button.textContent = header.textContent;
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = header.dataset.sortType === "number";
        var key = function (row) {
          var cell = row.cells[column];
          var value = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
          return numeric ? Number(value) : value.toLowerCase();
        };
        rows.sort(function (a, b) {
          var left = key(a), right = key(b);
          var order = left < right ? -1 : left > right ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
  }

  document.querySelectorAll("table.fc-claims").forEach(enhance);
})();
