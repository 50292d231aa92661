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
own (see _png).

A card is stored under a hash of exactly what it shows, plus the renderer's version, so an
unchanged claim costs a hash and a file check on the next build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import fontpkg
from PIL import Image, ImageDraw, ImageFont

from generator.model import Catalog, Claim

RENDERER_VERSION = 2
"""Raise this whenever the drawing code changes, so that cached cards are drawn again."""
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
    # rows, between the top of the frame and its band, are drawn for each card.
    claim = Image.new("L", (WIDTH, BAND_TOP - CLAIM_TOP), _BACKGROUND_RAMP)
    draw = ImageDraw.Draw(claim)
    size, lines = _fit_claim(text)
    claim_font = _font(size, "SemiBold")
    step = round(size * 1.25)
    ink = _BACKGROUND_RAMP + RAMP_STEPS - 1
    for number, line in enumerate(lines):
        draw.text((MARGIN, number * step), line, font=claim_font, fill=ink)
    top, bottom = _frame_parts(verdict_label, publication)
    return _png(top, _Rows.compress(claim, is_last=False), bottom, _palette(colour))


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
    def compress(cls, image: Image.Image, *, is_last: bool) -> _Rows:
        data, width = image.tobytes(), image.width
        # Each scanline starts with its filter type: 0, none.
        lines = b"".join(
            b"\0" + data[start : start + width] for start in range(0, len(data), width)
        )
        compressor = zlib.compressobj(3, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = compressor.compress(lines)
        deflated += compressor.flush(zlib.Z_FINISH if is_last else zlib.Z_FULL_FLUSH)
        return cls(deflated, zlib.adler32(lines), len(lines))


def _png(top: _Rows, middle: _Rows, bottom: _Rows, palette: list[int]) -> bytes:
    """A palette PNG of WIDTH x HEIGHT from its rows, top to bottom."""
    checksum = top.checksum
    for rows in (middle, bottom):
        checksum = _adler32_combine(checksum, rows.checksum, rows.size)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0)  # 8-bit indices, palette
    image_data = b"\x78\x5e" + top.deflated + middle.deflated + bottom.deflated
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
    top = _Rows.compress(frame.crop((0, 0, WIDTH, CLAIM_TOP)), is_last=False)
    return top, _Rows.compress(frame.crop((0, BAND_TOP, WIDTH, HEIGHT)), is_last=True)


def _frame(verdict_label: str, publication: str) -> Image.Image:
    """A card without its claim: the verdict badge and the publication band, shared by many."""
    frame = Image.new("L", (WIDTH, HEIGHT), _BACKGROUND_RAMP)
    draw = ImageDraw.Draw(frame)

    badge_font = _font(BADGE_SIZE, "Bold")
    label = _clip(verdict_label, badge_font, WIDTH - 2 * MARGIN - BADGE_HEIGHT)
    badge_width = round(badge_font.getlength(label)) + BADGE_HEIGHT
    badge = (MARGIN, BADGE_TOP, MARGIN + badge_width, BADGE_TOP + BADGE_HEIGHT)
    draw.rounded_rectangle(badge, radius=BADGE_HEIGHT // 2, fill=_BADGE_RAMP)
    middle = BADGE_TOP + BADGE_HEIGHT // 2
    start = (MARGIN + BADGE_HEIGHT // 2, middle)
    draw.text(start, label, font=badge_font, fill=_BADGE_RAMP + RAMP_STEPS - 1, anchor="lm")

    draw.rectangle((0, BAND_TOP, WIDTH, HEIGHT), fill=_BAND_RAMP)
    band_font = _font(BAND_SIZE, "SemiBold")
    name = _clip(publication, band_font, WIDTH - 2 * MARGIN)
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
        lines = _wrap(text, _font(size, "SemiBold"), width)
        if len(lines) * round(size * 1.25) <= CLAIM_BOTTOM - CLAIM_TOP:
            return size, lines
    size = CLAIM_SIZES[-1]
    most = (CLAIM_BOTTOM - CLAIM_TOP) // round(size * 1.25)
    font = _font(size, "SemiBold")
    lines = _wrap(text, font, width)
    return size, [*lines[: most - 1], _clip(" ".join(lines[most - 1 :]) + ELLIPSIS, font, width)]


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Words in lines no wider than `width`; a word wider than a line is split where it must.

    A line's width is the sum of its words' and spaces' widths, each measured once: measuring
    every candidate line was most of the cost of a card.
    """
    space = _width(font, " ")
    lines: list[str] = []
    line, line_width = "", 0.0
    for word in text.split():
        word_width = _width(font, word)
        candidate_width = line_width + space + word_width if line else word_width
        if candidate_width <= width:
            line = f"{line} {word}" if line else word
            line_width = candidate_width
            continue
        if line:
            lines.append(line)
        line, line_width = word, word_width
        while line_width > width:
            cut = _longest_fit(line, font, width)
            lines.append(line[:cut])
            line = line[cut:]
            line_width = font.getlength(line)
    if line:
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=100_000)
def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


def _longest_fit(text: str, font: ImageFont.FreeTypeFont, width: int, end: str = "") -> int:
    """How many leading characters of `text`, followed by `end`, fit in `width` (at least 1)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle] + end) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _clip(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """One line of `text`, cut at a word boundary with an ellipsis if it is too wide."""
    text = " ".join(text.split())
    if font.getlength(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        shorter = " ".join(words).rstrip(",;:.") + ELLIPSIS
        if font.getlength(shorter) <= width:
            return shorter
    return text[: _longest_fit(text, font, width, ELLIPSIS)] + ELLIPSIS


@functools.cache
def _renderer() -> tuple[object, ...]:
    """What draws a card besides its content: this module's version, Pillow's and the font's."""
    return (RENDERER_VERSION, version("pillow"), version("fontpkg-noto-sans"))


@functools.cache
def _font(size: int, weight: str) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(fontpkg.path("Noto Sans")), size)
    font.set_variation_by_name(weight)
    return font


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
