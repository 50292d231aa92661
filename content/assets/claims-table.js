// Sorting and filtering for the claims tables. Without JavaScript every claim is reachable
// through the pages of the list. With it, the all-claims table filters and sorts the whole
// archive: the filters' choices come from claims-filters.json, the first choice loads
// claims-table.json (every claim, compactly) and the table shows the matching claims, a
// hundred at a time. The state is kept in the URL so that it can be shared. Other claim lists
// sort the rows of their page.
(function () {
  "use strict";

  var BATCH = 100;

  function option(value, text) {
    var node = element("option", "", text);
    node.value = value;
    return node;
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function archiveRows(data, root) {
    return data.rows.map(function (row) {
      var verdict = data.verdicts[row[2]];
      var level = data.confidence[row[3]];
      var claimant = data.claimants[row[4]];
      return {
        id: row[0], short: row[1], verdict: verdict, confidence: level, claimant: claimant,
        claimed: row[5], date: row[6], qualifier: row[7], tag: row[8], source: row[9],
        values: {
          verdict: [verdict[0]], confidence: [level[0]], claimant: [claimant[0]],
          qualifier: row[7], tag: row[8], source: row[9],
        },
        sort: {
          short: row[1].toLowerCase(), verdict: verdict[2], confidence: level[2],
          claimant: claimant[1].toLowerCase(), claimed: row[5],
        },
        url: root + "claims/" + row[0] + "/",
      };
    });
  }

  function tableRow(claim, root) {
    var tr = document.createElement("tr");
    var link = element("a", "", claim.short);
    link.href = claim.url;
    var first = element("td");
    first.appendChild(link);
    var badge = element("a", "fc-badge fc-verdict fc-verdict--" + claim.verdict[0], claim.verdict[1]);
    badge.href = root + "scale/#" + claim.verdict[0];
    var second = element("td");
    second.appendChild(badge);
    var third = element("td", "", claim.confidence[1]);
    third.dataset.label = "Confidence";
    var fourth = element("td", "", claim.claimant[1]);
    fourth.dataset.label = "Claimant";
    var time = element("time", "", claim.date);
    time.setAttribute("datetime", claim.claimed);
    var fifth = element("td");
    fifth.dataset.label = "Claimed";
    fifth.appendChild(time);
    [first, second, third, fourth, fifth].forEach(function (cell) { tr.appendChild(cell); });
    return tr;
  }

  function enhance(table) {
    var filters = document.querySelector(".fc-filters");
    var body = table.tBodies[0];
    var pageRows = Array.prototype.slice.call(body.rows);
    var pages = document.querySelector(".fc-pages");
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var fields = filters ? Array.prototype.slice.call(filters.querySelectorAll("select")) : [];
    var status = filters ? filters.querySelector(".fc-filters__count") : null;
    var isArchive = Boolean(filters && filters.dataset.rows);
    var root = filters ? filters.dataset.root : "";
    var archive = null;
    var loading = null;
    var more = null;
    var sortKey = "";
    var ascending = true;

    function load() {
      if (!loading) {
        loading = fetch(filters.dataset.rows)
          .then(function (response) {
            if (!response.ok) throw new Error(response.statusText);
            return response.json();
          })
          .then(function (data) { archive = archiveRows(data, root); return archive; });
      }
      return loading;
    }

    function wanted() {
      var chosen = {};
      fields.forEach(function (field) { if (field.value) chosen[field.name] = field.value; });
      return chosen;
    }

    // The chosen filters in words, as the boxes may be too narrow to show a choice whole.
    function described() {
      var parts = fields.filter(function (field) { return field.value; }).map(function (field) {
        var label = field.parentNode.firstChild.textContent.trim();
        return label + ": " + field.options[field.selectedIndex].text;
      });
      return parts.length ? " where " + parts.join("; ") : "";
    }

    function compare(left, right) {
      var order = left < right ? -1 : left > right ? 1 : 0;
      return ascending ? order : -order;
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (field) {
        if (field.value) params.set(field.name, field.value);
        else params.delete(field.name);
      });
      if (sortKey) {
        params.set("sort", sortKey);
        params.set("order", ascending ? "asc" : "desc");
      } else {
        params.delete("sort");
        params.delete("order");
      }
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    function showHeaders() {
      headers.forEach(function (header) {
        if (header.dataset.sortKey === sortKey) {
          header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        } else {
          header.removeAttribute("aria-sort");
        }
      });
      chooser.value = sortKey ? sortKey + (ascending ? ":asc" : ":desc") : "";
    }

    function showPage() {
      // No filter and no sort: the page as built, with its links to the other pages.
      pageRows.forEach(function (row) { row.hidden = false; body.appendChild(row); });
      Array.prototype.slice.call(body.rows).forEach(function (row) {
        if (pageRows.indexOf(row) === -1) body.removeChild(row);
      });
      if (pages) pages.hidden = false;
      if (more) more.hidden = true;
      if (status) status.textContent = "";
    }

    function showArchive(claims) {
      var chosen = wanted();
      var matching = claims.filter(function (claim) {
        return Object.keys(chosen).every(function (name) {
          return claim.values[name].indexOf(chosen[name]) !== -1;
        });
      });
      if (sortKey) {
        matching = matching.slice().sort(function (a, b) {
          return compare(a.sort[sortKey], b.sort[sortKey]);
        });
      }
      var shown = 0;
      function showMore() {
        var batch = matching.slice(shown, shown + BATCH);
        batch.forEach(function (claim) { body.appendChild(tableRow(claim, root)); });
        shown += batch.length;
        more.hidden = shown >= matching.length;
        status.textContent = matching.length
          ? "Showing " + shown + " of " + matching.length + " claims" + described()
          : "No claim" + described() + ". Choose other filters, or clear them.";
      }
      while (body.firstChild) body.removeChild(body.firstChild);
      if (pages) pages.hidden = true;
      if (!more) {
        more = element("button", "fc-more", "Show more claims");
        more.type = "button";
        table.parentNode.parentNode.insertBefore(more, table.parentNode.nextSibling);
      }
      more.onclick = showMore;
      showMore();
    }

    function apply(updateUrl) {
      if (updateUrl) writeUrl();
      showHeaders();
      if (!sortKey && Object.keys(wanted()).length === 0) {
        showPage();
        return;
      }
      if (status) status.textContent = "Loading every claim\u2026";
      load().then(showArchive, function () {
        if (status) status.textContent = "The list of all claims could not be loaded.";
      });
    }

    function sortPage() {
      // Lists without the archive's data sort the rows of their own page.
      var header = headers.filter(function (cell) { return cell.dataset.sortKey === sortKey; })[0];
      var column = headers.indexOf(header);
      var numeric = header.dataset.sortType === "number";
      function key(row) {
        var cell = row.cells[column];
        var value = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
        return numeric ? Number(value) : value.toLowerCase();
      }
      pageRows.slice().sort(function (a, b) { return compare(key(a), key(b)); })
        .forEach(function (row) { body.appendChild(row); });
      showHeaders();
    }

    // On a phone the table shows as cards, without the header row and its buttons: a list
    // box sorts by the same columns.
    var chooser = element("select");
    chooser.appendChild(option("", "as listed"));
    headers.forEach(function (header) {
      var orders = (header.dataset.sortOrders || "ascending|descending").split("|");
      chooser.appendChild(option(header.dataset.sortKey + ":asc", header.textContent + ", " + orders[0]));
      chooser.appendChild(option(header.dataset.sortKey + ":desc", header.textContent + ", " + orders[1]));
    });
    var chooserLabel = element("label", "fc-sort-choice", "Sort by ");
    chooserLabel.appendChild(chooser);
    table.parentNode.parentNode.insertBefore(chooserLabel, table.parentNode);
    chooser.addEventListener("change", function () {
      var parts = chooser.value.split(":");
      sortKey = parts[0];
      ascending = parts[1] !== "desc";
      if (isArchive) apply(true);
      else if (sortKey) sortPage();
      else {
        pageRows.forEach(function (row) { body.appendChild(row); });
        showHeaders();
      }
    });

    headers.forEach(function (header) {
      var button = element("button", "fc-sort", header.textContent);
      button.type = "button";
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        ascending = sortKey === header.dataset.sortKey ? !ascending : true;
        sortKey = header.dataset.sortKey;
        if (isArchive) apply(true);
        else sortPage();
      });
    });

    function addChoices(data) {
      data.filters.forEach(function (filter) {
        var field = filters.querySelector('select[name="' + filter.name + '"]');
        if (!field) return;
        filter.options.forEach(function (pair) { field.appendChild(option(pair[0], pair[1])); });
      });
    }

    function restore() {
      // The state a shared address carries, once the choices it names are in the form.
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (field) {
        if (params.has(field.name)) field.value = params.get(field.name);
      });
      if (params.has("sort")) {
        sortKey = params.get("sort");
        ascending = params.get("order") !== "desc";
      }
      if (sortKey || Object.keys(wanted()).length) apply(false);
    }

    if (filters && isArchive) {
      filters.hidden = false;
      filters.addEventListener("change", function () { apply(true); });
      filters.querySelector(".fc-filters__clear").addEventListener("click", function () {
        fields.forEach(function (field) { field.value = ""; });
        sortKey = "";
        apply(true);
      });
      fetch(filters.dataset.choices)
        .then(function (response) {
          if (!response.ok) throw new Error(response.statusText);
          return response.json();
        })
        .then(addChoices)
        .then(restore, function () {
          status.textContent = "The filters\u2019 choices could not be loaded.";
          restore();
        });
    }
  }

  document.querySelectorAll("table.fc-claims").forEach(enhance);
})();
