// Search with Pagefind: the header's search on every page, and the Search page, whose query and
// choice of kind are kept in the URL. Pagefind's index is fetched on first use only. Fact checks
// come first, each with its verdict badge, then sources, then the other pages. Keys as in
// Material: "/" or "s" opens the search, Escape closes it, the arrow keys move through the
// results and Enter opens the first one.
(function () {
  "use strict";

  var script = document.currentScript;
  var bundle = new URL("../pagefind/", script ? script.src : window.location.href);
  var siteRoot = new URL("../", bundle).pathname;
  var pageSize = 10;
  var loading = null;

  // Claims should come before the shorter source pages that quote them.
  var indexOptions = { baseUrl: siteRoot, excerptLength: 24, ranking: { pageLength: 0.5 } };

  // The kinds of page, in the order their results are shown: the values of the "kind" filter
  // that every indexed page carries (generator/search.py).
  var KINDS = [
    { id: "claim", label: "Fact checks", one: "fact check", many: "fact checks" },
    { id: "source", label: "Sources", one: "source", many: "sources" },
    { id: "page", label: "Other pages", one: "other page", many: "other pages" },
  ];

  function kindOf(id) {
    return KINDS.filter(function (kind) { return kind.id === id; })[0] || null;
  }

  function counted(count, kind) {
    return count + " " + (count === 1 ? kind.one : kind.many);
  }

  // "9 fact checks, 4 sources and 1 other page": the kinds that have results.
  function breakdown(counts) {
    var parts = KINDS.filter(function (kind) { return counts[kind.id]; }).map(function (kind) {
      return counted(counts[kind.id], kind);
    });
    if (parts.length < 2) return "";
    return parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
  }

  // The main index, with the other shards that shards.json names merged into it, and the
  // options every search takes (on a large site, a filter that keeps out a page of every word).
  function loadPagefind() {
    if (!loading) {
      loading = Promise.all([
        import(new URL("pagefind.js", bundle).href),
        fetch(new URL("shards.json", bundle)).then(function (response) {
          if (!response.ok) throw new Error("no shards.json");
          return response.json();
        }),
      ]).then(function (loaded) {
        var pagefind = loaded[0], manifest = loaded[1];
        return pagefind.options(indexOptions).then(function () {
          return Promise.all(manifest.shards.map(function (folder) {
            return pagefind.mergeIndex(new URL(folder, bundle).pathname, indexOptions);
          }));
        }).then(function () {
          return pagefind.filters();
        }).then(function (filters) {
          // A theme override that leaves out the kind filter gets one list of results.
          var kinds = filters.kind || {};
          var isGrouped = KINDS.some(function (kind) { return kind.id in kinds; });
          var options = { filters: manifest.filters };
          return { pagefind: pagefind, options: options, isGrouped: isGrouped };
        });
      });
    }
    return loading;
  }

  // Pagefind's excerpts are HTML with <mark> around matches; keep the text and the marks only.
  function appendExcerpt(parent, html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    parsed.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function renderResult(data) {
    var item = document.createElement("li");
    item.className = "md-search-result__item fc-result";
    var link = document.createElement("a");
    link.className = "md-search-result__link fc-result__link";
    link.href = data.url;
    var article = document.createElement("div");
    article.className = "md-search-result__article md-typeset";
    var title = document.createElement("p");
    title.className = "fc-result__title";
    if (data.meta.verdict && /^[a-z0-9-]+$/.test(data.meta.verdict_id || "")) {
      var badge = document.createElement("span");
      badge.className = "fc-badge fc-verdict fc-verdict--" + data.meta.verdict_id;
      badge.textContent = data.meta.verdict;
      title.appendChild(badge);
    }
    title.appendChild(document.createTextNode(data.meta.title || data.url));
    var excerpt = document.createElement("p");
    excerpt.className = "fc-result__excerpt";
    appendExcerpt(excerpt, data.excerpt || "");
    article.appendChild(title);
    article.appendChild(excerpt);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  // One search box with its status line and result list.
  function Search(form, status, list) {
    this.form = form;
    this.input = form.elements.q;
    this.status = status;
    this.list = list;
    this.idle = status.textContent;
    this.results = [];
    this.found = { isGrouped: false, byKind: {} };
    this.kind = "";
    this.shown = 0;
    this.query = "";
    this.more = null;
    this.all = null;
    this.kinds = null;
  }

  // The results by kind: one search for each, so that each kind's results keep Pagefind's
  // order among themselves. The first waits for typing to pause; the others follow it at once.
  // Null when a later search replaced this one.
  function searchByKind(index, query) {
    if (!index.isGrouped) {
      return index.pagefind.debouncedSearch(query, index.options, 150).then(function (search) {
        return search && { isGrouped: false, byKind: { page: search.results } };
      });
    }
    function options(kind) {
      var filters = Object.assign({}, index.options.filters, { kind: kind.id });
      return Object.assign({}, index.options, { filters: filters });
    }
    return index.pagefind.debouncedSearch(query, options(KINDS[0]), 150).then(function (first) {
      if (first === null) return null;
      return Promise.all(KINDS.slice(1).map(function (kind) {
        return index.pagefind.search(query, options(kind));
      })).then(function (others) {
        var byKind = {};
        [first].concat(others).forEach(function (search, at) {
          byKind[KINDS[at].id] = search.results;
        });
        return { isGrouped: true, byKind: byKind };
      });
    });
  }

  Search.prototype.run = function (query) {
    var self = this;
    self.query = query.trim();
    if (!self.query) {
      self.found = { isGrouped: false, byKind: {} };
      self.results = [];
      self.list.textContent = "";
      self.status.textContent = self.idle;
      if (self.more) self.more.hidden = true;
      if (self.all) self.all.hidden = true;
      if (self.kinds) self.kinds.hidden = true;
      return Promise.resolve();
    }
    return loadPagefind()
      .then(function (index) { return searchByKind(index, self.query); })
      .then(function (found) {
        if (found === null || query.trim() !== self.query) return;
        self.found = found;
        var counts = {}, count = 0;
        KINDS.forEach(function (kind) {
          counts[kind.id] = (found.byKind[kind.id] || []).length;
          count += counts[kind.id];
        });
        var quoted = "\u201c" + self.query + "\u201d";
        var parts = breakdown(counts);
        self.status.textContent =
          count === 0 ? "No results for " + quoted
            : count + (count === 1 ? " result" : " results") + " for " + quoted +
              (parts ? ": " + parts : "");
        if (found.isGrouped) self.showKinds(counts, count);
        return self.showKind(self.kind);
      })
      .catch(function () {
        self.status.textContent = "Search is unavailable: its index could not be loaded.";
      });
  };

  // The results of one kind, or of every kind when `id` is "".
  Search.prototype.showKind = function (id) {
    var self = this;
    self.kind = kindOf(id) && self.found.isGrouped ? id : "";
    self.results = [];
    KINDS.forEach(function (kind) {
      if (self.kind && self.kind !== kind.id) return;
      self.results = self.results.concat(self.found.byKind[kind.id] || []);
    });
    self.shown = 0;
    self.list.textContent = "";
    if (self.kinds) {
      self.kinds.querySelectorAll("button").forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.value === self.kind));
      });
    }
    return self.showMore();
  };

  // The Search page's buttons that show one kind of result, each with its count.
  Search.prototype.showKinds = function (counts, total) {
    var self = this;
    if (!self.kinds) return;
    self.kinds.textContent = "";
    var choices = [{ id: "", label: "All", count: total }].concat(KINDS.map(function (kind) {
      return { id: kind.id, label: kind.label, count: counts[kind.id] };
    }));
    choices.forEach(function (choice) {
      if (choice.id && !choice.count && choice.id !== self.kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.value = choice.id;
      button.textContent = choice.label + " (" + choice.count + ")";
      button.addEventListener("click", function () {
        self.showKind(choice.id);
        if (self.onKind) self.onKind();
      });
      self.kinds.appendChild(button);
    });
    self.kinds.hidden = total === 0;
  };

  Search.prototype.showMore = function () {
    var self = this;
    var batch = self.results.slice(self.shown, self.shown + pageSize);
    self.shown += batch.length;
    return Promise.all(batch.map(function (result) { return result.data(); })).then(function (pages) {
      pages.forEach(function (data) { self.list.appendChild(renderResult(data)); });
      if (self.more) self.more.hidden = self.shown >= self.results.length;
      if (self.all) {
        self.all.hidden = self.shown >= self.results.length;
        self.all.search = "?" + new URLSearchParams({ q: self.query }).toString();
      }
    });
  };

  Search.prototype.links = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("a"));
  };

  // Arrow keys move from the box into the results and between them.
  Search.prototype.handleArrows = function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = this.links();
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    event.preventDefault();
    if (next < 0) this.input.focus();
    else links[Math.min(next, links.length - 1)].focus();
  };

  // Keys typed into a field belong to the field; a focused toggle or radio button takes none.
  function isEditable(element) {
    if (!element) return false;
    if (element.tagName === "INPUT") return !/^(checkbox|radio|button|submit|reset)$/.test(element.type);
    return element.isContentEditable || /^(SELECT|TEXTAREA)$/.test(element.tagName);
  }

  function mountHeader(form) {
    var toggle = document.getElementById("__search");
    var container = form.closest(".md-search");
    var search = new Search(
      form,
      container.querySelector("[data-fc-search-status]"),
      container.querySelector("[data-fc-search-results]")
    );
    var input = search.input;
    search.all = container.querySelector("[data-fc-search-all]");

    function open() {
      toggle.checked = true;
      input.focus();
      input.select();
    }

    function close() {
      toggle.checked = false;
      input.blur();
    }

    toggle.addEventListener("change", function () {
      if (toggle.checked) input.focus();
    });
    input.addEventListener("focus", function () {
      toggle.checked = true;
      loadPagefind();
    });
    input.addEventListener("input", function () { search.run(input.value); });
    // Tabbing out of the search closes it: open, it would cover the page that now has focus.
    // Focus that goes nowhere (another window, a click on the page's background) keeps it open.
    container.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !container.contains(event.relatedTarget)) toggle.checked = false;
    });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { search.run(""); input.focus(); }, 0);
    });
    // Enter in the box opens the first result; the arrow button (the form's submission) shows
    // every result on the Search page.
    container.addEventListener("keydown", function (event) {
      var first = search.links()[0];
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Enter" && event.target === input && first) {
        event.preventDefault();
        window.location.href = first.href;
      } else {
        search.handleArrows(event);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if ((event.key === "/" || event.key === "s") && !isEditable(document.activeElement)) {
        event.preventDefault();
        open();
      }
    });
  }

  function mountPage(form) {
    var search = new Search(
      form,
      document.getElementById("fc-search-status"),
      document.getElementById("fc-search-results")
    );
    var input = search.input;
    search.more = document.getElementById("fc-search-more");
    search.more.addEventListener("click", function () { search.showMore(); });
    search.kinds = document.getElementById("fc-search-kinds");

    function keepInUrl() {
      var params = new URLSearchParams(window.location.search);
      if (input.value.trim()) params.set("q", input.value.trim());
      else params.delete("q");
      if (search.kind) params.set("kind", search.kind);
      else params.delete("kind");
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    function update() {
      keepInUrl();
      search.run(input.value);
    }

    search.onKind = keepInUrl;

    input.addEventListener("input", function () {
      search.list.classList.remove("fc-results--pending");
      update();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      update();
    });
    form.addEventListener("keydown", function (event) { search.handleArrows(event); });
    search.list.addEventListener("keydown", function (event) { search.handleArrows(event); });
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q");
    search.kind = kindOf(params.get("kind")) ? params.get("kind") : "";
    if (query) {
      input.value = query;
      search.run(query);
    }
  }

  var header = document.querySelector("form[data-fc-search=header]");
  if (header) mountHeader(header);
  var page = document.querySelector("form[data-fc-search=page]");
  if (page) mountPage(page);
})();
