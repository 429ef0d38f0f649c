"""Colour contrast follows WCAG 2.1's formula."""

from pro.theme.contrast import contrast_ratio
import pytest


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        # The worked example of WCAG's understanding document for 1.4.3.
        ("#767676", "#ffffff", 4.54),
        ("#ffffff", "#154273", 10.2),
    ],
)
def test_contrast_ratio_matches_wcag(foreground, background, ratio):
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", None, "#1234567"])
def test_colours_are_written_as_six_hex_digits(colour):
    with pytest.raises(ValueError):
        contrast_ratio(colour, "#ffffff")
