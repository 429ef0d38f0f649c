"""The nearest passing colour keeps the hue and changes the lightness least."""

from coloraide import Color
from pro.theme.contrast import contrast_ratio
from pro.theme.contrast import LARGE_TEXT
from pro.theme.contrast import nearest_passing
from pro.theme.contrast import NORMAL_TEXT
from pro.theme.contrast import shade
import pytest


WHITE = "#ffffff"
DARK = "#1a1a1a"


def hue(colour: str) -> float:
    return Color(colour).convert("oklch")["hue"]


def lightness(colour: str) -> float:
    return Color(colour).convert("oklch")["lightness"]


@pytest.mark.parametrize(
    ("colour", "text"),
    [
        ("#ffdd00", WHITE),
        ("#7fa8d1", WHITE),
        ("#3cb371", WHITE),
        ("#ff0000", WHITE),
        ("#333333", DARK),
        ("#7a2e5c", DARK),
        ("#154273", DARK),
    ],
)
def test_nearest_passing_colour_passes_with_the_same_hue(colour, text):
    nearest = nearest_passing(colour, text)

    assert contrast_ratio(text, nearest) >= NORMAL_TEXT
    if Color(colour).convert("oklch")["chroma"] > 0.02:
        assert hue(nearest) == pytest.approx(hue(colour), abs=4)
    if text == WHITE:
        assert lightness(nearest) < lightness(colour)
    else:
        assert lightness(nearest) > lightness(colour)


def test_nearest_passing_colour_is_the_nearest():
    nearest = nearest_passing("#7fa8d1", WHITE)
    # One step lighter in #rrggbb no longer passes.
    lighter = shade(nearest, 0.01)

    assert contrast_ratio(WHITE, lighter) < NORMAL_TEXT


def test_a_passing_colour_is_its_own_nearest():
    assert nearest_passing("#154273", WHITE) == "#154273"


def test_large_text_asks_less():
    normal = nearest_passing("#ffdd00", WHITE, NORMAL_TEXT)
    large = nearest_passing("#ffdd00", WHITE, LARGE_TEXT)

    assert lightness(large) > lightness(normal)
    assert contrast_ratio(WHITE, large) >= LARGE_TEXT


def test_no_colour_passes_under_mid_grey_text():
    assert nearest_passing("#777777", "#777777") is None
