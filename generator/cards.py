"""Social cards: one 1200x630 PNG per claim, drawn at build time and cached on disk by content.

A card shows the claim's short form, its verdict in the verdict's colour and the publication's
name. The font is Noto Sans from the `fontpkg-noto-sans` package, so nothing is fetched at build
or view time.

Cards are cheap enough for an archive of 50,000 claims because they are palette images, drawn
directly in palette indices: each region of the card (background, verdict badge, publication
band) has a 16-step ramp from its own colour to its text colour, and anti-aliased text lands on
the steps of its region's ramp. That gives smooth text in 48 colours without quantising, and
PNG compresses it quickly. Only the claim's rows differ from card to card: the rows above and
below are compressed once per verdict and publication, and each card's PNG joins them to its
own (see _png). The claim itself is laid out and drawn a glyph at a time (see _Face).

A card is stored under a hash of exactly what it shows, plus the renderer's version, so an
unchanged claim costs a hash and a file check on the next build.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import fontpkg
from PIL import Image, ImageDraw, ImageFont

from generator.model import Catalog, Claim
from generator.version import code_digest

WIDTH, HEIGHT = 1200, 630
FOLDER = "cards"
"""Where cards are published, relative to the site's root."""

# The light scheme's verdict colours in content/assets/factcheck.css (tests/test_cards.py checks
# that they match). White text passes WCAG AA on each.
VERDICT_COLOURS = {
    "confirmed": "#1b5e20",
    "partly-confirmed": "#006064",
    "unproven": "#5f4b00",
    "misleading": "#a43c00",
    "incorrect": "#b71c1c",
}
NEUTRAL_COLOUR = "#37474f"
"""For a rating that the stylesheet does not colour."""
BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"
BAND = "#3f51b5"  # Material's indigo, the site's primary colour
WHITE = "#ffffff"

MARGIN = 80
BADGE_TOP, BADGE_HEIGHT, BADGE_SIZE = 64, 76, 40
CLAIM_TOP, CLAIM_BOTTOM = 190, 500
CLAIM_SIZES = (64, 58, 52, 46, 40)
BAND_TOP, BAND_SIZE = 530, 38
RAMP_STEPS = 16
_BACKGROUND_RAMP, _BADGE_RAMP, _BAND_RAMP = 0, RAMP_STEPS, 2 * RAMP_STEPS
"""The first palette index of each region's ramp (see _palette)."""
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class Card:
    """What one card shows: all of it, and nothing else, goes into its cache key."""

    text: str
    verdict_label: str
    colour: str
    """The badge's colour as #rrggbb."""
    publication: str

    def key(self) -> str:
        """A hash of the card's content and of everything that draws it."""
        return _key(self, _renderer())


@functools.lru_cache(maxsize=2**17)
def _key(card: Card, renderer: tuple[object, ...]) -> str:
    # Kept in memory: the preview plans every claim's card on every rebuild.
    fields = [card.text, card.verdict_label, card.colour, card.publication]
    encoded = json.dumps([renderer, fields], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def card_path(claim_id: str) -> str:
    """Where a claim's card is published, relative to the site's root."""
    return f"{FOLDER}/{claim_id}.png"


def claim_card(catalog: Catalog, claim: Claim) -> Card:
    """The card of one claim of `catalog`."""
    rating = next(item for item in catalog.ratings if item.id == claim.rating)
    colour = VERDICT_COLOURS.get(rating.id, NEUTRAL_COLOUR)
    return Card(claim.short, rating.label, colour, catalog.publisher.name)


def card_png(text: str, verdict_label: str, colour: str, publication: str) -> bytes:
    """A card as PNG bytes: the claim, its verdict badge in `colour`, and the publication."""
    # Pixel values are palette indices. Each region is filled with the first index of its
    # ramp, and text is drawn with the last: anti-aliasing blends between the two, which lands
    # on the ramp's steps between the region's colour and its text colour. Only the claim's
    # rows, between the top of the frame and its band, are drawn for each card, one column
    # wider than the card: the first column holds each scanline's PNG filter type, 0 (none).
    claim = Image.new("L", (WIDTH + 1, BAND_TOP - CLAIM_TOP), _BACKGROUND_RAMP)
    size, lines = _fit_claim(text)
    face = _face(size, "SemiBold")
    step = round(size * 1.25)
    ink = _BACKGROUND_RAMP + RAMP_STEPS - 1
    for number, line in enumerate(lines):
        face.draw(claim, (1 + MARGIN, number * step), line, ink)
    claim.paste(0, (0, 0, 1, claim.height))
    # Rows below the last line's ink are blank on every card: they are compressed once.
    _, _, _, ink_bottom = claim.getbbox() or (0, 0, 0, 0)
    drawn = _Rows.compress(claim.crop((0, 0, WIDTH + 1, ink_bottom)).tobytes())
    top, bottom = _frame_parts(verdict_label, publication)
    pieces = [top, drawn, _blank_rows(claim.height - ink_bottom), bottom]
    return _png(pieces, _palette(colour))


class _Face:
    """Noto Sans at one size and weight, measuring and drawing text a glyph at a time.

    Pillow lays out and renders a whole string on each call, which was most of a card's cost.
    Text that needs no shaping (Latin, Greek and Cyrillic letters, digits and punctuation) is
    laid out here instead: each glyph goes where the shaper puts it after the glyph before,
    known from the width of each character and of each pair of characters (which holds their
    kerning). Each glyph is rendered once per position within a pixel (a 64th of one).

    What this draws matches Pillow's whole-string drawing, except that a ligature (fi, fl) is
    drawn as its letters, and a pixel where two glyphs' ink overlaps may be one ramp step off.
    The shaper kerns only within runs of one script and direction, and a few quotation marks
    near digits or other quotation marks break such runs: a line whose width is not the
    shaper's is drawn by Pillow, and measuring such text may be off by about a pixel a mark.
    """

    def __init__(self, font: ImageFont.FreeTypeFont) -> None:
        self.font = font
        self._widths: dict[str, int] = {}
        """Characters' and pairs' widths, as the shaper gives them, in 64ths of a pixel."""
        self._words: dict[str, int] = {}
        self._glyphs: dict[tuple[str, int], tuple[Image.Image | None, tuple[int, int]]] = {}

    def width(self, text: str) -> float:
        """How wide `text` is drawn, in pixels."""
        if not _is_simple(text):
            return self.font.getlength(text)
        words = text.split(" ")
        if "" in words:
            return self._width(text, self._offsets(text)) / 64
        # Wrapping measures each line again with each word it adds: words are measured once.
        units = sum(map(self._word, words)) + (len(words) - 1) * self._measured(" ")
        for left, right in itertools.pairwise(words):
            units += self._kerning(left[-1] + " ") + self._kerning(" " + right[0])
        return units / 64

    def draw(self, image: Image.Image, xy: tuple[int, int], text: str, ink: int) -> None:
        """Draw `text` onto `image` in `ink`, its left end and ascender line at `xy`."""
        offsets = self._offsets(text) if _is_simple(text) else []
        if not offsets or self._width(text, offsets) != round(self.font.getlength(text) * 64):
            ImageDraw.Draw(image).text(xy, text, font=self.font, fill=ink)
            return
        left, top = xy
        for character, offset in zip(text, offsets, strict=True):
            pixels, phase = divmod(offset, 64)
            glyph, (x, y) = self._glyph(character, phase)
            if glyph is not None:
                x += left + pixels
                y += top
                image.paste(ink, (x, y, x + glyph.width, y + glyph.height), glyph)

    def _offsets(self, text: str) -> list[int]:
        """Where each character's glyph starts, in 64ths of a pixel."""
        if not text:
            return []
        offsets, offset = [0], 0
        for first, second in itertools.pairwise(text):
            offset += self._measured(first + second) - self._measured(second)
            offsets.append(offset)
        return offsets

    def _width(self, text: str, offsets: list[int]) -> int:
        return offsets[-1] + self._measured(text[-1]) if text else 0

    def _word(self, word: str) -> int:
        if word not in self._words:
            if len(self._words) >= 1 << 16:
                self._words.clear()
            self._words[word] = self._width(word, self._offsets(word))
        return self._words[word]

    def _kerning(self, pair: str) -> int:
        return self._measured(pair) - self._measured(pair[0]) - self._measured(pair[1])

    def _measured(self, characters: str) -> int:
        if characters not in self._widths:
            self._widths[characters] = round(self.font.getlength(characters) * 64)
        return self._widths[characters]

    def _glyph(self, character: str, phase: int) -> tuple[Image.Image | None, tuple[int, int]]:
        """The glyph's coverage mask when its origin is `phase`/64 px into a pixel, and where
        the mask goes from the origin; no mask for a glyph with no ink."""
        key = (character, phase)
        if key not in self._glyphs:
            mask, offset = self.font.getmask2(character, "L", start=(phase / 64, 0))
            glyph = Image.frombytes("L", mask.size, bytes(mask)) if mask.size[0] else None
            self._glyphs[key] = glyph, offset
        return self._glyphs[key]


def _is_simple(text: str) -> bool:
    """Whether `text` lays out glyph by glyph, each after the one before (see _Face).

    The shaper kerns only within a run of one script, so text that mixes scripts is not.
    """
    scripts = {_script(character) for character in text}
    return None not in scripts and len(scripts - {""}) <= 1


@functools.cache
def _script(character: str) -> str | None:
    """The script of a letter that lays out on its own, "" for a mark of punctuation, a digit
    or a space that does, and None for a character that does not.

    Latin, Greek and Cyrillic with their extensions, general punctuation and currency signs
    lay out on their own; combining marks, and format and control characters, do not.
    """
    code = ord(character)
    category = unicodedata.category(character)
    in_blocks = code < 0x0530 or 0x1E00 <= code < 0x2070 or 0x20A0 <= code < 0x20C1
    if not in_blocks or category in _NOT_SIMPLE:
        return None
    if not category.startswith("L"):
        return ""
    if 0x0370 <= code < 0x0400 or 0x1F00 <= code < 0x2000:
        return "Greek"
    return "Cyrillic" if 0x0400 <= code < 0x0530 else "Latin"


_NOT_SIMPLE = {"Mn", "Mc", "Me", "Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}


@dataclass(frozen=True)
class _Rows:
    """Rows of a card as a piece of PNG image data: scanlines, compressed on their own."""

    deflated: bytes
    """Raw deflate data that ends on a byte boundary, so that pieces can follow each other."""
    checksum: int
    """The Adler-32 checksum of the scanlines."""
    size: int
    """How many bytes the scanlines take."""

    @classmethod
    def compress(cls, lines: bytes) -> _Rows:
        """`lines`: scanlines, each its filter type and then its pixels."""
        compressor = zlib.compressobj(3, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = compressor.compress(lines) + compressor.flush(zlib.Z_FULL_FLUSH)
        return cls(deflated, zlib.adler32(lines), len(lines))

    @classmethod
    def of(cls, image: Image.Image) -> _Rows:
        """The rows of `image`, each with filter type 0 (none)."""
        data, width = image.tobytes(), image.width
        return cls.compress(
            b"".join(b"\0" + data[start : start + width] for start in range(0, len(data), width))
        )


@functools.lru_cache(maxsize=8)
def _blank_rows(count: int) -> _Rows:
    return _Rows.compress(bytes((WIDTH + 1) * count))


_END = zlib.compressobj(3, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
"""An empty final deflate block, which closes the image data after its pieces."""


def _png(pieces: list[_Rows], palette: list[int]) -> bytes:
    """A palette PNG of WIDTH x HEIGHT from its rows, top to bottom."""
    checksum = pieces[0].checksum
    for rows in pieces[1:]:
        checksum = _adler32_combine(checksum, rows.checksum, rows.size)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0)  # 8-bit indices, palette
    image_data = b"".join([b"\x78\x5e", *(rows.deflated for rows in pieces), _END])
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(palette)),
            _chunk(b"IDAT", image_data + struct.pack(">I", checksum)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _adler32_combine(first: int, second: int, second_size: int) -> int:
    """The Adler-32 of two byte strings joined, from theirs (zlib's adler32_combine)."""
    base = 65521
    remainder = second_size % base
    low = ((first & 0xFFFF) + (second & 0xFFFF) + base - 1) % base
    high = (remainder * (first & 0xFFFF) + (first >> 16) + (second >> 16) + base - remainder) % base
    return low | (high << 16)


@functools.lru_cache(maxsize=64)
def _frame_parts(verdict_label: str, publication: str) -> tuple[_Rows, _Rows]:
    """The frame's rows above the claim and from the band down, compressed."""
    frame = _frame(verdict_label, publication)
    top = _Rows.of(frame.crop((0, 0, WIDTH, CLAIM_TOP)))
    return top, _Rows.of(frame.crop((0, BAND_TOP, WIDTH, HEIGHT)))


def _frame(verdict_label: str, publication: str) -> Image.Image:
    """A card without its claim: the verdict badge and the publication band, shared by many."""
    frame = Image.new("L", (WIDTH, HEIGHT), _BACKGROUND_RAMP)
    draw = ImageDraw.Draw(frame)

    badge_font = _font(BADGE_SIZE, "Bold")
    label = _clip(verdict_label, badge_font.getlength, WIDTH - 2 * MARGIN - BADGE_HEIGHT)
    badge_width = round(badge_font.getlength(label)) + BADGE_HEIGHT
    badge = (MARGIN, BADGE_TOP, MARGIN + badge_width, BADGE_TOP + BADGE_HEIGHT)
    draw.rounded_rectangle(badge, radius=BADGE_HEIGHT // 2, fill=_BADGE_RAMP)
    middle = BADGE_TOP + BADGE_HEIGHT // 2
    start = (MARGIN + BADGE_HEIGHT // 2, middle)
    draw.text(start, label, font=badge_font, fill=_BADGE_RAMP + RAMP_STEPS - 1, anchor="lm")

    draw.rectangle((0, BAND_TOP, WIDTH, HEIGHT), fill=_BAND_RAMP)
    band_font = _font(BAND_SIZE, "SemiBold")
    name = _clip(publication, band_font.getlength, WIDTH - 2 * MARGIN)
    band_middle = (BAND_TOP + HEIGHT) // 2
    ink = _BAND_RAMP + RAMP_STEPS - 1
    draw.text((MARGIN, band_middle), name, font=band_font, fill=ink, anchor="lm")
    return frame


class CardCache:
    """Cards on disk under a folder, by content hash; each is drawn only when first needed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def get(self, card: Card) -> Path:
        """The cached PNG of `card`, drawn and stored first if it is not there yet."""
        path = self.folder / f"{card.key()}.png"
        if not path.is_file():
            draw_cards([(path, card)])
        self.used.add(path)
        return path

    def prune(self) -> int:
        """Delete cached cards that this cache did not hand out; return how many."""
        if not self.folder.is_dir():
            return 0
        stale = [path for path in self.folder.glob("*.png") if path not in self.used]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


def build_cards(catalog: Catalog, folder: Path) -> dict[str, Path]:
    """The card of every claim, by its path in the site; cards no claim uses leave the cache."""
    cards, missing = plan_cards(catalog, folder)
    draw_cards(missing)
    prune_cards(folder, set(cards.values()))
    return cards


def plan_cards(
    catalog: Catalog, folder: Path, known: set[Path] | None = None
) -> tuple[dict[str, Path], list[tuple[Path, Card]]]:
    """Each claim's card: its path in the site and its file in the cache; and those to draw.

    Drawing is the slow part (milliseconds a card), so a build can draw the missing cards
    in another process while it does the rest (`draw_cards`). Files in `known` are taken to
    be in the cache without looking.
    """
    known = known or set()
    cards: dict[str, Path] = {}
    missing: list[tuple[Path, Card]] = []
    for claim in catalog.claims:
        card = claim_card(catalog, claim)
        path = folder / f"{card.key()}.png"
        cards[card_path(claim.id)] = path
        if path not in known and not path.is_file():
            missing.append((path, card))
    return cards, missing


def draw_cards(missing: list[tuple[Path, Card]]) -> None:
    """Draw each card into its file in the cache, atomically."""
    for path, card in missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = card_png(card.text, card.verdict_label, card.colour, card.publication)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)


def prune_cards(folder: Path, keep: set[Path]) -> None:
    """Delete the cached cards that no claim shows any more."""
    if folder.is_dir():
        for path in folder.glob("*.png"):
            if path not in keep:
                path.unlink(missing_ok=True)


def _fit_claim(text: str) -> tuple[int, list[str]]:
    """The largest size at which the claim fits its area, and its lines at that size."""
    width = WIDTH - 2 * MARGIN
    for size in CLAIM_SIZES:
        lines = _wrap(text, _face(size, "SemiBold").width, width)
        if len(lines) * round(size * 1.25) <= CLAIM_BOTTOM - CLAIM_TOP:
            return size, lines
    size = CLAIM_SIZES[-1]
    most = (CLAIM_BOTTOM - CLAIM_TOP) // round(size * 1.25)
    measure = _face(size, "SemiBold").width
    lines = _wrap(text, measure, width)
    return size, [*lines[: most - 1], _clip(" ".join(lines[most - 1 :]) + ELLIPSIS, measure, width)]


Measure = Callable[[str], float]
"""How wide a text is drawn, in pixels."""


def _wrap(text: str, measure: Measure, width: int) -> list[str]:
    """Words in lines no wider than `width`; a word wider than a line is split where it must."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while measure(line) > width:
            cut = _longest_fit(line, measure, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _longest_fit(text: str, measure: Measure, width: int, end: str = "") -> int:
    """How many leading characters of `text`, followed by `end`, fit in `width` (at least 1)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle] + end) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _clip(text: str, measure: Measure, width: int) -> str:
    """One line of `text`, cut at a word boundary with an ellipsis if it is too wide."""
    text = " ".join(text.split())
    if measure(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        shorter = " ".join(words).rstrip(",;:.") + ELLIPSIS
        if measure(shorter) <= width:
            return shorter
    return text[: _longest_fit(text, measure, width, ELLIPSIS)] + ELLIPSIS


@functools.cache
def _renderer() -> tuple[object, ...]:
    """What draws a card besides its content: the generator's code, Pillow and the font."""
    return (code_digest(), version("pillow"), version("fontpkg-noto-sans"))


@functools.cache
def _font(size: int, weight: str) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(fontpkg.path("Noto Sans")), size)
    font.set_variation_by_name(weight)
    return font


@functools.cache
def _face(size: int, weight: str) -> _Face:
    return _Face(_font(size, weight))


@functools.cache
def _palette(colour: str) -> list[int]:
    """Three ramps: text on the background, white on the badge, white on the band."""
    palette: list[int] = []
    for base, ink in ((BACKGROUND, TEXT), (colour, WHITE), (BAND, WHITE)):
        start, end = _rgb(base), _rgb(ink)
        for step in range(RAMP_STEPS):
            share = step / (RAMP_STEPS - 1)
            palette.extend(round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
    return palette


def _rgb(colour: str) -> tuple[int, int, int]:
    if len(colour) != 7 or not colour.startswith("#"):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    value = int(colour[1:], 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF
