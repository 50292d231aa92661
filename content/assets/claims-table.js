// Sorting and filtering for the claims table. Without JavaScript the table shows every row;
// with it, the filter form appears and its state is kept in the URL so it can be shared.
(function () {
  "use strict";

  function enhance(table) {
    var form = document.querySelector("form.fc-filters");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var status = form ? form.querySelector(".fc-filters__count") : null;

    function selected() {
      var wanted = {};
      if (!form) return wanted;
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.tagName === "SELECT" && field.value) wanted[field.name] = field.value;
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
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.tagName !== "SELECT") return;
          if (field.value) params.set(field.name, field.value);
          else params.delete(field.name);
        });
        var query = params.toString();
        history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
    }

    if (form) {
      var params = new URLSearchParams(window.location.search);
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.tagName === "SELECT" && params.has(field.name)) field.value = params.get(field.name);
      });
      form.hidden = false;
      form.addEventListener("change", function () { apply(true); });
      form.addEventListener("reset", function () {
        window.setTimeout(function () { apply(true); }, 0);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
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
