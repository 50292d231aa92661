"""The command line: thin commands over the loader and the page renderer."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from datetime import date
from pathlib import Path
from typing import Any

from generator import (
    changes,
    checking,
    clock,
    hygiene,
    layout,
    migrate,
    output,
    prompts,
    report,
    scaffold,
    schema,
    sitecheck,
    textedit,
)
from generator.checking import REPEATS, CheckOptions, run_check
from generator.load import load_catalog
from generator.problems import CatalogError, counted
from generator.revisions import RevisionError, load_base
from generator.rules import SeedError
from generator.site import Settings, read_seed_texts, render_site

DEFAULT_SITE_URL = "https://factcheck.example.org/"


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    arguments = make_parser().parse_args(argv)
    try:
        return _dispatch(arguments)
    except CatalogError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"{counted(len(error.problems), 'problem')} found; nothing was written", file=sys.stderr
        )
        return 1
    except scaffold.ScaffoldError as error:
        print(f"error: {error.message}", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except layout.LayoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except migrate.MigrationError as error:
        print(f"{arguments.path}: {error}", file=sys.stderr)
        return 1
    except (prompts.MissingFields, RevisionError, output.OutputError, SeedError) as error:
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


def make_parser() -> argparse.ArgumentParser:
    """Every command and its options."""
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a claims file")
    check.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    check.add_argument(
        "--format",
        choices=report.STYLES,
        default="text",
        help="text: file:line:column lines (the default); github: GitHub Actions annotations",
    )
    check.add_argument("--strict", action="store_true", help="count warnings as errors")
    check.add_argument(
        "--every-warning",
        action="store_true",
        help=f"print every warning (by default, {REPEATS} of each kind are printed and the "
        "rest are counted)",
    )
    check.add_argument(
        "--stale-days",
        type=int,
        default=hygiene.DEFAULT_STALE_DAYS,
        metavar="DAYS",
        help="warn about claims not reviewed for more than DAYS days "
        f"(default {hygiene.DEFAULT_STALE_DAYS})",
    )
    check.add_argument(
        "--base",
        metavar="FILE_OR_REVISION",
        help="refuse changes to what this earlier version recorded (history is append-only)",
    )
    render = commands.add_parser("render", help="write the generated Markdown to a folder")
    render.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    render.add_argument("--out", required=True, type=Path, help="folder to write (replaced)")
    render.add_argument(
        "--site-url",
        default=DEFAULT_SITE_URL,
        type=_site_url,
        help="absolute URL the site is published at",
    )
    check_site = commands.add_parser(
        "check-site", help="check the structured data of a built site (exit 1 on problems)"
    )
    check_site.add_argument("dir", nargs="?", default="site", type=Path, help="the built site")
    schema_command = commands.add_parser(
        "schema", help="write the JSON Schema of claims files, for editors' YAML tools"
    )
    schema_command.add_argument(
        "--out", type=Path, help=f"file to write (for example {schema.SCHEMA_PATH}); else print"
    )
    new = commands.add_parser("new", help="add a claim (asks for each field in a terminal)")
    new.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    for field in prompts.CLAIM_FIELDS:
        new.add_argument(f"--{field.option}", help=field.question)
    new.add_argument("--qualifier", action="append", default=[], help="a qualifier id; repeat")
    new.add_argument("--tag", action="append", default=[], help="a tag; repeat")
    new.add_argument(
        "--file",
        type=Path,
        help="the file to add it to, created if an include: pattern reads it "
        "(default: the claims file)",
    )
    new_source = commands.add_parser("new-source", help="add a source (asks in a terminal)")
    new_source.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    for field in prompts.SOURCE_FIELDS:
        new_source.add_argument(f"--{field.option}", help=field.question)
    new_source.add_argument(
        "--file", type=Path, help="the file to add it to (default: the claims file)"
    )
    verdict = commands.add_parser(
        "update-verdict", help="change a claim's verdict: a history entry dated today"
    )
    verdict.add_argument("id", help="the claim's id")
    verdict.add_argument("rating", help="the new rating id (the same one to record a review)")
    verdict.add_argument("--note", required=True, help="what changed, or why")
    verdict.add_argument(
        "--correction", action="store_true", help="the change corrects an error of ours"
    )
    verdict.add_argument("--claims", default="claims.yaml", type=Path, help="the claims file")
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
    split = commands.add_parser(
        "split", help="move every claim into files under a folder that claims.yaml includes"
    )
    split.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    split.add_argument("--into", default="claims", help="the folder, beside claims.yaml")
    split.add_argument(
        "--by", choices=("claim", "month"), default="claim", help="one file per claim or per month"
    )
    join = commands.add_parser("join", help="move the included files' records back, in one file")
    join.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    diff = commands.add_parser(
        "diff", help="summarise claims added, changed and retired since a base, in Markdown"
    )
    diff.add_argument("path", nargs="?", default="claims.yaml", type=Path)
    diff.add_argument("--base", required=True, metavar="FILE_OR_REVISION")
    return parser


def _dispatch(arguments: argparse.Namespace) -> int:
    if arguments.command == "check":
        options = CheckOptions(
            style=arguments.format,
            strict=arguments.strict,
            every_warning=arguments.every_warning,
            stale_days=arguments.stale_days,
            base=arguments.base,
        )
        return run_check(arguments.path, options)
    if arguments.command == "render":
        return run_render(arguments.path, arguments.out, Settings.at(arguments.site_url))
    if arguments.command == "schema":
        return run_schema(arguments.out)
    if arguments.command == "new":
        return run_new(arguments)
    if arguments.command == "new-source":
        return run_new_source(arguments)
    if arguments.command == "update-verdict":
        change = scaffold.update_verdict(
            arguments.claims, arguments.id, arguments.rating, arguments.note,
            correction=arguments.correction,
        )  # fmt: skip
        print(change.summary)
        return 0
    if arguments.command == "diff":
        base = load_base(arguments.base, arguments.path)
        current = load_catalog(arguments.path)
        if base.catalog is None:
            print(changes.no_summary(arguments.base, base.problems), end="")
        else:
            print(changes.summarize_changes(base.catalog, current), end="")
        return 0
    if arguments.command == "check-site":
        return sitecheck.run_check_site(arguments.dir)
    if arguments.command == "split":
        moved = layout.split(arguments.path, arguments.into, by=arguments.by)
        files = f"{len(moved.files)} file{'s' if len(moved.files) != 1 else ''}"
        print(f"moved {moved.records} claims into {files} under {arguments.into}")
        return 0
    if arguments.command == "join":
        moved = layout.join(arguments.path)
        print(f"moved {moved.records} records back into {arguments.path}")
        return 0
    if arguments.command == "migrate":
        return run_migrate(arguments.path, arguments.published)
    return 2


def run_migrate(path: Path, published: date | None) -> int:
    """Convert the version 1 file at `path` to version 2, in place."""
    raw = path.read_bytes()
    result = migrate.migrate_text(migrate.decode(raw), published=published)
    output.write_atomically(path, textedit.encode_lines(result.text, textedit.line_ending(raw)))
    how = "converted to schema version 2"
    if result.is_reserialised:
        how += (
            " by writing it out again, because a mapping written inline ({...}) cannot take "
            "a new line: comments and quoting were not kept"
        )
    print(f"{path}: {how}; check it with: python -m generator check {path}")
    return 0


def _site_url(value: str) -> str:
    """An absolute http(s) URL, as --site-url takes it."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an absolute URL like {DEFAULT_SITE_URL}"
        )
    return value


def run_render(path: Path, out: Path, settings: Settings) -> int:
    """Write the generated Markdown pages and data files for `path` into `out`."""
    catalog = load_catalog(path)
    site = render_site(catalog, read_seed_texts(catalog, path.parent), settings)
    output.prepare_output(out)
    output.sync_tree(out, {**site.pages, **site.files})
    print(f"wrote {len(site.pages)} pages and {len(site.files)} data files to {out}")
    return 0


def run_schema(out: Path | None) -> int:
    """Print the JSON Schema of claims files, or write it to `out`."""
    text = schema.schema_text()
    if out is None:
        print(text, end="")
    else:
        output.write_atomically(out, text.encode("utf-8"))
        print(f"wrote {out}")
    return 0


def _answers(arguments: argparse.Namespace, fields: tuple[prompts.Ask, ...]) -> dict[str, Any]:
    return {field.option: getattr(arguments, field.option.replace("-", "_")) for field in fields}


def run_new(arguments: argparse.Namespace) -> int:
    """Add a claim from the options, asking for missing ones in a terminal."""
    catalog = load_catalog(arguments.path)
    fields = prompts.CLAIM_FIELDS
    values = prompts.complete_fields(fields, _answers(arguments, fields), catalog)
    record = scaffold.claim_record(values, qualifiers=arguments.qualifier, tags=arguments.tag)
    print(scaffold.add_claim(arguments.path, record, file=arguments.file).summary)
    _print_warnings_about(arguments.path, "claims", record["id"])
    return 0


def run_new_source(arguments: argparse.Namespace) -> int:
    """Add a source from the options, asking for missing ones in a terminal."""
    catalog = load_catalog(arguments.path)
    fields = prompts.SOURCE_FIELDS
    values = prompts.complete_fields(fields, _answers(arguments, fields), catalog)
    record = scaffold.source_record(values)
    print(scaffold.add_source(arguments.path, record, file=arguments.file).summary)
    _print_warnings_about(arguments.path, "sources", record["id"])
    return 0


def _print_warnings_about(path: Path, section: str, record_id: str) -> None:
    """What `check` would warn about the record just added, which its many other warnings
    could hide."""
    for problem in checking.warnings_about(path, section, record_id, today=clock.latest_today()):
        print(report.format_finding(report.Finding(problem, "warning"), "text"), file=sys.stderr)
