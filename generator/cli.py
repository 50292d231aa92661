"""The command line: thin commands over the loader and the page renderer."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from generator import migrate, output, sitecheck
from generator.load import CatalogError, Problem, load_catalog
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
    convert = commands.add_parser(
        "migrate", help="convert a schema version 1 claims file to version 2, in place"
    )
    convert.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    convert.add_argument(
        "--published",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the desk first publishes the checks on this date: the version 1 history, all "
        "earlier, becomes the labelled reconstruction (default: the history is what the desk "
        "published, and its first date is the publication date)",
    )
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            return run_check(arguments.path)
        if arguments.command == "render":
            return run_render(arguments.path, arguments.out, Settings(arguments.site_url))
        if arguments.command == "check-site":
            return sitecheck.run_check_site(arguments.dir)
        if arguments.command == "migrate":
            return run_migrate(arguments.path, arguments.published)
    except migrate.MigrationError as error:
        print(f"{arguments.path}: {error}", file=sys.stderr)
        return 1
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
    """Validate `path`, say what it holds, and list the warnings about contradictory data."""
    warnings: list[Problem] = []
    catalog = load_catalog(path, warnings=warnings)
    for warning in warnings:
        print(warning, file=sys.stderr)
    count = len(warnings)
    noted = f", {count} warning{'s' if count != 1 else ''}" if count else ""
    print(
        f"{path}: {len(catalog.claims)} claims, {len(catalog.sources)} sources: no problems{noted}"
    )
    return 0


def run_migrate(path: Path, published: date | None) -> int:
    """Convert the version 1 file at `path` to version 2, in place."""
    result = migrate.migrate_text(path.read_text("utf-8"), published=published)
    output.write_atomically(path, result.text.encode("utf-8"))
    how = "converted to schema version 2"
    if result.is_reserialised:
        how += (
            " by writing it out again, because a mapping written inline ({...}) cannot take "
            "a new line: comments and quoting were not kept"
        )
    print(f"{path}: {how}; check it with: python -m generator check {path}")
    return 0


def run_render(path: Path, out: Path, settings: Settings) -> int:
    """Write the generated Markdown pages and data files for `path` into `out`."""
    catalog = load_catalog(path)
    site = render_site(catalog, read_seed_texts(catalog, path.parent), settings)
    output.prepare_output(out)
    output.sync_tree(out, {**site.pages, **site.files})
    print(f"wrote {len(site.pages)} pages and {len(site.files)} data files to {out}")
    return 0
