"""The Jinja environment for generated Markdown: strict, escaping every value, relative links."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import charts, escape

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment; templates are compiled once per process."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    env.globals.update(
        verdict_bars=charts.verdict_bars,
        month_columns=charts.month_columns,
        verdict_timeline=charts.verdict_timeline,
        claims_per_month=charts.claims_per_month,
    )
    env.filters.update(
        slug=_slug,
        slugs=lambda values: Markup(" ".join(_slug(value) for value in values)),
        url=escape.url,
        attr=escape.attribute,
        run=escape.run,
        markdown=escape.analysis_html,
        long_date=long_date,
        short_date=short_date,
    )
    return env


def render(template: str, path: str, **values: Any) -> str:
    """Render `template` for the page at `path`, with links relative to that page."""
    context = {
        "page_path": path,
        "link": linker(path, markdown=True),
        "href": linker(path, markdown=False),
        "file": lambda to_path: Markup(_relative(to_path, _url_dir(path))),
        **values,
    }
    return environment().get_template(template).render(context)


def digest() -> bytes:
    """A digest of every page template: a page whose templates changed is rendered again."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(TEMPLATES.glob("*.j2")):
        hasher.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return hasher.digest()


def _finalize(value: object) -> object:
    if isinstance(value, Markup | int | date):
        return value
    if isinstance(value, str):
        return escape.text(value)
    raise TypeError(f"templates print only text, numbers and dates, not {type(value).__name__}")


def _slug(value: str) -> Markup:
    if not re.fullmatch(r"[a-z0-9-]+", value):
        raise ValueError(f"not a slug: {value!r}")
    return Markup(value)


def long_date(value: date) -> str:
    """18 October 2024."""
    return f"{value.day} {value:%B %Y}"


def short_date(value: date) -> str:
    """20 Oct 2024: short enough never to wrap in a table cell."""
    return f"{value.day} {value:%b %Y}"


def linker(from_path: str, *, markdown: bool) -> Callable[[str], Markup]:
    """Relative links from one generated page: to .md files, or to their directory URLs."""

    def link(to_path: str) -> Markup:
        to_path, _, anchor = to_path.partition("#")
        if markdown:
            target = _relative(to_path, posixpath.dirname(from_path) or ".")
        else:
            target = _relative(_url_dir(to_path), _url_dir(from_path))
            target = "./" if target == "." else target + "/"
        return Markup(target + (f"#{anchor}" if anchor else ""))

    return link


def _relative(path: str, start: str) -> str:
    """`posixpath.relpath` for the site's own paths (relative, normalised, "." for the root),
    without its look at the working folder: an archive's pages make hundreds of thousands."""
    target = [] if path == "." else path.split("/")
    base = [] if start == "." else start.split("/")
    common = 0
    for mine, theirs in zip(target, base, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + target[common:]) or "."


def _url_dir(path: str) -> str:
    """The folder a page is served from: `a/b.md` at `a/b/`, `a/index.md` at `a/`."""
    stem = path.removesuffix(".md")
    if posixpath.basename(stem) == "index":
        return posixpath.dirname(stem) or "."
    return stem
