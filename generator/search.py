"""The search index: Pagefind indexes the built pages in shards; readers fetch what they need."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import html
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from generator import output
from generator.version import code_digest

FOLDER = "pagefind"
"""Where the index goes in the built site."""

SHARDS = "shards.json"
"""The file in FOLDER that names the shards the browser merges into the main index, and the
filters every search takes."""

SHARD_PAGES = 2000
"""The most pages one Pagefind run indexes. Pagefind holds every word it indexes in memory: the
shards of the 10,000-claim benchmark archive (about 1,800 pages of 460 words each) take it
0.25 GiB, and pages with twice the words would take about twice that."""

VOCABULARY = "_search-vocabulary/index.html"
"""A page in each shard with every word of the site, marked with a filter that searches exclude."""

KIND_FILTER = "kind"
"""The filter by which search results are grouped: fact checks first, then sources, then the
other pages (assets/search.js). Every indexed page has one of these values (overrides/main.html)."""

CLAIM_KIND, SOURCE_KIND, PAGE_KIND = "claim", "source", "page"

VOCABULARY_FILTER = (KIND_FILTER, "vocabulary")

LAST_BUILD = "last-build.json"
"""The file in the cache that names the shards of the last build, and the digest of its pages."""

# Index the article only (not the sidebar), and not the charts or the filter form.
PAGEFIND_ARGUMENTS = [
    "--root-selector",
    "article",
    "--exclude-selectors",
    "svg",
    "--exclude-selectors",
    ".fc-filters",
    "--quiet",
]

VOCABULARY_MEMO = "vocabulary.json"
"""The file in the cache that keeps the last vocabulary of a build's pages, by their digest."""

_TEXT = re.compile(rb">([^<]+)<")


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class _Page:
    path: Path
    relative: str
    digest: bytes


def index_site(
    site_dir: Path,
    cache: Path | None = None,
    *,
    is_background: bool = False,
    shard_pages: int = SHARD_PAGES,
) -> None:
    """Write the Pagefind index into `site_dir`/pagefind.

    The pages are split into shards of at most `shard_pages`, each indexed by its own Pagefind
    run, one after another, so that Pagefind's memory stays bounded whatever the archive's
    size. The first shard is the main index; `shards.json` names the others, which the browser
    merges with Pagefind's `mergeIndex`. A page stays in its shard while the number of shards
    is the same, so that an edit re-indexes one shard.

    Pagefind answers a word its index lacks with the pages that hold the longest word that
    starts the query word. A shard would do that for every word that only other shards hold, so
    with several shards each one also indexes a vocabulary page holding every word of the site,
    and the browser leaves that page out of results with a filter.

    With a `cache` folder, each shard's index is kept there under a digest of its pages and of
    how Pagefind is asked to index them, and reused while they stay the same. In the background
    (`is_background`), Pagefind runs at the lowest priority, so that it takes only the time that
    rebuilds leave.
    """
    with tempfile.TemporaryDirectory() as scratch:
        kept = index_shards(site_dir, cache or Path(scratch), is_background, shard_pages)
        assemble(site_dir / FOLDER, kept)


def index_shards(
    site_dir: Path, cache: Path, is_background: bool = False, shard_pages: int = SHARD_PAGES
) -> list[Path]:
    """The shards' indexes of the site's pages, in `cache`, the main one first (see
    `index_site`): what `assemble` puts together."""
    cache.mkdir(parents=True, exist_ok=True)
    pages = _read_pages(site_dir)
    how = _how(shard_pages)
    site_digest = _digest(how, "", pages)
    last = cache / LAST_BUILD
    kept = _kept_from(last, site_digest, cache)
    if kept is None:
        kept = _index_shards(pages, cache, how, is_background, shard_pages)
        last.write_text(json.dumps({"site": site_digest, "shards": [k.name for k in kept]}))
    return kept


class IndexWhileWriting:
    """The search index of a full build, made while MkDocs writes the pages.

    MkDocs converts every page before it writes any, and then writes them one by one. When the
    build writes the pages shard by shard (`shard` gives the order), each shard is indexed, by
    Pagefind in a thread of its own, as soon as its last page is written, while the build goes
    on. The shards need the site's vocabulary before the first is indexed: `start` takes it
    from the pages' converted HTML, and `written` checks that each page's article holds no
    word besides. When that check fails, or the build writes other pages than `pages` and
    `others`, `finish` indexes the pages on disk with `index_shards`. Either way the index is
    the one `index_shards` makes of the written site; at most, the vocabulary holds a word more
    (the title of a page whose theme does not print it), never one less.
    """

    def __init__(
        self, site_dir: Path, cache: Path, pages: Iterable[str], others: Iterable[str]
    ) -> None:
        """`pages` are the pages that MkDocs builds and passes to `written`; `others` are the
        other HTML files of the site (such as 404.html), which are on disk before the first
        page is written. Both are paths relative to `site_dir`."""
        self.site_dir, self.cache = site_dir, cache
        self.others = sorted(set(others))
        planned = set(pages) | set(self.others)
        self.shard_pages = SHARD_PAGES
        self.count = max(1, -(-len(planned) // self.shard_pages))
        self.shard_of = {relative: _shard_of(relative, self.count) for relative in planned}
        self.left = Counter(self.shard_of[relative] for relative in set(pages) - set(self.others))
        self.pages: dict[str, _Page] = {}
        self.page_words: set[str] = set()
        self.vocabulary: str | None = None
        self.is_sound = True
        """Whether the pages are as planned and their words as `start` found them."""
        self.done = [shard for shard in range(self.count) if not self.left[shard]]
        """Shards whose pages are all written, and not yet sent to be indexed."""
        self.indexing: list[Future[None]] = []
        self.workers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind")
        self.linking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind-links")
        """Links each shard's pages into a scratch folder while Pagefind indexes the one before,
        and removes the folders Pagefind is done with: file system work, off Pagefind's path."""
        self.how = _how(self.shard_pages)

    def shard(self, relative: str) -> int:
        """The shard of a page, which is also the order in which to write the pages."""
        return self.shard_of.get(relative, self.count)

    def start(self, digest: str, gather: Callable[[Words], None]) -> None:
        """Take the words of the pages' articles: from `gather`, which adds the converted
        HTML of every page, or from the last build when `digest` of that HTML is the same."""
        if self.count == 1:
            return  # one shard needs no vocabulary
        memo = self.cache / VOCABULARY_MEMO
        try:
            remembered = json.loads(memo.read_text("utf-8"))
            if remembered["digest"] == digest:
                self.page_words = set(remembered["words"])
                return
        except (OSError, ValueError, KeyError, TypeError):
            pass
        found = Words()
        gather(found)
        self.page_words = found.unescaped()
        self.cache.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({"digest": digest, "words": sorted(self.page_words)}))

    def written(self, relative: str, output: str, content: str) -> None:
        """Note a page whose HTML `output`, with the converted Markdown `content` in its
        article, is about to be written: every page noted before it is on disk."""
        self._index_done()
        shard = self.shard_of.get(relative)
        if shard is None or relative in self.others or relative in self.pages:
            self.is_sound = False
            return
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        self.pages[relative] = _Page(self.site_dir / relative, relative, _hash(data))
        if self.is_sound and self.count > 1:
            self.is_sound = self._holds_known_words(data, content)
        self.left[shard] -= 1
        if self.left[shard] == 0:
            self.done.append(shard)

    def finish(self) -> list[Path]:
        """The shards' indexes, in the cache, the main one first: what `assemble` takes."""
        vocabulary = self._vocabulary()
        self._index_done()
        try:
            for job in self.indexing:
                job.result()
        finally:
            self.workers.shutdown()
            self.linking.shutdown()
        html_files = self.site_dir.rglob("*.html")
        on_disk = {path.relative_to(self.site_dir).as_posix() for path in html_files}
        if not self.is_sound or on_disk != set(self.shard_of) or any(self.left.values()):
            return index_shards(self.site_dir, self.cache, shard_pages=self.shard_pages)
        kept = [self.cache / _digest(self.how, vocabulary, shard) for shard in self._shards()]
        if not all(folder.is_dir() for folder in kept):
            return index_shards(self.site_dir, self.cache, shard_pages=self.shard_pages)
        _remove_all_but(self.cache, kept)
        return kept

    def cancel(self) -> None:
        """Stop indexing: the build failed."""
        self.workers.shutdown(wait=False, cancel_futures=True)
        self.linking.shutdown(wait=False, cancel_futures=True)

    def _index_done(self) -> None:
        if not self.done or not self.is_sound:
            return
        vocabulary = self._vocabulary()
        shards = self._shards()
        self.cache.mkdir(parents=True, exist_ok=True)
        for number in self.done:
            target = self.cache / _digest(self.how, vocabulary, shards[number])
            if not target.is_dir():
                linked = self.linking.submit(_linked_shard, shards[number], vocabulary, self.cache)
                self.indexing.append(self.workers.submit(self._index_linked, linked, target))
        self.done.clear()

    def _index_linked(self, linked: Future[Path], target: Path) -> None:
        scratch = linked.result()
        try:
            _run_pagefind(scratch, target, is_background=False)
        finally:
            try:
                self.linking.submit(shutil.rmtree, scratch, ignore_errors=True)
            except RuntimeError:  # cancelled: the build failed
                shutil.rmtree(scratch, ignore_errors=True)

    def _vocabulary(self) -> str:
        """The site's words: the pages' and those of the other HTML files, read once."""
        if self.vocabulary is None:
            found = Words()
            for relative in self.others:
                path = self.site_dir / relative
                try:
                    data = path.read_bytes()
                except OSError:
                    self.is_sound = False
                    continue
                self.pages[relative] = _Page(path, relative, _hash(data))
                found.add_article(data)
            words = self.page_words | found.unescaped()
            self.vocabulary = " ".join(sorted(words)) if self.count > 1 else ""
        return self.vocabulary

    def _shards(self) -> list[list[_Page]]:
        """The pages noted so far, by shard, each in the order of `index_shards`."""
        shards: list[list[_Page]] = [[] for _ in range(self.count)]
        for page in sorted(self.pages.values(), key=lambda page: page.path):
            shards[self.shard_of[page.relative]].append(page)
        return shards

    def _holds_known_words(self, data: bytes, content: str) -> bool:
        """Whether the page's article holds only the words of its content and of `start`."""
        start, end = data.find(b"<article"), data.rfind(b"</article>")
        inner = content.strip().encode("utf-8", errors="xmlcharrefreplace")
        if start < 0 or not (inner.startswith(b"<") and inner.endswith(b">")):
            return start < 0 and not inner
        at = data.find(inner, start, end)
        if at < 0:
            return False
        # Either side keeps the content's tag next to it, which ends or starts a run of text.
        around = Words()
        around.add(data, start, at + 1)
        around.add(data, at + len(inner) - 1, end)
        return around.unescaped() <= self.page_words


def _kept_from(last: Path, site_digest: str, cache: Path) -> list[Path] | None:
    """The shards of the last build, when it indexed the same pages and they are all kept."""
    try:
        remembered = json.loads(last.read_text("utf-8"))
        kept = [cache / name for name in remembered["shards"]]
        is_same = remembered["site"] == site_digest
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not is_same or not all(folder.is_dir() for folder in kept):
        return None
    return kept


def _index_shards(
    pages: list[_Page], cache: Path, how: str, is_background: bool, shard_pages: int
) -> list[Path]:
    """Index each shard whose pages changed; reuse the others."""
    count = max(1, -(-len(pages) // shard_pages))
    shards: list[list[_Page]] = [[] for _ in range(count)]
    for page in pages:
        shards[_shard_of(page.relative, count)].append(page)
    vocabulary = _vocabulary(pages) if count > 1 else ""
    kept = []
    for shard in shards:
        kept_folder = cache / _digest(how, vocabulary, shard)
        if not kept_folder.is_dir():
            _index_shard(shard, vocabulary, kept_folder, is_background)
        kept.append(kept_folder)
    _remove_all_but(cache, kept)
    return kept


def _remove_all_but(cache: Path, kept: list[Path]) -> None:
    """Remove the shards' indexes of earlier builds that this one does not use."""
    for folder in cache.iterdir():
        if folder.is_dir() and folder not in kept:
            shutil.rmtree(folder, ignore_errors=True)


def _how(shard_pages: int) -> str:
    """How Pagefind is asked to index: part of the digest of every shard's index."""
    pagefind = importlib.metadata.version("pagefind")
    return " ".join([code_digest(), pagefind, str(shard_pages), *PAGEFIND_ARGUMENTS])


def _read_pages(site_dir: Path) -> list[_Page]:
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        pages.append(_Page(path, relative, _hash(path.read_bytes())))
    return pages


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _shard_of(relative: str, count: int) -> int:
    """A page's shard: the same in every build with as many shards."""
    return int.from_bytes(hashlib.blake2b(relative.encode("utf-8"), digest_size=4).digest()) % count


def _vocabulary(pages: list[_Page]) -> str:
    """Every word in the text of the pages' articles, once each, in order.

    It may hold more words than Pagefind indexes (the text of charts and of ignored parts): a
    word that no page holds then finds nothing, instead of the pages with a shorter word. The
    pages are read again here, not in `_read_pages`, so that a build whose pages are all the
    same does not split them into words.
    """
    found = Words()
    for page in pages:
        found.add_article(page.path.read_bytes())
    return " ".join(sorted(found.unescaped()))


class Words:
    """Words of HTML text, gathered as they are written and unescaped once at the end."""

    def __init__(self) -> None:
        self.raw: set[bytes] = set()

    def add(self, data: bytes, start: int = 0, end: int = sys.maxsize) -> None:
        """Add the words of the text between the tags of UTF-8 HTML, from `start` to `end`."""
        for run in _TEXT.findall(data, start, end):
            self.raw.update(run.split())

    def add_article(self, page: bytes) -> None:
        """Add the words of a page's `<article>`."""
        start, end = page.find(b"<article"), page.rfind(b"</article>")
        if start >= 0:
            self.add(page, start, end)

    def unescaped(self) -> set[str]:
        return {word for raw in self.raw for word in html.unescape(raw.decode("utf-8")).split()}


def _digest(how: str, vocabulary: str, pages: list[_Page]) -> str:
    """A digest of the pages and of how Pagefind is asked to index them."""
    hasher = hashlib.blake2b(how.encode("utf-8") + b"\0", digest_size=16)
    hasher.update(vocabulary.encode("utf-8") + b"\0")
    for page in pages:
        hasher.update(page.relative.encode("utf-8") + b"\0" + page.digest)
    return hasher.hexdigest()


def _index_shard(shard: list[_Page], vocabulary: str, target: Path, is_background: bool) -> None:
    """Index the shard's pages, linked into a folder of their own, into `target`."""
    scratch = _linked_shard(shard, vocabulary, target.parent)
    try:
        _run_pagefind(scratch, target, is_background)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _linked_shard(shard: list[_Page], vocabulary: str, parent: Path) -> Path:
    """A new scratch folder in `parent` with the shard's pages, linked, and the vocabulary page
    in its `site` folder: what `_run_pagefind` indexes. The caller removes it."""
    scratch = Path(tempfile.mkdtemp(dir=parent))
    root = scratch / "site"
    try:
        for page in shard:
            linked = root / page.relative
            linked.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(str(page.path), str(linked))
        if vocabulary:
            words = root / VOCABULARY
            words.parent.mkdir(parents=True, exist_ok=True)
            words.write_text(_vocabulary_page(vocabulary), "utf-8")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return scratch


def _run_pagefind(scratch: Path, target: Path, is_background: bool) -> None:
    """Index the pages of a `_linked_shard` folder into `target`."""
    index = scratch / "index"
    command = [*_pagefind_command(), "--site", str(scratch / "site"), "--output-path", str(index)]
    with subprocess.Popen(
        [*command, *PAGEFIND_ARGUMENTS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as pagefind:
        if is_background:
            # Lowered once started: a function run in the child before it starts Pagefind
            # (preexec_fn) can deadlock in a process with threads, such as the preview.
            with contextlib.suppress(ProcessLookupError):
                os.setpriority(os.PRIO_PROCESS, pagefind.pid, 19)
        out, err = pagefind.communicate()
    if pagefind.returncode != 0:
        raise SearchIndexError(f"pagefind failed:\n{out}{err}")
    _sort_filters(index)
    index.rename(target)


@functools.cache
def _pagefind_command() -> list[str]:
    """Pagefind's binary, which the pagefind package's `python -m pagefind` would start (80 ms
    later, for each shard); that command when the package names no binary."""
    from pagefind.service import get_executable  # asyncio and more: only for a search index

    executable = get_executable()
    return [str(executable)] if executable else [sys.executable, "-m", "pagefind"]


def _sort_filters(index: Path) -> None:
    """Give the same index the same bytes in every Pagefind run.

    Pagefind lists the values of a filter, and the filters of each language, in an order that
    changes from run to run (https://github.com/Pagefind/pagefind/issues/638). Both are sorted
    here, and each file they are in is named again by a digest of what it then holds. An index
    in another form than Pagefind 1.5's is left as it is.
    """
    entry_path = index / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text("utf-8"))
        languages = entry["languages"].values()
        sorted_ = [_sorted_filters(index, language["hash"]) for language in languages]
    except (OSError, ValueError, LookupError, TypeError, zlib.error, cbor2.CBORError):
        return
    for language, (meta, chunks) in zip(languages, sorted_, strict=True):
        for filter_, chunk in zip(meta.value[_META_FILTERS], chunks, strict=True):
            filter_[1] = chunk.replace()
        language["hash"] = meta.replace()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _sorted_filters(index: Path, meta_name: str) -> tuple[_PagefindFile, list[_PagefindFile]]:
    """A language's metadata and the files of its filters, read and sorted but not written;
    ValueError when they are not in Pagefind 1.5's form."""
    meta = _PagefindFile(index, "pagefind.", meta_name, ".pf_meta", 10)
    listed = meta.value[_META_FILTERS] if isinstance(meta.value, list) else None
    if not (isinstance(listed, list) and all(_is_pair(filter_) for filter_ in listed)):
        raise ValueError("not Pagefind 1.5's metadata")
    chunks = [_PagefindFile(index / "filter", "", name, ".pf_filter", 7) for _, name in listed]
    for chunk in chunks:
        value = chunk.value
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
            raise ValueError("not Pagefind 1.5's filter")
        chunk.value[1].sort()
    listed.sort()
    return meta, chunks


def _is_pair(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


_SIGNATURE = b"pagefind_dcd"
_META_FILTERS = 3
"""Pagefind 1.5's metadata lists the filters fourth, each as [name, file]."""


class _PagefindFile:
    """One of Pagefind's files of gzipped CBOR: `prefix`, `name`, `suffix`. Pagefind names
    them by the language and then `digits` hexadecimal digits of a digest."""

    def __init__(self, folder: Path, prefix: str, name: str, suffix: str, digits: int) -> None:
        self.folder, self.prefix, self.name, self.suffix = folder, prefix, name, suffix
        self.digits = digits
        data = gzip.decompress(self._path(name).read_bytes())
        self.value: Any = (
            cbor2.loads(data.removeprefix(_SIGNATURE)) if data.startswith(_SIGNATURE) else None
        )

    def replace(self) -> str:
        """Write `value` in place of the file, under a name of the same form; the name."""
        data = _SIGNATURE + cbor2.dumps(self.value)
        digest = hashlib.blake2b(data).hexdigest()[: self.digits]
        name = f"{self.name.rpartition('_')[0]}_{digest}"
        self._path(self.name).unlink()
        self._path(name).write_bytes(gzip.compress(data, mtime=0))
        return name

    def _path(self, name: str) -> Path:
        return self.folder / f"{self.prefix}{name}{self.suffix}"


def _vocabulary_page(vocabulary: str) -> str:
    key, value = VOCABULARY_FILTER
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vocabulary</title>'
        f'</head><body><article data-pagefind-body data-pagefind-filter="{key}:{value}">'
        f"<p>{html.escape(vocabulary)}</p></article></body></html>"
    )


def assemble(target: Path, kept: list[Path]) -> None:
    """Make `target` the first shard's index with every other shard's in a folder of its own
    inside it. What it holds depends only on the names of the `kept` folders."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(kept[0], target, copy_function=_link_or_copy)
    folders = []
    for number, folder in enumerate(kept[1:], start=1):
        name = f"shard-{number}"
        # A merged index needs its own entry, metadata and chunks; the scripts are the main one's.
        shutil.copytree(
            folder,
            target / name,
            copy_function=_link_or_copy,
            ignore=shutil.ignore_patterns("*.js", "*.css", "wasm.*"),
        )
        folders.append(f"{name}/")
    key, value = VOCABULARY_FILTER
    filters = {"not": {key: value}} if folders else {}
    (target / SHARDS).write_text(json.dumps({"shards": folders, "filters": filters}), "utf-8")


def _link_or_copy(source: str, target: str) -> None:
    output.link(Path(source), Path(target))
