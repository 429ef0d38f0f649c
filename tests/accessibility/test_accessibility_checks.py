"""The HTML checks on their own: what each finds, where, and how bad."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pro.accessibility.checks import check_html
from pro.accessibility.checks import check_link_text
from pro.accessibility.checks import check_text
from pro.accessibility.checks import ERROR
from pro.accessibility.checks import Finding
from pro.accessibility.checks import WARNING
import pytest


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.code, finding.severity) for finding in findings]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p><img src="kaart.png"></p>', [("image-alt-missing", ERROR)]),
        (
            '<p><img src="kaart.png" alt="IMG_2041.JPG"></p>',
            [("image-alt-file-name", WARNING)],
        ),
        ('<p><a href="/x">klik hier</a></p>', [("link-vague", ERROR)]),
        ('<p><a href="/x">Lees meer…</a></p>', [("link-vague", ERROR)]),
        ('<p><a href="/x"> Hier. </a></p>', [("link-vague", ERROR)]),
        ('<p><a href="/x">Read more</a></p>', [("link-vague", ERROR)]),
        ('<p><a href="/x">Click <b>here</b></a></p>', [("link-vague", ERROR)]),
        (
            '<p><a href="https://a.nl/b">https://a.nl/b</a></p>',
            [("link-bare-url", WARNING)],
        ),
        ('<p><a href="https://a.nl">www.a.nl</a></p>', [("link-bare-url", WARNING)]),
        ('<p><a href="/x"></a></p>', [("link-empty", ERROR)]),
        ('<p><a href="/x"> <span></span> </a></p>', [("link-empty", ERROR)]),
        (
            '<p><a href="/x"><img src="a.png" alt=""></a></p>',
            [("link-empty", ERROR)],
        ),
        ("<h2></h2>", [("heading-empty", ERROR)]),
        ("<h2> <br> </h2>", [("heading-empty", ERROR)]),
        ("<h3>Te diep</h3>", [("heading-skipped-level", WARNING)]),
        ("<h2>Een</h2><h4>Drie</h4>", [("heading-skipped-level", WARNING)]),
        (
            "<table><tr><td>Jaar</td><td>Aantal</td></tr></table>",
            [("table-no-headers", ERROR)],
        ),
        (
            "<p>LET OP: DE DIJK IS VANDAAG GESLOTEN</p>",
            [("text-in-capitals", WARNING)],
        ),
        (
            "<ul><li><p>LET OP: DE DIJK IS VANDAAG GESLOTEN</p></li></ul>",
            [("text-in-capitals", WARNING)],
        ),
    ],
)
def test_a_problem_is_found_with_its_severity(html, expected):
    assert codes(check_html(html, "text")) == expected


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<p>Gewone tekst met <a href='/jaarverslag'>het jaarverslag 2025</a>.</p>",
        '<p><img src="lijn.png" alt=""></p>',
        '<p><img src="kaart.png" alt="Kaart van de dijken langs de Maas"></p>',
        '<p><a href="/x" aria-label="Jaarverslag 2025">lees meer</a></p>',
        '<p><a href="/x"><img src="logo.png" alt="Naar de startpagina"></a></p>',
        '<p><a name="boven"></a>Een anker om naartoe te springen.</p>',
        "<h2>Een</h2><h3>Twee</h3><h2>Weer een</h2><h3>En nog</h3>",
        "<table><tr><th>Jaar</th></tr><tr><td>2025</td></tr></table>",
        "<table role='presentation'><tr><td>opmaak</td></tr></table>",
        "<p>De NVWA en de RDW en de KNMI</p>",
        "<p>Een zin met AFKORTINGEN als WCAG en EN 301 549.</p>",
        "<!-- alleen een opmerking -->",
    ],
)
def test_text_without_problems_gives_no_findings(html):
    assert check_html(html, "text") == []


def test_a_finding_says_where_it_is_and_quotes_the_text():
    html = "<p>Zie</p><p><a href='/verslag'>klik hier</a></p><h2></h2>"

    link, heading = check_html(html, "summary")

    assert (link.field, link.excerpt, link.criterion) == (
        "summary",
        "klik hier",
        "2.4.4",
    )
    assert (heading.field, heading.excerpt) == ("summary", "h2")


def test_an_empty_link_is_placed_by_its_target():
    (finding,) = check_html('<a href="/contact/formulier"></a>', "text")

    assert finding.excerpt == "/contact/formulier"


@pytest.mark.parametrize(
    "html",
    [f"<p>{'LEES DIT ' * 30}</p>", f"<h4>{'Een lange kop ' * 10}</h4>"],
)
def test_a_long_excerpt_is_cut_short(html):
    (finding,) = check_html(html, "text")

    assert len(finding.excerpt) == 80
    assert finding.excerpt.endswith("…")


def test_headings_below_a_block_heading_start_one_deeper():
    assert check_html("<h3>Onder het blok</h3>", "text", heading_level=2) == []
    assert codes(check_html("<h4>Te diep</h4>", "text", heading_level=2)) == [
        ("heading-skipped-level", WARNING)
    ]


def test_every_message_reads_in_dutch_and_english():
    (finding,) = check_html('<a href="/x">lees meer</a>', "text")

    message = finding.as_json()["message"]

    assert "lees meer" in message["en"] and "does not say where" in message["en"]
    assert "lees meer" in message["nl"] and "zegt niet waar" in message["nl"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DIT IS EEN TITEL IN HOOFDLETTERS", [("text-in-capitals", WARNING)]),
        ("Dit is een gewone titel", []),
        ("EU EN NL", []),
        ("", []),
    ],
)
def test_plain_text_is_checked_for_capitals(text, expected):
    assert codes(check_text(text, "title")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lees meer", [("link-vague", ERROR)]),
        ("", [("link-empty", ERROR)]),
        ("Vraag subsidie aan", []),
    ],
)
def test_a_button_text_is_checked_as_a_link(text, expected):
    assert codes(check_link_text(text, "link")) == expected


HTML_PIECES = st.sampled_from(
    [
        "<a href='x'>",
        "</a>",
        "<a>",
        "<img src='a'>",
        "<img alt=''>",
        "<h1>",
        "<h6>",
        "</h2>",
        "<table>",
        "<th>",
        "<td>",
        "</table>",
        "<p>",
        "</p>",
        "<!--",
        "-->",
        "<![CDATA[",
        "<?xml version='1.0'?>",
        "<!DOCTYPE html>",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "<svg><a xlink:href='x'>",
        "<math>",
        "klik hier",
        "HOOFDLETTERS",
        " ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(HTML_PIECES, st.text(max_size=20)), max_size=30).map("".join),
    st.integers(min_value=1, max_value=6),
)
def test_the_checker_never_fails_on_any_html(html, level):
    findings = check_html(html, "text", heading_level=level)
    findings += check_text(html, "title") + check_link_text(html, "link")

    assert all(finding.severity in (ERROR, WARNING) for finding in findings)
    assert all(len(finding.excerpt) <= 80 for finding in findings)
