"""Fixtures of the e-mail service's suites: a real SMTP server on 127.0.0.1,
a site with a newsletter and press alerts, and the worker that sends.

The SMTP server (aiosmtpd) records every mail it accepts, so tests read
headers, parts and links as a subscriber's mail client would; it can be told
to answer a given status to chosen recipients.
"""

from aiosmtpd.controller import Controller
from plone import api
from pro.instance.process import free_port
from pro.mail import ratelimit
from pro.mail.storage import mail_store
from pro.mail.subscriptions import confirm_subscription
from pro.mail.tokens import CONFIRM
from pro.mail.tokens import make_token
from pro.mail.worker import SmtpSettings
from pro.mail.worker import Worker
from pro.testing import make_site
from zope.component.hooks import setSite
import email
import email.policy
import pytest
import re
import transaction


class Inbox:
    """Collects what the SMTP server accepts; ``answers`` maps a recipient to
    the status line the server gives at RCPT instead."""

    def __init__(self):
        self.messages = []
        self.answers: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, options):
        answer = self.answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def parsed(self) -> list:
        return [parse(envelope) for envelope in self.messages]

    def to(self, address: str) -> list:
        return [parse(e) for e in self.messages if address in e.rcpt_tos]

    def clear(self) -> None:
        self.messages.clear()
        self.answers.clear()


def parse(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def parts(message) -> tuple[str, str]:
    """The plain-text and HTML parts of a received mail."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


@pytest.fixture(scope="session")
def smtp_server():
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def smtp(smtp_server):
    inbox, port = smtp_server
    inbox.clear()
    ratelimit.PER_ADDRESS.reset()
    ratelimit.PER_CLIENT.reset()
    yield inbox, port
    inbox.clear()


@pytest.fixture
def site(functional_portal, smtp):
    _inbox, port = smtp
    portal = functional_portal
    setSite(portal)
    # As the instance's bootstrap does with instance.yaml's mail settings.
    portal.MailHost.smtp_host = "127.0.0.1"
    portal.MailHost.smtp_port = port
    api.portal.set_registry_record("plone.email_from_address", "noreply@example.org")
    api.portal.set_registry_record("plone.email_from_name", "PRO")
    site = make_site(
        portal,
        "waterbeheer",
        organisation="Ministerie van Water",
        blocks=["news", "topics", "newsletter", "press-alerts"],
        identity={"primary_color": "#00527a", "wordmark": "Waterbeheer NL"},
    )
    transaction.commit()
    return site


@pytest.fixture
def send_mail(functional_portal, smtp):
    """Run the worker in this process until nothing is due; how many it sent."""
    _inbox, port = smtp

    def run() -> int:
        transaction.commit()
        worker = Worker(functional_portal, SmtpSettings("127.0.0.1", port))
        sent = worker.run(once=True)
        transaction.begin()
        return sent

    return run


def subscribe(address: str, channels, where: str = "https://test.invalid/form"):
    """A confirmed subscription, as if its confirmation link was followed."""
    store = mail_store(api.portal.get())
    token = make_token(store.secret, CONFIRM, address, channels, where)
    with api.env.adopt_roles(["Anonymous"]):
        return confirm_subscription(token)
