"""The contact form mails the site, confirms to the sender and keeps the data."""

from aiosmtpd.controller import Controller
from collective.easyform.api import get_actions
from plone import api
from plone.testing.zope import Browser
from pro.testing import make_site
from zope.component.hooks import setSite
import email
import email.policy
import pytest
import socket
import time
import transaction


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def site(functional_portal, smtp):
    _inbox, port = smtp
    setSite(functional_portal)
    # As the instance's bootstrap does: the MailHost and the mail settings.
    functional_portal.MailHost.smtp_host = "127.0.0.1"
    functional_portal.MailHost.smtp_port = port
    api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
    api.portal.set_registry_record("plone.smtp_port", port)
    api.portal.set_registry_record("plone.email_from_address", "site@example.org")
    api.portal.set_registry_record("plone.email_from_name", "Onderwijs")
    site = make_site(functional_portal, "onderwijs")
    transaction.commit()
    return site


def parse(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def body(envelope) -> str:
    return parse(envelope).get_body().get_content()


def wait_for(inbox, count: int, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.messages


def test_every_contact_block_starts_with_a_published_form(site):
    form = site["contact"]["contactformulier"]

    assert form.portal_type == "EasyForm"
    assert api.content.get_state(form) == "published"
    assert set(get_actions(form)) == {"mailer", "confirmation", "saved"}


def test_visitor_sends_the_form_and_gets_a_confirmation(functional, site, smtp):
    inbox, _port = smtp
    browser = Browser(functional["app"])
    browser.open(site["contact"]["contactformulier"].absolute_url())

    browser.getControl(name="form.widgets.name").value = "Anna de Vries"
    browser.getControl(name="form.widgets.replyto").value = "anna@example.org"
    browser.getControl(name="form.widgets.topic").value = "Subsidie"
    browser.getControl(name="form.widgets.comments").value = "Wanneer kan ik aanvragen?"
    browser.getControl(name="form.buttons.submit").click()

    assert "Bedankt voor uw bericht" in browser.contents
    messages = wait_for(inbox, 2)
    recipients = sorted(tuple(message.rcpt_tos) for message in messages)
    assert recipients == [("anna@example.org",), ("site@example.org",)]
    to_site = next(m for m in messages if m.rcpt_tos == ["site@example.org"])
    assert "Wanneer kan ik aanvragen?" in body(to_site)
    assert parse(to_site)["Reply-To"] == "anna@example.org"
    confirmation = next(m for m in messages if m.rcpt_tos == ["anna@example.org"])
    assert parse(confirmation)["Subject"] == "Wij hebben uw bericht ontvangen"

    transaction.begin()
    saved = get_actions(site["contact"]["contactformulier"])["saved"]
    assert saved.itemsSaved() == 1


def test_a_bad_address_is_refused_and_nothing_is_sent(functional, site, smtp):
    inbox, _port = smtp
    browser = Browser(functional["app"])
    browser.open(site["contact"]["contactformulier"].absolute_url())

    browser.getControl(name="form.widgets.name").value = "Anna"
    browser.getControl(name="form.widgets.replyto").value = "geen adres"
    browser.getControl(name="form.widgets.topic").value = "Vraag"
    browser.getControl(name="form.widgets.comments").value = "Tekst"
    browser.getControl(name="form.buttons.submit").click()

    assert "Bedankt voor uw bericht" not in browser.contents
    time.sleep(0.5)
    assert inbox.messages == []
    transaction.begin()
    assert get_actions(site["contact"]["contactformulier"])["saved"].itemsSaved() == 0
