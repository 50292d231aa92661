"""Throwaway MkDocs projects in a temporary folder, built with the repository's theme and plugin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parent.parent
VALID = REPO / "tests" / "fixtures" / "valid"
MKDOCS = Path(sys.executable).with_name("mkdocs")
CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium, which Playwright drives (`make browser-deps` installs it)."""

# Hand-written pages that the generated pages and snippets link to or land in.
PAGES = {
    "index.md": "# Fixture home\n\n<!-- factcheck:verdict-counts -->\n\n"
    "## Latest verdict changes\n\n<!-- factcheck:latest-changes -->\n",
    "about.md": "# About\n\n## Corrections\n\nWe correct errors.\n",
    "editors-guide.md": "# Editors' guide\n\n<!-- factcheck:field-reference -->\n",
}


@dataclass(frozen=True)
class Project:
    """A project folder: mkdocs.yml, content/, site_templates/overrides, claims.yaml, seeds/."""

    root: Path

    @property
    def claims(self) -> Path:
        return self.root / "claims.yaml"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def build(self) -> subprocess.CompletedProcess[str]:
        """Run `mkdocs build` in strict mode, as `make site` does."""
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
        return subprocess.run(
            [str(MKDOCS), "build", "--strict", "-f", str(self.root / "mkdocs.yml")],
            cwd=self.root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def build_in_process(self) -> None:
        """Build as `mkdocs build` does, in this process, so that a test may patch the code."""
        config = load_config(str(self.root / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()


def make_project(root: Path, claims: str | bytes | None = None) -> Project:
    """A copy of the repository's site set-up around the valid fixture (or `claims`)."""
    root.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    config["docs_dir"] = "content"
    config["nav"] = [{"Home": "index.md"}, {"About": "about.md"}, {"Guide": "editors-guide.md"}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    content = root / "content"
    shutil.copytree(REPO / "content" / "assets", content / "assets")
    for name, text in PAGES.items():
        (content / name).write_text(text, "utf-8")
    custom_dir = Path(config["theme"]["custom_dir"])
    shutil.copytree(REPO / custom_dir, root / custom_dir)
    shutil.copytree(VALID / "seeds", root / "seeds")
    if claims is None:
        claims = (VALID / "claims.yaml").read_bytes()
    if isinstance(claims, str):
        claims = claims.encode("utf-8")
    (root / "claims.yaml").write_bytes(claims)
    return Project(root)


class _PlainDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # The loader refuses U+0085, U+2028 and U+2029 written out, as YAML reads them as line
    # breaks; in "double quotes" PyYAML escapes them, as the generator's own edits do.
    style = '"' if any(character in value for character in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PlainDumper.add_representer(str, _text)


def dump_claims(data: object) -> str:
    """YAML for a claims file: every value written out, since the loader refuses aliases."""
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time, by relative path."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
