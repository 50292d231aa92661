"""What a change does to the claims, as Markdown for a pull request's job summary."""

from __future__ import annotations

from generator import escape
from generator.model import Catalog, Claim
from generator.problems import Problem, counted


def summarize_changes(base: Catalog, current: Catalog) -> str:
    """Claims added, changed and retired since `base`, and each verdict change, old → new."""
    before = {claim.id: claim for claim in base.claims}
    labels = {rating.id: rating.label for rating in [*base.ratings, *current.ratings]}
    added = [claim for claim in current.claims if claim.id not in before]
    changed = [
        claim for claim in current.claims if claim.id in before and claim != before[claim.id]
    ]
    moved = [claim for claim in changed if claim.rating != before[claim.id].rating]
    retired_before = {entry.id for entry in base.retired}
    retired = [entry for entry in current.retired if entry.id not in retired_before]
    now = {claim.id for claim in current.claims} | {entry.id for entry in current.retired}
    deleted = [claim for claim in base.claims if claim.id not in now]
    lines = ["## Claims in this change", ""]
    if not (added or changed or retired or deleted):
        return "\n".join([*lines, "No claim was added, changed or retired.", ""])
    counts = f"Added: {len(added)}. Changed: {len(changed)}. Retired: {len(retired)}."
    if deleted:
        counts += f" Deleted without a retired entry: {len(deleted)}."
    lines += [counts, ""]
    if added:
        lines += ["### Added", ""]
        lines += [f"- {_claim(claim)}: {_label(labels, claim.rating)}" for claim in added]
        lines.append("")
    if changed:
        lines += ["### Changed", ""]
        lines += [f"- {_claim(claim)}" for claim in changed]
        lines.append("")
    if moved:
        lines += ["### Verdict changes", "", "| Claim | Before | After |", "| --- | --- | --- |"]
        lines += [
            f"| {_claim(claim)} | {_label(labels, before[claim.id].rating)} | "
            f"{_label(labels, claim.rating)} |"
            for claim in moved
        ]
        lines.append("")
    if retired:
        lines += ["### Retired", ""]
        for entry in retired:
            redirect = f" (now `{entry.redirect}`)" if entry.redirect else ""
            lines.append(f"- `{entry.id}`{redirect}: {escape.text(entry.note)}")
        lines.append("")
    if deleted:
        # `check --base` refuses these: a published claim leaves only through `retired`.
        lines += ["### Deleted without a retired entry", ""]
        lines += [f"- {_claim(claim)}: give it a `retired` entry" for claim in deleted]
        lines.append("")
    return "\n".join(lines)


def no_summary(base: str, problems: list[Problem]) -> str:
    """What the summary says when `base` does not pass today's checks."""
    return "\n".join(
        [
            "## Claims in this change",
            "",
            f"The claims of {escape.text(base)} do not pass today's checks, so this summary "
            f"cannot compare them ({counted(len(problems), 'problem')}, the first: "
            f"{escape.text(str(problems[0]))}).",
            "",
        ]
    )


def _claim(claim: Claim) -> str:
    # Ids are slugs; the short claim is editors' text and is escaped for Markdown.
    return f"`{claim.id}` {escape.text(claim.short)}"


def _label(labels: dict[str, str], rating: str) -> str:
    return str(escape.text(labels.get(rating, rating)))
