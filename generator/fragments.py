"""Parts of the theme's page template that are rendered once and shared by many pages.

Material renders the navigation, the header's tools, the footer and its script settings into
every page. For a page outside the navigation (every claim, source and claimant page) those
parts do not depend on the page: only their relative links do, and those depend only on the
page's folder. Rendered once per folder, they cost one render instead of one per page, which
at archive size is most of the theme's time. A table of contents depends only on the page's
headings, which every claim page shares with the next.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import jinja2


class SharedFragments:
    """The `shared` template function: `{% call shared("nav") %}…{% endcall %}`.

    The call's body is rendered as usual for pages in the navigation, and once per folder for
    the others. A shared body must not show anything of the page. Its relative links are the
    same from every page of a folder, as long as nothing it links to lies below the page:
    pages with other files below them are rendered on their own. One instance serves one
    build, so the theme and configuration cannot change under it.
    """

    def __init__(self, nav_urls: Iterable[str], file_paths: Iterable[str]) -> None:
        """`file_paths`: where every file of the site is written, relative to its root."""
        self.nav_urls = frozenset(nav_urls)
        files_below: Counter[str] = Counter()
        for path in file_paths:
            folder = posixpath.dirname(path)
            while folder:
                files_below[folder + "/"] += 1
                folder = posixpath.dirname(folder)
        self.crowded = frozenset(folder for folder, count in files_below.items() if count > 1)
        self.rendered: dict[tuple[str, str], str] = {}

    def key(self, name: str, page: Any) -> tuple[str, str] | None:
        """Where the body of `name` is kept for `page`, or None when it must be rendered."""
        url = getattr(page, "url", None)
        if not isinstance(url, str) or not url.endswith("/") or url in self.nav_urls:
            return None
        if url in self.crowded:
            # Links from the page to files below it are spelt from the page itself.
            return None
        return name, posixpath.dirname(url.rstrip("/"))

    @jinja2.pass_context
    def __call__(
        self, context: jinja2.runtime.Context, name: str, caller: Callable[[], str]
    ) -> str:
        key = self.key(name, context.get("page"))
        if key is None:
            return caller()
        if key not in self.rendered:
            self.rendered[key] = caller()
        return self.rendered[key]


class SharedTocs:
    """The `shared_toc` template function: `{% call shared_toc() %}…{% endcall %}` around the
    theme's table of contents.

    Material renders a page's table of contents twice (in the drawer and in the sidebar), and
    it shows nothing but the page's headings: their titles, levels and `#` anchors. Rendered
    once for each set of headings, the claim pages, which all have the same headings, cost one
    render between them instead of two each. One instance serves one build.
    """

    def __init__(self) -> None:
        self.rendered: dict[tuple[object, ...], str] = {}

    @staticmethod
    def key(toc: Any) -> tuple[object, ...] | None:
        """What the table of contents `toc` shows; None when it must be rendered (a heading
        that carries more than its title, level and anchor)."""
        try:
            items = list(toc)
        except TypeError:
            return None
        key: list[object] = []
        for item in items:
            children = SharedTocs.key(getattr(item, "children", ()))
            if children is None or getattr(item, "typeset", None) is not None:
                return None
            fields = (getattr(item, name, None) for name in ("url", "title", "level"))
            key.append((*fields, children))
        return tuple(key)

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context, caller: Callable[[], str]) -> str:
        key = self.key(getattr(context.get("page"), "toc", None))
        if key is None:
            return caller()
        if key not in self.rendered:
            self.rendered[key] = caller()
        return self.rendered[key]
