// The search page: Pagefind's UI, with each claim's verdict in front of its title.
(function () {
  "use strict";
  var element = document.getElementById("fc-search");
  if (!element || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#fc-search",
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    processResult: function (result) {
      if (result.meta && result.meta.verdict) {
        result.meta.title = result.meta.verdict + ": " + result.meta.title;
      }
      return result;
    }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
