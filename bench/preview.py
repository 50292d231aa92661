"""Preview latency: edit one claim under the README's preview command, time until its page shows it.

    .venv/bin/python bench/preview.py PROJECT [--runs 3]

Starts `mkdocs serve --livereload --dirty --no-strict` (what `make serve` runs) in PROJECT, waits
for the first build and for the search index it builds in the background, then edits the
summary of one claim in its claims file and polls that claim's page until the new text is
served. Prints each latency and their median.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.plugin import SEARCH_INDEX_BUILT

SERVE = ["-m", "mkdocs", "serve", "--livereload", "--dirty", "--no-strict"]
ENVIRONMENT = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a preview as Ctrl-C does, so that MkDocs removes the site it built in a temporary
    folder (a SIGTERM leaves it behind: about 0.8 GB at 10,000 claims). A preview started by a
    process that ignores Ctrl-C (a background job of a shell) ignores it too, and is
    terminated instead."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        server.terminate()
    else:
        server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, *, timeout: float) -> float:
    """Seconds until `url` serves a page containing `text`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout} s")


def wait_for_search_index(log: Path, *, timeout: float) -> None:
    """Wait until the server's `log` says that its search index is built.

    Until then a thread of the server stages pages for Pagefind, which takes its share of the
    machine: edits made meanwhile are previewed more slowly.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if SEARCH_INDEX_BUILT in log.read_text("utf-8", errors="replace"):
            return
        time.sleep(0.5)
    raise TimeoutError("the search index was not built in time")


def claims_file(project: Path, claim_id: str) -> Path:
    """The file that holds the claim: claims.yaml or one of the files it includes."""
    for path in [project / "claims.yaml", *sorted((project / "claims").glob("*.yaml"))]:
        if f"- id: {claim_id}\n" in path.read_text("utf-8"):
            return path
    raise LookupError(claim_id)


def edit_summary(claims: Path, claim_id: str, marker: str) -> None:
    """Put `marker` at the start of the summary of `claim_id`, in place."""
    claims.write_text(with_marker(claims.read_text("utf-8"), claim_id, marker), "utf-8")


def with_marker(text: str, claim_id: str, marker: str) -> str:
    """`text` with `marker` at the start of the summary of `claim_id`."""
    start = re.search(rf"^(\s*)- id: {re.escape(claim_id)}\n", text, re.MULTILINE)
    assert start is not None, claim_id
    summary = re.compile(r"^(\s*summary: )(?:Edited[0-9]+ )?", re.MULTILINE)
    match = summary.search(text, start.end())
    assert match is not None
    return text[: match.start()] + match.group(1) + f"{marker} " + text[match.end() :]


def start(project: Path, port: int, log: Path, temporary: Path) -> subprocess.Popen[bytes]:
    """The preview command serving `project` on `port`, printing into `log`, with its
    temporary files (MkDocs' copy of the site) in `temporary`, so that they go with that
    folder however the preview ends. `stop` stops it."""
    with log.open("wb") as stream:
        return subprocess.Popen(
            [sys.executable, *SERVE, "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env={**ENVIRONMENT, "TMPDIR": str(temporary)},
            stdout=subprocess.DEVNULL,
            stderr=stream,
        )


def preview_latencies(project: Path, claim_id: str, runs: int) -> list[float]:
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "serve.log"
        server = start(project, port, log, Path(scratch))
        return _timed_edits(server, log, project, port, claim_id, runs)


def _timed_edits(
    server: subprocess.Popen[bytes], log: Path, project: Path, port: int, claim_id: str, runs: int
) -> list[float]:
    url = f"http://127.0.0.1:{port}/claims/{claim_id}/"
    try:
        wait_for(url, "</html>", timeout=1800)
        # The preview indexes the site for search once, in the background, after its first
        # build; edits are timed once that is done, as an editor's edits mostly are.
        wait_for_search_index(log, timeout=1800)
        claims = claims_file(project, claim_id)
        latencies = []
        for run in range(runs):
            marker = f"Edited{time.time_ns()}{run}"
            edited = with_marker(claims.read_text("utf-8"), claim_id, marker)
            # From the editor's save: finding the claim in the file is not the preview's work.
            start = time.perf_counter()
            claims.write_text(edited, "utf-8")
            wait_for(url, marker, timeout=600)
            latencies.append(time.perf_counter() - start)
            time.sleep(1)
        return latencies
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--claim", default="claim-1")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    latencies = preview_latencies(arguments.project, arguments.claim, arguments.runs)
    shown = ", ".join(f"{latency:.2f}" for latency in latencies)
    print(f"preview latency: {shown} s; median {statistics.median(latencies):.2f} s")


if __name__ == "__main__":
    main()
