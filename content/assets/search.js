// Search with Pagefind: the header's search on every page, and the Search page, whose query is
// kept in the URL. Pagefind's index is fetched on first use only, and each result shows the
// claim's verdict badge. Keys as in Material: "/" or "s" opens the search, Escape closes it,
// the arrow keys move through the results and Enter opens the first one.
(function () {
  "use strict";

  var script = document.currentScript;
  var bundle = new URL("../pagefind/", script ? script.src : window.location.href);
  var siteRoot = new URL("../", bundle).pathname;
  var pageSize = 10;
  var loading = null;

  // Claims should come before the shorter source pages that quote them.
  var indexOptions = { baseUrl: siteRoot, excerptLength: 24, ranking: { pageLength: 0.5 } };

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
          return { pagefind: pagefind, options: { filters: manifest.filters } };
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
    this.shown = 0;
    this.query = "";
    this.more = null;
    this.all = null;
  }

  Search.prototype.run = function (query) {
    var self = this;
    self.query = query.trim();
    if (!self.query) {
      self.results = [];
      self.list.textContent = "";
      self.status.textContent = self.idle;
      if (self.more) self.more.hidden = true;
      if (self.all) self.all.hidden = true;
      return Promise.resolve();
    }
    return loadPagefind()
      .then(function (index) { return index.pagefind.debouncedSearch(self.query, index.options, 150); })
      .then(function (search) {
        if (search === null || query.trim() !== self.query) return;
        self.results = search.results;
        self.shown = 0;
        self.list.textContent = "";
        var count = search.results.length;
        self.status.textContent =
          count === 0 ? "No results for \u201c" + self.query + "\u201d"
            : count + (count === 1 ? " result" : " results") + " for \u201c" + self.query + "\u201d";
        return self.showMore();
      })
      .catch(function () {
        self.status.textContent = "Search is unavailable: its index could not be loaded.";
      });
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

    function update() {
      var params = new URLSearchParams(window.location.search);
      if (input.value.trim()) params.set("q", input.value.trim());
      else params.delete("q");
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      search.run(input.value);
    }

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
    var query = new URLSearchParams(window.location.search).get("q");
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
