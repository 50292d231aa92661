"""Golden files: the generated Markdown of the fixture project in tests/fixtures/golden.

Refresh them after a deliberate change with `make golden` (python -m tests.golden),
then review the diff of tests/fixtures/golden/expected/ before committing.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from generator import output
from generator.load import load_catalog
from generator.site import Settings, Site, read_seed_texts, render_site

FIXTURE = Path(__file__).parent / "fixtures" / "golden"
EXPECTED = FIXTURE / "expected"
SETTINGS = Settings(site_url="https://fixture.example.org/")
TODAY = date(2026, 1, 1)


def render_fixture() -> Site:
    """Render the fixture catalog exactly as the golden files were made."""
    catalog = load_catalog(FIXTURE / "claims.yaml", today=TODAY)
    return render_site(catalog, read_seed_texts(catalog, FIXTURE), SETTINGS)


def render_edited_fixture(folder: Path, *edits: tuple[str, str]) -> Site:
    """Render the fixture catalog with each (old, new) edit made once, as a file in `folder`."""
    text = (FIXTURE / "claims.yaml").read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "claims.yaml").write_text(text, "utf-8")
    shutil.copytree(FIXTURE / "seeds", folder / "seeds", dirs_exist_ok=True)
    catalog = load_catalog(folder / "claims.yaml", today=TODAY)
    return render_site(catalog, read_seed_texts(catalog, FIXTURE), SETTINGS)


def golden_files(site: Site) -> dict[str, str]:
    """What the golden folder holds: every page, and every snippet under snippets/."""
    snippets = {f"snippets/{name}.md": text for name, text in site.snippets.items()}
    return {**site.pages, **snippets}


if __name__ == "__main__":
    output.sync_tree(EXPECTED, golden_files(render_fixture()))
    print(f"refreshed {EXPECTED}; review the diff before committing")
