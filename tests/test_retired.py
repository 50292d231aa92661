"""Retired claims: listed in the corrections log with their note, linking to the replacement."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from tests.projects import VALID, make_project

RETIRED = (
    "retired:\n"
    "  - id: ferry-250\n    date: 2024-03-04\n"
    "    note: 'Withdrawn <b>twice</b>: merged into the 300 claim.'\n"
    "    redirect: ferry-300\n"
    "  - id: ferry-old\n    date: 2024-03-05\n    note: Withdrawn; the claim was never made.\n"
)


def test_the_corrections_log_lists_retired_claims(tmp_path: Path) -> None:
    project = make_project(tmp_path, (VALID / "claims.yaml").read_text("utf-8") + RETIRED)
    result = project.build()
    assert result.returncode == 0, result.stderr
    page = lxml.html.fromstring((project.site / "corrections" / "index.html").read_bytes())
    (section,) = page.xpath("//h2[normalize-space()='Withdrawn and renamed fact checks']")
    items = section.xpath("following-sibling::ul[1]/li")
    assert [" ".join(item.text_content().split()) for item in items] == [
        "5 March 2024, ferry-old: Withdrawn; the claim was never made.",
        "4 March 2024, ferry-250: Withdrawn <b>twice</b>: merged into the 300 claim. "
        "It is now ferry-300.",
    ]
    assert items[1].xpath(".//a/@href") == ["../claims/ferry-300/"]
    # The old address is not built: it answers "not found", as the editors' guide says.
    assert not (project.site / "claims" / "ferry-250").exists()
