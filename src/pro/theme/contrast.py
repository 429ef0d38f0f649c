"""Colour contrast as WCAG 2.1 defines it (success criteria 1.4.3 and 1.4.11).

Small enough to write here: the formula is fixed by the standard, and a
dependency for two functions would be heavier than the code.
"""

import re


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Normal text needs 4.5:1; large text and interface parts 3:1.
NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``"#154273"`` as ``(21, 66, 115)``.

    :raises ValueError: when ``colour`` is not written as ``#rrggbb``.
    """
    if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
        raise ValueError(f"{colour!r} is not a colour written as #rrggbb")
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """The contrast between two colours, from 1.0 (none) to 21.0 (black on white)."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
