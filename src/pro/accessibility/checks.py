"""Accessibility checks of what editors write, run while they edit.

:func:`check_html` looks at one piece of rich text, :func:`check_content` at a
whole item: its rich-text fields, the texts and images of a landing page's
blocks, and whether a publication offers more than a PDF. Both are pure: they
read, never write, and answer a list of :class:`Finding`.

These are the checks an editor can act on in the text they wrote (WCAG 2.1
success criteria 1.1.1, 1.3.1, 2.4.4, 2.4.6 and the Dutch guidance on
capitals and PDF-only documents). axe-core checks rendered pages in the
browser; it cannot run on the server, and it does not know which field of
which item a problem came from, which is what an editor needs to fix it. So
this module is written by hand on lxml's parser.

An *error* is a failure of a success criterion and stops publication; a
*warning* is likely to hinder someone but needs the editor's judgement.
"""

from dataclasses import dataclass
from lxml import etree
from lxml import html as lxml_html
from plone.app.textfield.interfaces import IRichText
from plone.app.textfield.interfaces import IRichTextValue
from plone.dexterity.utils import iterSchemata
from pro import _
from pro.landing.content import IPageBlock
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.schema import getFieldsInOrder
import re


ERROR = "error"
WARNING = "warning"

# Link texts that say nothing about where a link leads once read on their own,
# as screen-reader users often do from a list of the page's links.
VAGUE_LINK_TEXTS = frozenset(
    {
        "hier",
        "klik hier",
        "klik",
        "lees meer",
        "lees verder",
        "meer",
        "meer info",
        "meer informatie",
        "link",
        "deze link",
        "here",
        "click here",
        "click",
        "read more",
        "more",
        "more info",
        "learn more",
        "this link",
    }
)
BARE_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
FILE_NAME = re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|gif|svg|webp|tiff?|bmp)$", re.I)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Elements whose own text is checked for capitals, each on its own.
TEXT_BLOCKS = (*HEADINGS, "p", "li", "td", "th", "caption", "blockquote", "dd", "dt")
# Capitals are a problem from a sentence on, not for an acronym or two.
CAPITALS_MIN_WORDS = 4
CAPITALS_MIN_LETTERS = 15
EXCERPT_LENGTH = 80
# Characters XML cannot hold (lxml refuses them) and that no editor means.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The file formats a visitor can open without a PDF reader's accessibility.
PDF_TYPES = frozenset({"application/pdf"})
PAGE_TITLE_LEVEL = 1
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Finding:
    """One problem: what it is, how bad, and where the editor finds it.

    ``field`` names the field (``"text"``, or ``"Welkom › image"`` for a
    landing page's block), ``excerpt`` quotes the text at fault.
    """

    code: str
    severity: str
    message: Message
    field: str
    excerpt: str = ""
    criterion: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def text(self, language: str) -> str:
        """The message in ``language`` (``"nl"`` or ``"en"``)."""
        return translate(self.message, target_language=language)

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "excerpt": self.excerpt,
            "criterion": self.criterion,
            "message": {language: self.text(language) for language in LANGUAGES},
        }


def check_html(
    html: str, field: str, heading_level: int = PAGE_TITLE_LEVEL
) -> list[Finding]:
    """The problems in one piece of rich text.

    :param html: the HTML an editor wrote, of any quality.
    :param field: the name of the field it comes from, for the findings.
    :param heading_level: the level of the heading the text sits under (the
        page's title is level 1), so the text's first heading should be one
        deeper.
    :returns: the findings in document order; an empty list for empty text.
    """
    root = _parse(html)
    if root is None:
        return []
    findings = []
    findings += _check_images(root, field)
    findings += _check_links(root, field)
    findings += _check_headings(root, field, heading_level)
    findings += _check_tables(root, field)
    findings += _check_capitals(root, field)
    return findings


def check_text(text: str, field: str) -> list[Finding]:
    """The problems in a plain-text field (a title, a block's text)."""
    if _is_in_capitals(text or ""):
        return [_capitals(field, text)]
    return []


def check_link_text(text: str, field: str) -> list[Finding]:
    """The problems of a button's or link's text kept in a field of its own."""
    return _link_text_findings(" ".join((text or "").split()), field)


def check_content(obj) -> list[Finding]:
    """Every problem of one content item, the blocks of a landing page included.

    Reads the title and description, every rich-text field of the item's
    schemas, the images, texts and buttons of page blocks, the files of a
    publication and the title of an image item.
    """
    if IPageBlock.providedBy(obj):
        return _check_block(obj)
    findings = check_text(obj.Title(), "title")
    findings += check_text(obj.Description(), "description")
    findings += _check_rich_text_fields(obj, prefix="")
    if obj.portal_type == "LandingPage":
        for block in obj.objectValues():
            if IPageBlock.providedBy(block):
                findings += _check_block(block)
    if obj.portal_type == "Publication":
        findings += _check_publication_files(obj)
    if obj.portal_type == "Image":
        findings += _check_image_title(obj)
    return findings


def _parse(html: str):
    html = CONTROL_CHARACTERS.sub("", html or "")
    if not html.strip():
        return None
    try:
        return lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        # lxml gives up on some inputs (nothing but a comment, say); there is
        # then nothing a visitor would see either.
        return None


def _check_images(root, field: str) -> list[Finding]:
    findings = []
    for image in root.iter("img"):
        alt = image.get("alt")
        source = image.get("src", "")
        if alt is None:
            findings.append(
                Finding(
                    "image-alt-missing",
                    ERROR,
                    _(
                        "a11y_image_alt_missing",
                        default="An image has no alternative text. Describe "
                        "what it shows, or mark it decorative with an empty "
                        "alternative text.",
                    ),
                    field,
                    _excerpt(source),
                    "1.1.1",
                )
            )
        elif FILE_NAME.match(alt.strip()):
            findings.append(
                Finding(
                    "image-alt-file-name",
                    WARNING,
                    _(
                        "a11y_image_alt_file_name",
                        default="The alternative text of an image is a file "
                        "name. Describe what the image shows.",
                    ),
                    field,
                    _excerpt(alt),
                    "1.1.1",
                )
            )
    return findings


def _check_links(root, field: str) -> list[Finding]:
    findings = []
    for link in root.iter("a"):
        if link.get("href") is None:
            continue  # an anchor to link to, not a link
        findings += _link_text_findings(_accessible_name(link), field, link.get("href"))
    return findings


def _link_text_findings(name: str, field: str, target: str = "") -> list[Finding]:
    if not name:
        return [
            Finding(
                "link-empty",
                ERROR,
                _(
                    "a11y_link_empty",
                    default="A link has no text. Give it a text that says "
                    "where it leads.",
                ),
                field,
                _excerpt(target),
                "2.4.4",
            )
        ]
    if name.lower().strip(" .:!?…>»") in VAGUE_LINK_TEXTS:
        return [
            Finding(
                "link-vague",
                ERROR,
                _(
                    "a11y_link_vague",
                    default="The link text '${text}' does not say where the "
                    "link leads. Name the destination, for example 'Annual "
                    "report 2025'.",
                    mapping={"text": _excerpt(name)},
                ),
                field,
                _excerpt(name),
                "2.4.4",
            )
        ]
    if BARE_URL.match(name):
        return [
            Finding(
                "link-bare-url",
                WARNING,
                _(
                    "a11y_link_bare_url",
                    default="A web address is used as link text; screen "
                    "readers read it out character by character. Name the "
                    "destination instead.",
                ),
                field,
                _excerpt(name),
                "2.4.4",
            )
        ]
    return []


def _accessible_name(element) -> str:
    """The text a screen reader announces for ``element``: its aria-label,
    else its text with the alternative texts of the images inside it."""
    label = (element.get("aria-label") or "").strip()
    if label:
        return " ".join(label.split())
    parts = [element.text or ""]
    for node in element.iterdescendants():
        if node.tag == "img":
            parts.append(node.get("alt") or "")
        elif isinstance(node.tag, str):
            parts.append(node.text or "")
        parts.append(node.tail or "")
    return " ".join(" ".join(parts).split())


def _check_headings(root, field: str, heading_level: int) -> list[Finding]:
    findings = []
    previous = heading_level
    for heading in root.iter(*HEADINGS):
        level = int(heading.tag[1])
        name = _accessible_name(heading)
        if not name:
            findings.append(
                Finding(
                    "heading-empty",
                    ERROR,
                    _(
                        "a11y_heading_empty",
                        default="A heading has no text. Remove it or give it "
                        "a text; use spacing in the layout, not empty "
                        "headings.",
                    ),
                    field,
                    heading.tag,
                    "1.3.1",
                )
            )
            continue
        if level > previous + 1:
            findings.append(
                Finding(
                    "heading-skipped-level",
                    WARNING,
                    _(
                        "a11y_heading_skipped_level",
                        default="The heading '${text}' is at level ${level} "
                        "after level ${previous}. Use heading levels in "
                        "order, without skipping one.",
                        mapping={
                            "text": _excerpt(name),
                            "level": str(level),
                            "previous": str(previous),
                        },
                    ),
                    field,
                    _excerpt(f"{heading.tag}: {name}"),
                    "1.3.1",
                )
            )
        previous = level
    return findings


def _check_tables(root, field: str) -> list[Finding]:
    findings = []
    for table in root.iter("table"):
        if table.get("role") in ("presentation", "none"):
            continue
        if next(table.iter("th"), None) is None:
            findings.append(
                Finding(
                    "table-no-headers",
                    ERROR,
                    _(
                        "a11y_table_no_headers",
                        default="A table has no header cells. Mark the cells "
                        "of the first row or column as headers.",
                    ),
                    field,
                    _excerpt(table.text_content()),
                    "1.3.1",
                )
            )
    return findings


def _check_capitals(root, field: str) -> list[Finding]:
    findings = []
    for block in root.iter(*TEXT_BLOCKS):
        if any(parent.tag in TEXT_BLOCKS for parent in block.iterancestors()):
            continue  # checked with the block around it
        text = " ".join(block.text_content().split())
        if _is_in_capitals(text):
            findings.append(_capitals(field, text))
    return findings


def _is_in_capitals(text: str) -> bool:
    letters = [character for character in text if character.isalpha()]
    words = [word for word in text.split() if any(c.isalpha() for c in word)]
    return (
        len(words) >= CAPITALS_MIN_WORDS
        and len(letters) >= CAPITALS_MIN_LETTERS
        and all(character.isupper() for character in letters)
    )


def _capitals(field: str, text: str) -> Finding:
    return Finding(
        "text-in-capitals",
        WARNING,
        _(
            "a11y_text_in_capitals",
            default="Text set entirely in capitals is hard to read and some "
            "screen readers spell it out. Write it in ordinary case.",
        ),
        field,
        _excerpt(text),
        "3.1.5",
    )


def _check_rich_text_fields(obj, prefix: str, heading_level=PAGE_TITLE_LEVEL):
    findings = []
    for name, value in _rich_text_values(obj):
        if value.mimeType != "text/html":
            continue
        findings += check_html(value.raw, f"{prefix}{name}", heading_level)
    return findings


def _rich_text_values(obj):
    seen = set()
    for schema in iterSchemata(obj):
        for name, field in getFieldsInOrder(schema):
            if name in seen or not IRichText.providedBy(field):
                continue
            seen.add(name)
            value = getattr(obj, name, None)
            if IRichTextValue.providedBy(value):
                yield name, value


def _check_block(block) -> list[Finding]:
    """A page block's problems, each placed by the block's heading."""
    prefix = f"{block.Title() or block.getId()} › "
    findings = check_text(block.Title(), f"{prefix}title")
    # A block's heading is an h2 of the landing page.
    level = 2 if block.Title() else PAGE_TITLE_LEVEL
    findings += _check_rich_text_fields(block, prefix, level)
    text = getattr(block, "text", None)
    if isinstance(text, str):
        findings += check_text(text, f"{prefix}text")
    if getattr(block, "link_url", None):
        findings += check_link_text(getattr(block, "link_text", ""), f"{prefix}link")
    if getattr(block, "image", None) and not _has_alternative(block):
        findings.append(
            Finding(
                "image-alt-missing",
                ERROR,
                _(
                    "a11y_block_image_alt_missing",
                    default="The block's image has no alternative text. "
                    "Describe what it shows, or tick that it is decorative.",
                ),
                f"{prefix}image",
                getattr(block.image, "filename", "") or "",
                "1.1.1",
            )
        )
    return findings


def _has_alternative(block) -> bool:
    return bool(
        getattr(block, "image_decorative", False)
        or (getattr(block, "image_alt", "") or "").strip()
    )


def _check_image_title(image) -> list[Finding]:
    # Plone shows an image item's title as its alternative text.
    if not FILE_NAME.match(image.Title().strip()):
        return []
    return [
        Finding(
            "image-alt-file-name",
            WARNING,
            _(
                "a11y_image_title_file_name",
                default="The image's title is a file name, and visitors who "
                "cannot see the image hear it as its alternative text. "
                "Describe what the image shows.",
            ),
            "title",
            _excerpt(image.Title()),
            "1.1.1",
        )
    ]


def _check_publication_files(publication) -> list[Finding]:
    """A warning when every file is a PDF and no text stands in for them.

    A tagged PDF can be accessible, which this check cannot tell, so offering
    only PDFs is a warning, not an error.
    """
    types = [
        getattr(getattr(item, "file", None), "contentType", "")
        for item in publication.objectValues()
        if item.portal_type == "File"
    ]
    summary = getattr(publication, "summary", None)
    has_text = IRichTextValue.providedBy(summary) and _has_words(summary.raw)
    if not types or not set(types) <= PDF_TYPES or has_text:
        return []
    return [
        Finding(
            "publication-pdf-only",
            WARNING,
            _(
                "a11y_publication_pdf_only",
                default="This publication is offered only as PDF. Add its "
                "text in 'Contents in brief' or an alternative file (HTML, "
                "ODT or DOCX), or make sure the PDF itself is accessible "
                "(PDF/UA).",
            ),
            "files",
            ", ".join(item.getId() for item in publication.objectValues()),
            "",
        )
    ]


def _has_words(html: str) -> bool:
    root = _parse(html)
    return root is not None and bool(root.text_content().strip())


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[: EXCERPT_LENGTH - 1] + "…"
