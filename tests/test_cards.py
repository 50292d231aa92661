"""Social cards: what they show, their colours, and the cache that draws each card once."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from generator import cards
from generator.load import load_catalog
from tests.conftest import GOLDEN, REPO

PUBLICATION = "Open Fact Check Desk"
LONG = "Supercalifragilisticexpialidocious" * 3
MIDDLE = cards.BADGE_TOP + cards.BADGE_HEIGHT // 2
BADGE_EDGE = (cards.MARGIN + 10, MIDDLE - 4, cards.MARGIN + 30, MIDDLE + 4)
"""Inside the badge, left of its label."""


def open_card(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def colours(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int, int]]:
    """The RGB colours used inside `box` of a card."""
    region = image.convert("RGB").crop(box)
    return {colour for _, colour in region.getcolors(maxcolors=1 << 16) or []}


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_a_card_is_a_1200_by_630_palette_png() -> None:
    data = cards.card_png("A short claim", "Confirmed", "#1b5e20", PUBLICATION)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = open_card(data)
    assert image.size == (1200, 630)
    assert image.mode == "P"


def test_the_badge_has_the_verdict_colour_and_the_band_the_site_colour() -> None:
    image = open_card(cards.card_png("A claim", "Incorrect", "#b71c1c", PUBLICATION))
    assert colours(image, BADGE_EDGE) == {rgb("#b71c1c")}
    # The badge's label is white text on the verdict colour.
    label = (cards.MARGIN, cards.BADGE_TOP, 1200 - cards.MARGIN, cards.BADGE_TOP + 76)
    assert rgb("#ffffff") in colours(image, label)
    band_edge = (0, cards.BAND_TOP, cards.MARGIN - 10, 630)
    assert colours(image, band_edge) == {rgb(cards.BAND)}


def test_each_verdict_colour_matches_the_stylesheet() -> None:
    css = (REPO / "content" / "assets" / "factcheck.css").read_text("utf-8")
    light = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    declared = dict(re.findall(r"--fc-([a-z-]+)-bg:\s*(#[0-9a-f]{6});", light))
    for rating, colour in cards.VERDICT_COLOURS.items():
        assert declared[rating] == colour, rating


def test_long_text_stays_inside_the_margins() -> None:
    image = open_card(cards.card_png(LONG[:75], LONG, "#5f4b00", LONG))
    right_margin = (1200 - cards.MARGIN + 4, 0, 1200, cards.BAND_TOP)
    assert colours(image, right_margin) == {rgb(cards.BACKGROUND)}
    band_margin = (1200 - cards.MARGIN + 4, cards.BAND_TOP, 1200, 630)
    assert colours(image, band_margin) == {rgb(cards.BAND)}
    below_claim = (0, cards.CLAIM_BOTTOM + 4, 1200, cards.BAND_TOP)
    assert colours(image, below_claim) == {rgb(cards.BACKGROUND)}


def drawn_whole(text: str, verdict_label: str, colour: str, publication: str) -> Image.Image:
    """The card drawn in one piece and saved by Pillow's own PNG encoder."""
    card = cards._frame(verdict_label, publication).copy()
    size, lines = cards._fit_claim(text)
    face = cards._face(size, "SemiBold")
    ink = cards._BACKGROUND_RAMP + cards.RAMP_STEPS - 1
    for number, line in enumerate(lines):
        face.draw(card, (cards.MARGIN, cards.CLAIM_TOP + number * round(size * 1.25)), line, ink)
    card.putpalette(cards._palette(colour))
    buffer = io.BytesIO()
    card.save(buffer, "PNG")
    return open_card(buffer.getvalue())


@pytest.mark.parametrize(
    ("text", "verdict_label", "colour"),
    [
        ("A short claim", "Confirmed", "#1b5e20"),
        ("Ünïcödé quötes “like these” — and an ellipsis… ÅÇÉ gjpqy " * 3, "Incorrect", "#b71c1c"),
        (LONG, "Misleading or imprecise", "#a43c00"),
        ("Pyongyang sent 10,000 troops to Russia's Kursk region in October", LONG, "#37474f"),
    ],
)
def test_a_card_assembled_from_its_parts_shows_the_card_drawn_whole(
    text: str, verdict_label: str, colour: str
) -> None:
    data = cards.card_png(text, verdict_label, colour, PUBLICATION)
    Image.open(io.BytesIO(data)).verify()  # every chunk's CRC and the image data's checksum
    card = open_card(data)
    expected = drawn_whole(text, verdict_label, colour, PUBLICATION)
    assert card.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


# Letters of each script the face lays out itself, with pairs that Noto Sans kerns (AV, To, Ty,
# "L'") and no "f", which starts the font's ligatures; and digits and punctuation.
SCRIPTS = ["ATVWYLoayekrsÅÇÉñøœẞỳ", "ΑΤΥΩαβάέ", "ДЖГУдиёў"]
COMMON = " .,:;'\"“”‘’«»–—…()?!0123456789€%/-"
QUOTATION_MARKS = "'\"“”‘’«»"


def drawn_by_pillow(text: str, size: int) -> Image.Image:
    image = Image.new("L", (2 * cards.WIDTH, 2 * size), 0)
    ImageDraw.Draw(image).text((3, 0), text, font=cards._font(size, "SemiBold"), fill=15)
    return image


def drawn_by_face(text: str, size: int) -> Image.Image:
    image = Image.new("L", (2 * cards.WIDTH, 2 * size), 0)
    cards._face(size, "SemiBold").draw(image, (3, 0), text, 15)
    return image


@given(
    st.sampled_from(SCRIPTS).flatmap(lambda letters: st.text(letters + COMMON, max_size=40)),
    st.sampled_from(cards.CLAIM_SIZES),
)
def test_text_drawn_a_glyph_at_a_time_looks_as_pillow_draws_it(text: str, size: int) -> None:
    assert cards._is_simple(text)
    expected, drawn = drawn_by_pillow(text, size).tobytes(), drawn_by_face(text, size).tobytes()
    differences = [abs(a - b) for a, b in zip(expected, drawn, strict=True) if a != b]
    # Only where two glyphs' ink overlaps, by one step of the ramp.
    assert max(differences, default=0) <= 1
    assert len(differences) <= 8
    # Kerned differently only around some quotation marks (see cards._Face).
    marks = sum(text.count(mark) for mark in QUOTATION_MARKS)
    assert abs(cards._face(size, "SemiBold").width(text) - pillow_width(text, size)) <= marks


def pillow_width(text: str, size: int) -> float:
    return cards._font(size, "SemiBold").getlength(text)


def test_a_sentence_is_drawn_a_glyph_at_a_time_and_measured_as_pillow_measures_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentence = "Pyongyang sent “up to 12,000” troops to Russia's Kursk region, Seoul's NIS said."
    for size in cards.CLAIM_SIZES:
        assert cards._face(size, "SemiBold").width(sentence) == pillow_width(sentence, size)
    expected = drawn_by_pillow(sentence, 64)
    monkeypatch.setattr(ImageDraw.ImageDraw, "text", None)  # Pillow must not draw it
    assert ImageChops.difference(drawn_by_face(sentence, 64), expected).getextrema()[1] <= 1


@pytest.mark.parametrize(
    "text",
    [
        "\u0645\u0631\u062d\u0628\u0627 Arabic",  # right to left, joined letters
        "Cafe\u0301 with a combining accent",
        "soft\u00adhyphen and zero\u200bwidth space",
        "A\u2018\u0391 \u0416",  # kerned only within a run of one script
        "0\u201co\u201d",  # a digit and quotation marks in runs of their own
    ],
)
def test_text_that_needs_shaping_is_drawn_by_pillow(text: str) -> None:
    assert drawn_by_face(text, 64).tobytes() == drawn_by_pillow(text, 64).tobytes()


@given(st.binary(max_size=300), st.binary(max_size=70_000))
def test_checksums_of_joined_rows_match_zlib(first: bytes, second: bytes) -> None:
    combined = cards._adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second))
    assert combined == zlib.adler32(first + second)


def test_the_same_card_gives_the_same_bytes_and_any_change_shows() -> None:
    same = cards.card_png("A claim", "Unproven", "#5f4b00", PUBLICATION)
    assert same == cards.card_png("A claim", "Unproven", "#5f4b00", PUBLICATION)
    for changed in (
        ("A claim!", "Unproven", "#5f4b00", PUBLICATION),
        ("A claim", "Unproven?", "#5f4b00", PUBLICATION),
        ("A claim", "Unproven", "#b71c1c", PUBLICATION),
        ("A claim", "Unproven", "#5f4b00", "Another Desk"),
    ):
        assert cards.card_png(*changed) != same, changed


def test_the_cache_draws_a_card_once_and_again_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    draw = cards.card_png

    def counting(text: str, label: str, colour: str, publication: str) -> bytes:
        drawn.append(text)
        return draw(text, label, colour, publication)

    monkeypatch.setattr(cards, "card_png", counting)
    card = cards.Card("A claim", "Confirmed", "#1b5e20", PUBLICATION)
    first = cards.CardCache(tmp_path).get(card)
    again = cards.CardCache(tmp_path).get(card)
    assert first == again
    assert drawn == ["A claim"]
    edited = cards.Card("An edited claim", "Confirmed", "#1b5e20", PUBLICATION)
    cards.CardCache(tmp_path).get(edited)
    assert drawn == ["A claim", "An edited claim"]
    monkeypatch.setattr(cards, "code_digest", lambda: "another version of the generator")
    cards._renderer.cache_clear()
    try:
        cards.CardCache(tmp_path).get(card)
    finally:
        cards._renderer.cache_clear()
    assert drawn == ["A claim", "An edited claim", "A claim"]


def test_building_cards_keeps_only_the_cards_in_use(tmp_path: Path) -> None:
    catalog = load_catalog(GOLDEN / "claims.yaml")
    stale = cards.CardCache(tmp_path).get(cards.Card("Gone", "Confirmed", "#1b5e20", "X"))
    built = cards.build_cards(catalog, tmp_path)
    assert sorted(built) == sorted(f"cards/{claim.id}.png" for claim in catalog.claims)
    assert not stale.exists()
    assert sorted(tmp_path.glob("*.png")) == sorted(built.values())
    volunteers = open_card(built["cards/volunteers-500.png"].read_bytes())
    # "False", a rating the stylesheet does not colour, gets the neutral colour.
    assert colours(volunteers, BADGE_EDGE) == {rgb(cards.NEUTRAL_COLOUR)}


def test_the_built_site_publishes_each_claims_card(fixture_site: Path) -> None:
    catalog = load_catalog(GOLDEN / "claims.yaml")
    for claim in catalog.claims:
        image = Image.open(fixture_site / "cards" / f"{claim.id}.png")
        assert image.size == (1200, 630), claim.id
