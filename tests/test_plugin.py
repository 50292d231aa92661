"""The MkDocs plugin's preview: what mkdocs serve watches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.plugin import FactCheckPlugin
from generator.templates import TEMPLATES


class Server:
    """Records what the plugin asks mkdocs serve to watch."""

    def __init__(self) -> None:
        self.watched: list[Path] = []

    def watch(self, path: str) -> None:
        self.watched.append(Path(path))


def test_the_preview_watches_claim_files_but_never_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every build writes its caches in the project's folder: watching it rebuilds for ever.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    plugin = FactCheckPlugin()
    plugin.load_config({})
    plugin.root = tmp_path
    plugin.watched = (Path("claims.yaml"), Path("claims/2024-10.yaml"), Path("extra.yaml"))
    server = Server()
    plugin.on_serve(server, config=Any, builder=None)  # type: ignore[arg-type]
    watched = {path.resolve() for path in server.watched}
    assert tmp_path.resolve() not in watched
    assert watched == {
        (tmp_path / "claims.yaml").resolve(),
        (tmp_path / "claims").resolve(),
        (tmp_path / "extra.yaml").resolve(),
        (tmp_path / "seeds").resolve(),
        TEMPLATES.resolve(),
    }
