"""Which dates count as today, for editors and CI in any time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator import cli, clock
from tests.projects import VALID


def test_the_latest_today_is_the_date_in_kiribati() -> None:
    assert clock.latest_today(datetime(2026, 11, 23, 9, 59, tzinfo=UTC)) == date(2026, 11, 23)
    assert clock.latest_today(datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) == date(2026, 11, 24)
    seoul = timezone(timedelta(hours=9))
    assert clock.latest_today(datetime(2026, 11, 24, 8, 0, tzinfo=seoul)) == date(2026, 11, 24)


def test_today_is_the_latest_date_or_the_one_before() -> None:
    today = date(2026, 11, 24)
    assert clock.is_today(today, today)
    assert clock.is_today(date(2026, 11, 23), today)
    assert not clock.is_today(date(2026, 11, 22), today)
    assert not clock.is_today(date(2026, 11, 25), today)


def test_a_runner_in_utc_accepts_the_date_an_editor_in_seoul_wrote_that_morning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 08:00 in Seoul on 24 November is 23:00 UTC on the 23rd.
    utc_evening = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    real = clock.latest_today
    monkeypatch.setattr(clock, "latest_today", lambda now=None: real(now or utc_evening))
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "article.txt").write_bytes((VALID / "seeds" / "article.txt").read_bytes())
    text = (VALID / "claims.yaml").read_text("utf-8")
    entry = "      - date: 2026-11-24\n        rating: wrong\n        note: New evidence.\n"
    seoul = text.replace(
        "        note: The operator publishes its specifications.\n",
        "        note: The operator publishes its specifications.\n" + entry,
    ).replace("reviewed: 2024-03-03", "reviewed: 2026-11-24")
    (tmp_path / "claims.yaml").write_text(seoul, "utf-8")
    command = ["check", "--stale-days", "100000", str(tmp_path / "claims.yaml")]
    assert cli.main(command) == 0, capsys.readouterr().err
    later = seoul.replace("2026-11-24", "2026-11-25")
    (tmp_path / "claims.yaml").write_text(later, "utf-8")
    assert cli.main(command) == 1
    assert (
        "2026-11-25 is in the future (it is not 2026-11-25 anywhere yet)" in capsys.readouterr().err
    )
