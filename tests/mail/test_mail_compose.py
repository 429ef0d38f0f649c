"""One mail body serialised once, personalised per recipient, read back whole."""

from email import message_from_bytes
from email import policy
from pro.mail.compose import MessageTemplate
from pro.mail.compose import placeholder
from pro.mail.outbox import MailContent
from pro.mail.outbox import OutboxMessage
from pro.mail.outbox import PREFERENCES
from pro.mail.outbox import UNSUBSCRIBE
import pytest


URLS = {
    PREFERENCES: "https://www.example.nl/@@abonnement/eyJwIjoibWFuYWdlIn0.aaa.bbb-_c",
    UNSUBSCRIBE: "https://www.example.nl/@@afmelden/" + "x" * 180 + ".aaa.bbb",
}


def content(html_line: str) -> MailContent:
    links = "".join(
        f'<p><a href="{placeholder(name, "html")}">{name}</a></p>' for name in URLS
    )
    return MailContent(
        kind="newsletter",
        subject="Nieuwsbrief één",
        sender="Waterbeheer NL <noreply@example.org>",
        html=f"<html lang='nl'><body>{html_line}{links}</body></html>",
        text="Over één onderwerp.\n\n"
        + "\n\n".join(placeholder(name, "text") for name in URLS)
        + "\n",
        lang="nl",
        headers={"List-Id": "<newsletter.water.example.org>"},
    )


@pytest.mark.parametrize(
    "html_line",
    [
        "<p>Kort &#233;n 7bit.</p>",
        # One line too long to travel as 7bit with nowhere to break it.
        "<p>" + "lang " * 400 + "</p>",
    ],
)
def test_each_recipient_gets_their_own_links_intact(html_line):
    template = MessageTemplate(content(html_line))
    message = OutboxMessage(1, "anna@example.org", None, URLS, (), "example.org", 0.0)

    raw = template.render(message)
    mail = message_from_bytes(raw, policy=policy.default)

    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == "Nieuwsbrief één"
    assert mail["Content-Language"] == "nl"
    assert mail["Message-ID"] == message.message_id
    assert mail["List-Unsubscribe"] == f"<{URLS[UNSUBSCRIBE]}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "één" in text
    for url in URLS.values():
        assert url in text.splitlines()
        assert f'href="{url}"' in html
    assert "placeholder.invalid" not in raw.decode("ascii")
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
