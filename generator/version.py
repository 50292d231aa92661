"""The version of the generator's code, by which every cache it keeps on disk is keyed."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.cache
def code_digest() -> str:
    """A digest of the generator's own code.

    Each cache under .cache/ keeps what this code made of its inputs: parsed records, generated
    pages, converted HTML, cards and search indexes. Keyed by this digest as well as by their
    inputs, they are never used by other code: after an upgrade, on another branch, or from a
    cache that CI restores, whatever the code changed is made again.
    """
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        hasher.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return hasher.hexdigest()
