"""The rules of a catalog: each record validated, then checked against the others."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from generator import contradictions, yamlsource
from generator.explain import explain, field_names, hint, show
from generator.model import (
    SCHEMA_VERSION,
    Catalog,
    Claim,
    Claimant,
    Confidence,
    Publisher,
    Qualifier,
    Rating,
    Retired,
    Source,
)
from generator.problems import Problem, Where, dotted
from generator.storage import Fingerprint, fingerprint
from generator.yamlsource import Position, clip

if TYPE_CHECKING:
    from generator.includes import Merged

SECTIONS: dict[str, type[BaseModel]] = {
    "ratings": Rating,
    "qualifiers": Qualifier,
    "confidence": Confidence,
    "sources": Source,
    "claimants": Claimant,
    "claims": Claim,
    "retired": Retired,
}
TOP_LEVEL = ("version", "publisher", "include", *SECTIONS)
REQUIRED_TOP_LEVEL = ("version", "publisher", "ratings", "confidence")
MIN_ENTRIES = {"ratings": 2, "confidence": 1}
MAX_PROBLEMS = 100
# The fields that only a claimant with a name of its own may have, and what each is for.
NAMED_ONLY = {
    "same_as": "links the Wikipedia article about a named claimant",
    "other_names": "spells a claimant's name otherwise",
}
SEED_PATH = re.compile(r"seeds/[A-Za-z0-9._-]{1,100}")
# Seed texts reach the page like text fields; a form feed from a PDF export is allowed.
SEED_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\f\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# Anchors that the scale page gives qualifiers and confidence levels, beside the ratings' own.
SCALE_ANCHORS = {"qualifiers": "qualifier-", "confidence": "confidence-"}


class TooMany(Exception):
    """The problem limit was reached: stop checking."""


class Checker:
    """Validates each record, then checks across records.

    The checks across records read the raw data, not the validated records, so that a record
    with a wrong type still has its references and dates checked: the editor sees every
    problem at once. A path that validation reported is not checked again.
    """

    def __init__(
        self,
        document: Merged,
        base_dir: Path,
        today: date,
        validated: dict[Fingerprint, BaseModel] | None = None,
        known: dict[str, list[Fingerprint]] | None = None,
        passed: set[bytes] | None = None,
        *,
        is_limited: bool = True,
    ) -> None:
        self.document = document
        # Checking stops at MAX_PROBLEMS, unless every problem must be known.
        self.limit = MAX_PROBLEMS if is_limited else None
        # Records validated before, by the fingerprint of their data, and the fingerprint of
        # each entry of a section: a record that did not change is not validated again.
        self.validated = {} if validated is None else validated
        self.known = known or {}
        # Claims that passed the checks across records, by their data and what they refer to.
        self.passed = set() if passed is None else passed
        self.base_dir = base_dir
        self.today = today
        self.problems = [
            Problem(name, issue.position, dotted(issue.path), issue.message)
            for name, file in document.files
            for issue in file.issues
        ]
        self.reported: set[Where] = set()
        self.claims: list[tuple[int, dict[Any, Any]]] = []
        self.ids: dict[str, set[str] | None] = {}
        self.uncited: dict[str, list[str]] | None = None
        self.warnings: list[Problem] = []

    def report(self, path: Where, message: str, *, key: bool = False) -> None:
        # A value already reported while reading stands as INVALID: say nothing more about it.
        if self.document.is_reported(path):
            return
        name, position, local = self.document.locate(path, key=key)
        self._add(Problem(name, position, dotted(local), message))
        self.reported.add(path)

    def warn(self, path: Where, message: str) -> None:
        """Note data that may contradict itself; it does not stop the build."""
        name, position, local = self.document.locate(path)
        self.warnings.append(Problem(name, position, dotted(local), message, is_warning=True))

    def finish_warnings(self) -> list[Problem]:
        ranks = {name: rank for rank, (name, _) in enumerate(self.document.files)}
        return sorted(self.warnings, key=lambda w: (ranks.get(w.file, 0), w.position))

    def report_in(self, name: str, path: Where, message: str, *, key: bool = False) -> None:
        """Report a problem at `path` inside the file `name`."""
        document = dict(self.document.files)[name]
        if not document.is_reported(path):
            self._add(Problem(name, document.position_of(path, key=key), dotted(path), message))

    def _add(self, problem: Problem) -> None:
        if len(self.problems) == self.limit:
            self.problems.append(Problem(problem.file, problem.position, "", yamlsource.TOO_MANY))
            raise TooMany
        self.problems.append(problem)

    def report_once(self, path: Where, message: str) -> None:
        """Report a problem found across records, unless `path` already has one."""
        if path not in self.reported:
            self.report(path, message)

    def finish(self) -> list[Problem]:
        """Every problem, file by file in reading order; the note that checking stopped is last."""
        ranks = {name: rank for rank, (name, _) in enumerate(self.document.files)}

        def order(problem: Problem) -> tuple[int, Position]:
            return ranks.get(problem.file, 0), problem.position

        if self.limit is not None and len(self.problems) > self.limit:
            return [*sorted(self.problems[: self.limit], key=order), self.problems[self.limit]]
        return sorted(self.problems, key=order)

    def check(self) -> Catalog | None:
        data = self.document.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            self.report(
                (),
                f"the file holds {kind}; it must be a mapping that starts with "
                f"'version: {SCHEMA_VERSION}'",
            )
            return None
        if not self._check_top_level(data):
            return None
        publisher = None
        if "publisher" in data:
            publisher = self._validate(Publisher, data["publisher"], ("publisher",))
        records = {
            name: self._validate_section(name, model, data[name])
            for name, model in SECTIONS.items()
            if name in data
        }
        # A section that is not a list of entries, or a missing required one, is reported
        # already: references to it are not checked. A missing optional section has no ids.
        raw = {name: _entries(data.get(name, [])) for name in SECTIONS}
        ids = {
            name: None
            if entries is None or (name not in data and name in MIN_ENTRIES)
            else {entry["id"] for _, entry in entries if isinstance(entry.get("id"), str)}
            for name, entries in raw.items()
        }
        for name, entries in raw.items():
            self._check_unique_ids(name, entries or [])
        self._check_scale(raw)
        for index, source in raw["sources"] or []:
            self._check_source(index, source)
        for index, claimant in raw["claimants"] or []:
            self._check_claimant(index, claimant)
        self.claims = raw["claims"] or []
        self.ids = ids
        self._check_claims(self.claims, ids)
        for index, retired in raw["retired"] or []:
            self._check_retired(index, retired, ids["claims"])
        if not self.problems:
            contradictions.check(data, self.warn)
        if self.problems or publisher is None:
            return None
        try:
            return Catalog(
                version=2,
                publisher=publisher,
                **{name: [record for _, record in entries] for name, entries in records.items()},
            )
        except ValidationError as error:  # a rule on the whole catalog that no check above has
            for detail in error.errors():
                self._report_validation(Catalog, (), detail)
            return None

    def _check_top_level(self, data: dict[Any, Any]) -> bool:
        """Report missing, unknown and misspelt sections; False when the version is not ours."""
        version = data.get("version")
        current = SCHEMA_VERSION
        if "version" not in data:
            self.report((), f"missing 'version: {current}' at the top of the file; add it")
        elif version == str(current):
            self.report(
                ("version",),
                f"the version is the text '{current}'; write version: {current} without quotes",
            )
        elif version == 1 and not isinstance(version, bool):
            name = self.document.files[0][0]
            self.report(
                ("version",),
                f"this file is schema version 1; convert it to version {current} with "
                f"'python -m generator migrate {name}', which keeps every value and "
                "comment, then check it again",
            )
            return False
        elif version != current or isinstance(version, bool):
            self.report(
                ("version",),
                f"unsupported schema version {show(version)}; this generator reads version "
                f"{current}: write version: {current} and the fields of version {current}",
            )
            return False
        for key in data:
            if key not in TOP_LEVEL:
                self.report((key,), f"unknown section {clip(key)}{hint(key, TOP_LEVEL)}", key=True)
        for key in REQUIRED_TOP_LEVEL[1:]:
            if key not in data:
                self.report((), f"missing required section '{key}'; add it")
        return True

    def _validate_section(
        self, name: str, model: type[BaseModel], items: object
    ) -> list[tuple[int, Any]]:
        if not isinstance(items, list):
            self.report((name,), f"'{name}' must be a list of entries, each starting with '- '")
            return []
        minimum = MIN_ENTRIES.get(name, 0)
        if len(items) < minimum:
            entries = "entries" if minimum > 1 else "entry"
            self.report((name,), f"'{name}' needs at least {minimum} {entries}; add them")
        known = self.known.get(name, [])
        records = []
        for index, item in enumerate(items):
            fingerprint = known[index] if index < len(known) else None
            record = self.validated.get(fingerprint) if fingerprint else None
            if record is None:
                record = self._validate(model, item, (name, index))
                if record is not None and fingerprint:
                    self.validated[fingerprint] = record
            if record is not None:
                records.append((index, record))
        return records

    def _validate(self, model: type[BaseModel], item: object, path: Where) -> Any:
        try:
            return model.model_validate(item)
        except ValidationError as error:
            for detail in error.errors():
                self._report_validation(model, path, detail)
            return None

    def _report_validation(self, model: type[BaseModel], path: Where, detail: Any) -> None:
        loc = tuple(detail["loc"])
        full = (*path, *loc)
        kind = detail["type"]
        value = detail.get("input")
        if kind == "missing":
            self.report(full[:-1], f"missing required field '{loc[-1]}'; add it")
            return
        if kind == "extra_forbidden":
            known = field_names(model, loc[:-1])
            self.report(full, f"unknown field {clip(loc[-1])}{hint(loc[-1], known)}", key=True)
            return
        self.report(full, explain(kind, value, detail))

    def _check_unique_ids(self, section: str, entries: list[tuple[int, dict[Any, Any]]]) -> None:
        seen: dict[str, int] = {}
        for index, entry in entries:
            entry_id = _text(entry, "id")
            if entry_id is None:
                continue
            if entry_id in seen:
                first_file, first, _ = self.document.locate((section, seen[entry_id], "id"))
                this_file, _, _ = self.document.locate((section, index, "id"))
                at = f"line {first.line}"
                if first_file != this_file:
                    at = f"{first_file}:{first.line}"
                advice = "rename one of them"
                if section == "claims":
                    advice = "rename the new one, since a published claim's id is its address"
                self.report_once(
                    (section, index, "id"),
                    f"duplicate id '{entry_id}' (first used at {at}); ids must be unique: {advice}",
                )
            else:
                seen[entry_id] = index

    def _check_scale(self, raw: dict[str, list[tuple[int, dict[Any, Any]]] | None]) -> None:
        ratings = raw["ratings"] or []
        values = [
            (index, entry.get("id"), entry["value"])
            for index, entry in ratings
            if type(entry.get("value")) is int
        ]
        for (_, better_id, better), (index, _, worse) in itertools.pairwise(values):
            if worse >= better:
                self.report_once(
                    ("ratings", index, "value"),
                    f"value {worse} must be lower than {better} of {show(better_id)}: "
                    "list ratings best first, with falling values",
                )
        for section, prefix in SCALE_ANCHORS.items():
            taken = {
                prefix + entry_id: entry_id
                for _, entry in raw[section] or []
                if (entry_id := _text(entry, "id")) is not None
            }
            for index, entry in ratings:
                rating_id = _text(entry, "id")
                if rating_id in taken:
                    self.report_once(
                        ("ratings", index, "id"),
                        f"'{rating_id}' is also the scale page's anchor for the "
                        f"{section} entry '{taken[rating_id]}'; choose another id",
                    )

    def _check_claimant(self, index: int, claimant: dict[Any, Any]) -> None:
        if claimant.get("named") is not False:
            return
        for name, what in NAMED_ONLY.items():
            if name in claimant:
                self.report_once(
                    ("claimants", index, name),
                    f"'{name}' {what}, and this one has 'named: false'; remove {name}, or "
                    "remove named: false if the name is the claimant's own",
                )

    def _check_source(self, index: int, source: dict[Any, Any]) -> None:
        path: Where = ("sources", index)
        seed = source.get("seed")
        if source.get("kind") == "seed-article":
            if seed is None:
                self.report_once(
                    path, "a seed-article needs 'seed:', the path of its file in seeds/"
                )
            elif isinstance(seed, str):
                problem = _check_seed(self.base_dir, seed)
                if problem:
                    self.report_once((*path, "seed"), problem)
        elif seed is not None and isinstance(source.get("kind"), str):
            self.report_once(
                (*path, "seed"),
                "only a source of kind 'seed-article' takes 'seed:'; remove it, "
                "or set kind: seed-article",
            )
        if "url" not in source and "seed" not in source:
            self.report_once(path, "a source needs 'url:' (or 'seed:' for a seed article)")
        if "archive_url" in source and "url" not in source:
            self.report_once(
                (*path, "archive_url"), "'archive_url' is a copy of 'url'; add 'url' too"
            )
        if source.get("mirror") is True and "original_publisher" not in source:
            self.report_once(
                (*path, "mirror"),
                "a mirror copies another outlet's story: add 'original_publisher', the outlet "
                "that wrote it",
            )
        self._check_not_future((*path, "date"), _day(source, "date"))

    def _check_claim(
        self, index: int, claim: dict[Any, Any], ids: dict[str, set[str] | None]
    ) -> None:
        path: Where = ("claims", index)
        for field, section, kind in (
            ("claimant", "claimants", "claimant"),
            ("rating", "ratings", "rating"),
            ("confidence", "confidence", "confidence level"),
        ):
            self._check_reference((*path, field), _text(claim, field), kind, ids[section])
        qualifiers = claim.get("qualifiers")
        qualifiers = qualifiers if isinstance(qualifiers, list) else []
        for number, qualifier in enumerate(qualifiers):
            where = (*path, "qualifiers", number)
            self._check_reference(where, qualifier, "qualifier", ids["qualifiers"])
            if isinstance(qualifier, str) and qualifier in qualifiers[:number]:
                self.report_once(where, f"qualifier '{qualifier}' is listed twice; remove one")
        for field in ("appearances", "evidence"):
            for number, item in _entries(claim.get(field)) or []:
                where = (*path, field, number, "source")
                self._check_reference(where, _text(item, "source"), "source", ids["sources"])
        for number, item in _entries(claim.get("appearances")) or []:
            where = (*path, "appearances", number, "accuracy")
            self._check_reference(where, _text(item, "accuracy"), "rating", ids["ratings"])
        for field in ("claimed", "published", "reviewed"):
            self._check_not_future((*path, field), _day(claim, field))
        self._check_history(path, claim, ids["ratings"])
        self._check_publication(path, claim, ids["ratings"])

    def _check_claims(
        self, claims: list[tuple[int, dict[Any, Any]]], ids: dict[str, set[str] | None]
    ) -> None:
        """Check each claim against the other records.

        A claim that passed before, with the same data, the same ids to refer to and the same
        date today, passes again without being checked: after an edit, only what it touched.
        """
        if any(known is None for known in ids.values()):
            # A section that is not a list leaves references to it unchecked: check again.
            self.passed.clear()
            for index, claim in claims:
                self._check_claim(index, claim, ids)
            return
        referable = sorted((name, sorted(known or ())) for name, known in ids.items())
        context = fingerprint((referable, self.today))
        known = self.known.get("claims", [])
        passed: set[bytes] = set()
        for index, claim in claims:
            key = known[index] + context if index < len(known) else None
            if key is not None and key in self.passed:
                passed.add(key)
                continue
            before = len(self.problems)
            self._check_claim(index, claim, ids)
            if key is not None and len(self.problems) == before:
                passed.add(key)
        self.passed.clear()
        self.passed.update(passed)

    def _check_history(self, path: Where, claim: dict[Any, Any], ratings: set[str] | None) -> None:
        entries = _entries(claim.get("history")) or []
        before: date | None = None
        for number, entry in entries:
            where = (*path, "history", number)
            self._check_reference((*where, "rating"), _text(entry, "rating"), "rating", ratings)
            day = _day(entry, "date")
            self._check_not_future((*where, "date"), day)
            self._check_order((*where, "date"), day, before, "history")
            before = day
        if not entries or len(entries) != len(claim.get("history") or []):
            return
        latest = entries[-1][1]
        latest_rating, latest_date = _text(latest, "rating"), _day(latest, "date")
        rating, reviewed = _text(claim, "rating"), _day(claim, "reviewed")
        if (
            rating is not None
            and latest_rating is not None
            and rating != latest_rating
            and (ratings is None or rating in ratings)
        ):
            self.report_once(
                (*path, "rating"),
                f"'{rating}' differs from the latest history entry ('{latest_rating}' on "
                f"{latest_date}), which is the current verdict; set rating: {latest_rating}, "
                "or add a history entry for the new verdict",
            )
        # A history entry dated in the future is reported already: no advice to follow it.
        if (
            reviewed is not None
            and latest_date is not None
            and reviewed < latest_date <= self.today
        ):
            self.report_once(
                (*path, "reviewed"),
                f"{reviewed} is before the latest history entry ({latest_date}); "
                f"a claim is reviewed when its verdict changes: set it to {latest_date} or later",
            )

    def _check_publication(
        self, path: Where, claim: dict[Any, Any], ratings: set[str] | None
    ) -> None:
        """The first history entry is the publication; the reconstruction comes before it."""
        published, claimed = _day(claim, "published"), _day(claim, "claimed")
        if published is None:
            return
        # A claim dated in the future is reported already; its publication is not compared.
        if claimed is not None and published < claimed <= self.today:
            self.report_once(
                (*path, "published"),
                f"{published} is before the claim was made ({claimed}); a fact check is "
                "published after its claim: correct the date",
            )
        history = _entries(claim.get("history")) or []
        first = _day(history[0][1], "date") if history else None
        if first is not None and first != published and published <= self.today:
            self.report_once(
                (*path, "history", history[0][0], "date"),
                f"the first history entry is the first publication, so it is dated "
                f"{published} like 'published', not {first}; move what the evidence showed "
                "earlier to 'reconstruction:'",
            )
        before: date | None = None
        for number, entry in _entries(claim.get("reconstruction")) or []:
            where = (*path, "reconstruction", number)
            self._check_reference((*where, "rating"), _text(entry, "rating"), "rating", ratings)
            day = _day(entry, "date")
            if day is not None and day >= published:
                self.report_once(
                    (*where, "date"),
                    f"{day} is not before publication ({published}); a reconstruction "
                    "describes earlier dates: put published verdicts under 'history:'",
                )
            else:
                self._check_order((*where, "date"), day, before, "the reconstruction")
            before = day

    def _check_order(self, where: Where, day: date | None, before: date | None, what: str) -> None:
        """Dated entries come oldest first, one a date."""
        if day is not None and before is not None and day == before:
            self.report_once(
                where,
                f"the entry before it has the same date ({day}); {what} has one entry a date: "
                "put what this entry says at the end of that one's note, and remove this one",
            )
        elif day is not None and before is not None and day < before:
            self.report_once(
                where,
                f"{day} is not after the entry before it ({before}); "
                f"list {what} oldest first, one entry a date",
            )

    def _check_retired(self, index: int, retired: dict[Any, Any], claims: set[str] | None) -> None:
        path: Where = ("retired", index)
        retired_id = _text(retired, "id")
        if claims is not None and retired_id in claims:
            self.report_once(
                (*path, "id"),
                f"'{retired_id}' is retired, but a claim still has this id; "
                "give the claim a new id, or remove this entry",
            )
        self._check_reference((*path, "redirect"), _text(retired, "redirect"), "claim", claims)
        self._check_not_future((*path, "date"), _day(retired, "date"))

    def _check_reference(
        self, path: Where, value: object, kind: str, known: set[str] | None
    ) -> None:
        section = _SECTION_OF[kind]
        if known is not None and isinstance(value, str) and value not in known:
            advice = hint(value, sorted(known), section=section)
            advice += self._renamed(section, advice)
            self.report_once(path, f"unknown {kind} '{value}'{advice}")

    def _renamed(self, section: str, advice: str) -> str:
        """For an unknown source or claimant: the ids that no claim cites, one of which may be
        its new name, which a "did you mean" for an id in use would not give. None that
        `advice` already names."""
        if section not in ("sources", "claimants") or "use one of:" in advice:
            return ""
        if self.uncited is None:
            cited: dict[str, set[str | None]] = {"sources": set(), "claimants": set()}
            for _, claim in self.claims:
                cited["claimants"].add(_text(claim, "claimant"))
                for field in ("appearances", "evidence"):
                    for _, item in _entries(claim.get(field)) or []:
                        cited["sources"].add(_text(item, "source"))
            self.uncited = {
                name: sorted((self.ids.get(name) or set()) - cited[name]) for name in cited
            }
        uncited = [name for name in self.uncited[section] if f"'{name}'" not in advice]
        if not uncited:
            return ""
        shown = ", ".join(f"'{record_id}'" for record_id in uncited[:3])
        more = f" and {len(uncited) - 3} more" if len(uncited) > 3 else ""
        return f"; if it was renamed, cite its new id: nothing cites {shown}{more}"

    def _check_not_future(self, path: Where, value: date | None) -> None:
        if value is not None and value > self.today:
            self.report_once(
                path, f"{value} is in the future (it is not {value} anywhere yet); correct it"
            )


_SECTION_OF = {
    "claim": "claims",
    "claimant": "claimants",
    "rating": "ratings",
    "confidence level": "confidence",
    "qualifier": "qualifiers",
    "source": "sources",
}


def _entries(items: object) -> list[tuple[int, dict[Any, Any]]] | None:
    """The mappings in a list, with their indexes; None when `items` is not a list."""
    if not isinstance(items, list):
        return None
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _text(entry: dict[Any, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) else None


def _day(entry: dict[Any, Any], key: str) -> date | None:
    value = entry.get(key)
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


class SeedError(Exception):
    """A seed file that cannot be shown: what is wrong and what to do, in one sentence."""


def _check_seed(base_dir: Path, seed: str) -> str | None:
    """What is wrong with the seed file `seed`, or None."""
    try:
        read_seed(base_dir, seed)
    except SeedError as error:
        return str(error)
    return None


def read_seed(base_dir: Path, seed: str) -> str:
    """The text of the seed file `seed`, which must be UTF-8 text inside seeds/, with its
    line endings made '\n'."""
    if not SEED_PATH.fullmatch(seed) or seed.endswith(("/.", "/..")):
        raise SeedError(
            f"{clip(seed)} is not a plain file name in seeds/; use letters, digits, '.', '-' "
            "and '_', like seeds/article.txt"
        )
    path = base_dir / seed
    try:
        if not path.is_file():
            raise SeedError(f"no seed file {clip(seed)}; add the file or correct the path")
        if path.resolve().parent != (base_dir / "seeds").resolve():
            raise SeedError(
                f"{clip(seed)} links to a file outside seeds/; copy the article into seeds/"
            )
        if path.stat().st_size > yamlsource.MAX_BYTES:
            raise SeedError(f"{clip(seed)} is over the {yamlsource.MAX_BYTES // 2**20} MiB limit")
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise SeedError(f"cannot read {clip(seed)}: {error.strerror}; check the file") from None
    except UnicodeDecodeError as error:
        raise SeedError(
            f"{clip(seed)} is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    bad = SEED_NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise SeedError(
            f"{clip(seed)} holds the control character U+{ord(bad.group()):04X} "
            f"on line {line}; remove it"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")
