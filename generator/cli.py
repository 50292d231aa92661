"""The command line: thin commands over the loader and the page renderer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import output, sitecheck
from generator.load import CatalogError, load_catalog
from generator.site import Settings, read_seed_texts, render_site

DEFAULT_SITE_URL = "https://factcheck.example.org/"


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a claims file")
    check.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    render = commands.add_parser("render", help="write the generated Markdown to a folder")
    render.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    render.add_argument("--out", required=True, type=Path, help="folder to write (replaced)")
    render.add_argument(
        "--site-url", default=DEFAULT_SITE_URL, help="absolute URL the site is published at"
    )
    check_site = commands.add_parser(
        "check-site", help="check the structured data of a built site (exit 1 on problems)"
    )
    check_site.add_argument("dir", nargs="?", default="site", type=Path, help="the built site")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            return run_check(arguments.path)
        if arguments.command == "render":
            return run_render(arguments.path, arguments.out, Settings(arguments.site_url))
        if arguments.command == "check-site":
            return sitecheck.run_check_site(arguments.dir)
    except CatalogError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was written",
            file=sys.stderr,
        )
        return 1
    except output.OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        # The claims file's own read errors arrive as CatalogError; these are the output's.
        where = f"{error.filename}: " if error.filename else ""
        print(
            f"error: {where}{error.strerror or error}; check the path and its permissions",
            file=sys.stderr,
        )
        return 1
    return 2


def run_check(path: Path) -> int:
    """Validate `path` and say what it holds."""
    catalog = load_catalog(path)
    print(f"{path}: {len(catalog.claims)} claims, {len(catalog.sources)} sources: no problems")
    return 0


def run_render(path: Path, out: Path, settings: Settings) -> int:
    """Write the generated Markdown pages and data files for `path` into `out`."""
    catalog = load_catalog(path)
    site = render_site(catalog, read_seed_texts(catalog, path.parent), settings)
    output.prepare_output(out)
    output.sync_tree(out, {**site.pages, **site.files})
    print(f"wrote {len(site.pages)} pages and {len(site.files)} data files to {out}")
    return 0
