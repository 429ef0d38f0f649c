"""Colour contrast as WCAG 2.1 defines it (success criteria 1.4.3 and 1.4.11).

The colour maths is coloraide's; this module only fixes how PRO writes colours
(``#rrggbb``), which ratios it asks for, and how it finds a passing colour for
one that fails.
"""

from coloraide import Color
import re


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Normal text needs 4.5:1; large text and interface parts 3:1.
NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0

# Halving the lightness range this often gets below one step of #rrggbb.
SEARCH_STEPS = 24


def parse_hex(colour: str) -> Color:
    """``"#154273"`` as a colour.

    :raises ValueError: when ``colour`` is not written as ``#rrggbb``.
    """
    if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
        raise ValueError(f"{colour!r} is not a colour written as #rrggbb")
    return Color(colour)


def contrast_ratio(foreground: str, background: str) -> float:
    """The contrast between two colours, from 1.0 (none) to 21.0 (black on white)."""
    return parse_hex(foreground).contrast(parse_hex(background), method="wcag21")


def passes(foreground: str, background: str, minimum: float = NORMAL_TEXT) -> bool:
    """Whether text in ``foreground`` on ``background`` reaches ``minimum``."""
    return contrast_ratio(foreground, background) >= minimum


def nearest_passing(
    colour: str, text_colour: str, minimum: float = NORMAL_TEXT
) -> str | None:
    """The colour of the same hue nearest to ``colour`` on which ``text_colour``
    reaches ``minimum``, as ``#rrggbb``; ``colour`` itself when it passes.

    Only the lightness changes, in OKLCh, where equal steps look equal and the
    hue stays what the editor chose; chroma is reduced only as far as sRGB
    needs. The lightness moves away from the text colour (darker under light
    text, lighter under dark text), by bisection to the smallest change that
    passes after rounding to ``#rrggbb``.

    :returns: None when no colour of that hue passes, which happens only for
        text colours in the middle of the lightness range.
    """
    base = parse_hex(colour).convert("oklch")
    if passes(text_colour, colour, minimum):
        return _hex(base)
    text_lightness = parse_hex(text_colour).convert("oklch")["lightness"]
    limit = 0.0 if text_lightness > base["lightness"] else 1.0
    if not passes(text_colour, _hex(base.clone().set("lightness", limit)), minimum):
        return None

    near, far = base["lightness"], limit
    for _step in range(SEARCH_STEPS):
        middle = (near + far) / 2
        if passes(text_colour, _hex(base.clone().set("lightness", middle)), minimum):
            far = middle
        else:
            near = middle
    return _hex(base.clone().set("lightness", far))


def shade(colour: str, lightness_change: float) -> str:
    """``colour`` made lighter (positive) or darker (negative) in OKLCh lightness,
    the hue kept; used for hover and border tints of a site's colours."""
    oklch = parse_hex(colour).convert("oklch")
    lightness = min(1.0, max(0.0, oklch["lightness"] + lightness_change))
    return _hex(oklch.set("lightness", lightness))


def _hex(colour: Color) -> str:
    return colour.convert("srgb").fit("srgb").to_string(hex=True)
