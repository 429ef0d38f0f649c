"""Turning what the platform wants to say into standards-conforming mail.

Each mail is rendered once per mailing: the HTML from one Chameleon template
in the site's identity (wordmark, colours, language), its CSS inlined by
premailer because most mail clients ignore ``<style>``, and a plain-text part
written from the same data rather than scraped from the HTML. Personal links
stay placeholders until the worker sends the mail to one address.

The worker sends hundreds of mails a second, and the ``email`` package needs
milliseconds to serialise a large multipart message. So a mailing's MIME body
is serialised once (:class:`MessageTemplate`) with the placeholders in it, and
each recipient's mail is that body with their links put in and their own
headers in front. For that the HTML part is made pure ASCII (characters as
references) with short lines, so it travels as 7bit and a placeholder is never
split by an encoding; the text part is quoted-printable with every link on a
line of its own, each link encoded on its own when it is put in.
"""

from dataclasses import dataclass
from dataclasses import field
from email import policy
from email.message import EmailMessage
from email.quoprimime import body_encode
from email.utils import formataddr
from email.utils import formatdate
from email.utils import parseaddr
from pathlib import Path
from pro.mail.outbox import MailContent
from pro.mail.outbox import PREFERENCES
from pro.mail.outbox import UNSUBSCRIBE
from zope.i18n import translate
import chameleon
import html
import logging
import premailer
import re
import textwrap


# Long header lines stay whole: a List-Unsubscribe URL that the email package
# folded would turn into an encoded word no mail client can follow.
SMTP_POLICY = policy.SMTP.clone(max_line_length=998, cte_type="7bit")

_TEMPLATE = chameleon.PageTemplateFile(
    str(Path(__file__).parent / "templates" / "mail.pt")
)
_MAX_HTML_LINE = 900


def placeholder(name: str, part: str) -> str:
    """Where the link ``name`` goes in the ``"html"`` or ``"text"`` part."""
    return f"https://placeholder.invalid/{part}/{name}"


@dataclass(frozen=True)
class Look:
    """The identity a mail is shown in, every value ready to render."""

    lang: str
    wordmark: str
    site_title: str
    site_url: str
    primary: str
    secondary: str
    on_primary: str = "#ffffff"
    on_secondary: str = "#1a1a1a"

    @property
    def link(self) -> str:
        return self.primary


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class MailItem:
    title: str
    url: str
    description: str = ""
    date: str = ""
    image_url: str = ""
    image_alt: str = ""


@dataclass(frozen=True)
class MailBody:
    """What a mail says, before it is rendered."""

    subject: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    intro_html: str = ""
    intro_text: str = ""
    items: tuple[MailItem, ...] = ()
    action: Action | None = None
    footer_note: str = ""
    list_mail: bool = True
    headers: dict[str, str] = field(default_factory=dict)


def look_for(context) -> Look:
    """The look of mail from the site ``context`` lies in (or the platform)."""
    from plone import api
    from pro.platform.api import TEXT_ON_PRIMARY
    from pro.platform.api import TEXT_ON_SECONDARY
    from pro.platform.settings import find_site
    from pro.platform.settings import site_settings
    from pro.theme.identity import identity_for

    identity = identity_for(context)
    settings = site_settings(context)
    site = find_site(context) or api.portal.get()
    return Look(
        lang=settings.default_language if settings else "nl",
        wordmark=identity.wordmark,
        site_title=site.Title(),
        site_url=identity.site_url,
        primary=identity.primary,
        secondary=identity.secondary,
        on_primary=TEXT_ON_PRIMARY,
        on_secondary=TEXT_ON_SECONDARY,
    )


def words(lang: str) -> dict[str, str]:
    """The fixed words of every mail, in ``lang``."""
    from pro import _

    return {
        "preferences": _t(
            _("mail_preferences", default="Change your subscriptions"), lang
        ),
        "unsubscribe": _t(_("mail_unsubscribe", default="Unsubscribe"), lang),
        "preferences_text": _t(
            _("mail_preferences_text", default="Change your subscriptions:"), lang
        ),
        "unsubscribe_text": _t(
            _("mail_unsubscribe_text", default="Unsubscribe from this list:"), lang
        ),
    }


def _t(message, lang: str, mapping=None) -> str:
    return translate(message, target_language=lang, mapping=mapping)


def mail_content(kind: str, look: Look, body: MailBody, sender: str) -> MailContent:
    """Render ``body`` into the content of one mailing."""
    return MailContent(
        kind=kind,
        subject=body.subject,
        sender=sender,
        html=render_html(look, body),
        text=render_text(look, body),
        lang=look.lang,
        headers=body.headers,
    )


def render_html(look: Look, body: MailBody) -> str:
    """The HTML part, CSS inlined, ASCII only, with the placeholders in it."""
    rendered = _TEMPLATE(
        look=look,
        subject=body.subject,
        heading=body.heading,
        paragraphs=body.paragraphs,
        intro_html=body.intro_html,
        items=body.items,
        action=body.action,
        footer_note=body.footer_note,
        preferences_url=placeholder(PREFERENCES, "html") if body.list_mail else "",
        unsubscribe_url=placeholder(UNSUBSCRIBE, "html"),
        words=words(look.lang),
    )
    inlined = premailer.Premailer(
        rendered,
        keep_style_tags=False,
        disable_validation=True,
        cssutils_logging_level=logging.CRITICAL,
        allow_network=False,
    ).transform()
    ascii_html = inlined.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return _short_lines(ascii_html)


def render_text(look: Look, body: MailBody) -> str:
    """The plain-text part: the same content, links on lines of their own."""
    w = words(look.lang)
    blocks = [look.wordmark, body.heading]
    if body.intro_text:
        blocks.append(body.intro_text)
    blocks.extend(body.paragraphs)
    if body.action:
        url = body.action.url.replace("/html/", "/text/")
        blocks.append(f"{body.action.label}:\n{url}")
        if body.action.note:
            blocks.append(body.action.note)
    for item in body.items:
        lines = [item.title]
        if item.date:
            lines.append(item.date)
        if item.description:
            lines.append(item.description)
        lines.append(item.url)
        blocks.append("\n".join(lines))
    if body.footer_note:
        blocks.append(body.footer_note)
    if body.list_mail:
        preferences = placeholder(PREFERENCES, "text")
        unsubscribe = placeholder(UNSUBSCRIBE, "text")
        blocks.append(f"{w['preferences_text']}\n{preferences}")
        blocks.append(f"{w['unsubscribe_text']}\n{unsubscribe}")
    blocks.append(f"{look.site_title}\n{look.site_url}")
    return "\n\n".join(_wrap(block) for block in blocks) + "\n"


def html_to_text(value: str) -> str:
    """Plain text of a rich-text field, for the text part of a newsletter."""
    from lxml import html as lxml_html

    if not value.strip():
        return ""
    tree = lxml_html.fromstring(value)
    for link in tree.iter("a"):
        href = link.get("href")
        if href and href.startswith(("http://", "https://")):
            link.tail = f"\n{href}\n" + (link.tail or "")
    for block in tree.iter("p", "li", "h2", "h3", "h4", "br"):
        block.tail = "\n\n" + (block.tail or "")
    text = tree.text_content()
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def _wrap(block: str) -> str:
    return "\n".join(
        line if line.startswith("http") else textwrap.fill(line, 76) or line
        for line in block.split("\n")
    )


def _short_lines(text: str) -> str:
    # SMTP lines end at 998 characters; breaking between two tags keeps the
    # document the same but for a line break, which HTML treats as a space.
    lines = []
    for line in text.splitlines():
        while len(line) > _MAX_HTML_LINE and "><" in line[:_MAX_HTML_LINE]:
            cut = line.rindex("><", 0, _MAX_HTML_LINE) + 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


class MessageTemplate:
    """A mailing's serialised MIME body, ready to be personalised quickly."""

    def __init__(self, content: MailContent):
        message = EmailMessage(policy=SMTP_POLICY)
        message["From"] = content.sender
        message["Subject"] = content.subject
        for name, value in content.headers.items():
            message[name] = value
        message.set_content(content.text, cte="quoted-printable")
        html_cte = "7bit" if _fits_7bit(content.html) else "quoted-printable"
        message.add_alternative(content.html, subtype="html", cte=html_cte)
        # After the parts exist: making a message multipart moves its
        # Content-* headers into the first part.
        message["Content-Language"] = content.lang
        raw = message.as_bytes()
        self.head, self.body = raw.split(b"\r\n\r\n", 1)
        self.sender = parseaddr(content.sender)[1]
        self.content = content
        # An HTML part that had to be quoted-printable may have a placeholder
        # split across lines; such a mail is then built whole per recipient.
        self.shared_body = html_cte == "7bit"

    def render(self, message) -> bytes:
        """The bytes of ``message``'s mail: its headers, then the shared body."""
        head = [
            f"To: {message.recipient}",
            f"Date: {formatdate(usegmt=True)}",
            f"Message-ID: {message.message_id}",
        ]
        unsubscribe = message.personal.get(UNSUBSCRIBE)
        if unsubscribe:
            head.append(f"List-Unsubscribe: <{unsubscribe}>")
            head.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        if not self.shared_body:
            return "\r\n".join(head).encode("ascii") + b"\r\n" + self._whole(message)
        body = self.body
        for name, url in message.personal.items():
            body = body.replace(
                placeholder(name, "html").encode(), html.escape(url).encode("ascii")
            )
            body = body.replace(
                placeholder(name, "text").encode(),
                body_encode(url, maxlinelen=76, eol="\r\n").encode("ascii"),
            )
        return (
            "\r\n".join(head).encode("ascii") + b"\r\n" + self.head + b"\r\n\r\n" + body
        )

    def _whole(self, message) -> bytes:
        content = self.content
        text, markup = content.text, content.html
        for name, url in message.personal.items():
            text = text.replace(placeholder(name, "text"), url)
            markup = markup.replace(placeholder(name, "html"), html.escape(url))
        whole = EmailMessage(policy=SMTP_POLICY)
        whole["From"] = content.sender
        whole["Subject"] = content.subject
        for name, value in content.headers.items():
            whole[name] = value
        whole.set_content(text, cte="quoted-printable")
        whole.add_alternative(markup, subtype="html", cte="quoted-printable")
        whole["Content-Language"] = content.lang
        return whole.as_bytes()


def _fits_7bit(text: str) -> bool:
    return text.isascii() and all(len(line) <= 990 for line in text.splitlines())


def sender_for(look: Look) -> str:
    """``From`` of mail in ``look``: the site's wordmark, the platform's address."""
    from plone import api

    address = api.portal.get_registry_record("plone.email_from_address") or ""
    return formataddr((look.wordmark, address or "noreply@localhost"))


def mail_domain() -> str:
    """The domain of the platform's sender address, for Message-IDs and List-Id."""
    from plone import api

    address = api.portal.get_registry_record("plone.email_from_address") or ""
    return address.rpartition("@")[2] or "localhost"
