"""Colour contrast as WCAG 2.1 defines it (success criteria 1.4.3 and 1.4.11).

The colour maths is coloraide's; this module only fixes how PRO writes colours
(``#rrggbb``) and which ratios it asks for.
"""

from coloraide import Color
import re


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Normal text needs 4.5:1; large text and interface parts 3:1.
NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0


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
