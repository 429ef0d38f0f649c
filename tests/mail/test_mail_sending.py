"""Newsletters and press alerts, sent by the worker to a real SMTP server."""

from conftest import links
from conftest import parts
from conftest import subscribe
from plone import api
from plone.app.textfield.value import RichTextValue
from pro.mail import outbox
from pro.mail.newsletter import cancel_schedule
from pro.mail.newsletter import send_issue
from pro.mail.newsletter import send_test
from pro.mail.storage import mail_store
from pro.mail.subscriptions import unsubscribe
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
import datetime
import pytest
import re
import requests
import time
import transaction


NEWSLETTER = "newsletter:waterbeheer"
PRESS = "press:waterbeheer"


def store():
    return mail_store(api.portal.get())


def publish(item) -> None:
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(item, transition="publish")


def news(site, title: str, **fields):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=site["nieuws"], type="News Item", title=title, **fields
        )


@pytest.fixture
def issue(site):
    article = news(site, "Dijken versterkt", description="Twintig kilometer dijk.")
    publish(article)
    draft = news(site, "Nog geheim")
    with api.env.adopt_roles(["Manager"]):
        made = api.content.create(
            container=site["nieuwsbrief"],
            type="NewsletterIssue",
            title="Nieuwsbrief december",
            description="Het nieuws van deze maand.",
            intro=RichTextValue(
                "<h2>Welkom</h2><p>Lees <a href='https://example.org/rapport'>"
                "het rapport</a>.</p>",
                "text/html",
                "text/html",
            ),
        )
    intids = getUtility(IIntIds)
    made.items = [
        RelationValue(intids.getId(article)),
        RelationValue(intids.getId(draft)),
    ]
    transaction.commit()
    return made


def raw_header(envelope, name: str) -> str:
    """A header as it went over the wire, unfolded by nobody."""
    head = envelope.content.split(b"\r\n\r\n", 1)[0].decode("ascii")
    for line in head.split("\r\n"):
        if line.startswith(f"{name}: "):
            return line[len(name) + 2 :]
    return ""


def test_an_issue_reaches_confirmed_subscribers_in_the_sites_identity(
    issue, smtp, send_mail
):
    inbox, _port = smtp
    subscribe("anna@example.org", [NEWSLETTER])
    subscribe("bert@example.org", [PRESS])
    transaction.commit()

    assert send_issue(issue) == 1
    assert send_mail() == 1

    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["anna@example.org"]
    message = inbox.parsed()[0]
    text, html = parts(message)
    assert message["Subject"] == "Nieuwsbrief december"
    assert message["From"] == "Waterbeheer NL <noreply@example.org>"
    assert message["List-Id"] == "<newsletter.waterbeheer.example.org>"
    assert message.get_content_type() == "multipart/alternative"
    # Accessible HTML: language, one h1, the items as h2 with real links.
    assert '<html lang="nl">' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert re.search(r"<h2[^>]*><a href=\"http[^\"]+/nieuws/dijken-versterkt\"", html)
    assert "Nog geheim" not in html and "Nog geheim" not in text
    assert (
        "https://example.org/rapport" in html and "https://example.org/rapport" in text
    )
    assert "background:#00527a" in html and "<style" not in html
    assert "Dijken versterkt" in text and "Twintig kilometer dijk." in text


def test_every_list_mail_can_be_left_with_one_click(issue, smtp, send_mail):
    inbox, _port = smtp
    subscribe("anna@example.org", [NEWSLETTER])
    transaction.commit()
    send_issue(issue)
    send_mail()

    envelope = inbox.messages[0]
    header = raw_header(envelope, "List-Unsubscribe")
    assert re.fullmatch(r"<http://[^>]+/waterbeheer/@@afmelden/[\w.-]+>", header)
    assert raw_header(envelope, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    text, html = parts(inbox.parsed()[0])
    assert url in links(html) and url in text.replace("=\n", "")
    preferences = next(link for link in links(html) if "@@abonnement/" in link)
    page = requests.get(preferences, timeout=30)
    assert page.status_code == 200
    assert "Nieuwsbrief (Waterbeheer)" in page.text

    # What a mail client does for RFC 8058: a POST, no cookie, no CSRF token.
    answer = requests.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=30)

    assert answer.status_code == 200
    transaction.begin()
    assert "anna@example.org" not in store().subscribers
    assert "anna@example.org" not in store().members[NEWSLETTER]
    inbox.clear()
    with api.env.adopt_roles(["Manager"]):
        second = api.content.create(
            container=issue.aq_parent, type="NewsletterIssue", title="Januari"
        )
    send_issue(second)
    assert send_mail() == 0
    assert inbox.messages == []


def test_preferences_keep_some_channels_and_set_the_frequency(site, smtp):
    from test_mail_subscriptions import form_page

    subscribe("anna@example.org", [NEWSLETTER, PRESS])
    transaction.commit()
    from pro.mail.subscriptions import manage_links

    url = manage_links(store(), "anna@example.org", [], site.absolute_url())[
        outbox.PREFERENCES
    ]

    saved = form_page(url, **{"channels:list": PRESS, "frequency": "weekly"})

    assert saved.status_code == 200
    transaction.begin()
    subscriber = store().subscribers["anna@example.org"]
    assert list(subscriber.channels) == [PRESS]
    assert subscriber.frequency == "weekly"

    form_page(url, frequency="weekly")
    transaction.begin()
    assert "anna@example.org" not in store().subscribers


def test_a_test_send_goes_to_the_sender_only(issue, smtp, send_mail):
    inbox, _port = smtp
    subscribe("anna@example.org", [NEWSLETTER])
    transaction.commit()

    send_test(issue, "redacteur@example.org")
    send_mail()

    (message,) = inbox.parsed()
    assert message["To"] == "redacteur@example.org"
    assert message["Subject"] == "[Test] Nieuwsbrief december"


def test_a_scheduled_issue_waits_for_its_moment(issue, smtp, send_mail):
    inbox, _port = smtp
    subscribe("anna@example.org", [NEWSLETTER])
    transaction.commit()
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)

    send_issue(issue, not_before=moment)

    assert send_mail() == 0
    (mailing,) = store().outbox.mailings.values()
    mailing.not_before = time.time() - 1
    assert send_mail() == 1
    assert [m["To"] for m in inbox.parsed()] == ["anna@example.org"]


def test_a_cancelled_schedule_sends_nothing(issue, smtp, send_mail):
    subscribe("anna@example.org", [NEWSLETTER])
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    send_issue(issue, not_before=moment)

    cancel_schedule(issue)

    assert len(store().outbox.mailings) == 0
    assert send_mail() == 0


def test_an_issue_is_sent_once(issue):
    send_issue(issue)

    from pro.mail.exceptions import IssueNotSendable

    with pytest.raises(IssueNotSendable):
        send_issue(issue)


def test_the_preview_shows_the_mail(issue, functional_portal):
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    page = requests.get(
        f"{issue.absolute_url()}/@@newsletter-preview",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=30,
    )

    assert page.status_code == 200
    assert "Dijken versterkt" in page.text and 'lang="nl"' in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "placeholder.invalid" not in page.text


def test_a_published_press_release_alerts_its_subscribers_once(site, smtp, send_mail):
    inbox, _port = smtp
    subscribe("journalist@example.org", [PRESS])
    subscribe("volger@example.org", ["organisation:ministerie-van-water"])
    subscribe("lezer@example.org", [NEWSLETTER])
    item = news(site, "Nieuwe dijkwet", press_release=True, description="De wet.")
    transaction.commit()

    publish(item)
    transaction.commit()
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(item, transition="retract")
    publish(item)
    transaction.commit()

    assert send_mail() == 2
    received = sorted(m["To"] for m in inbox.parsed())
    assert received == ["journalist@example.org", "volger@example.org"]
    message = inbox.parsed()[0]
    assert message["Subject"] == "Persbericht: Nieuwe dijkwet"
    assert "List-Unsubscribe" in message


def test_a_publication_that_is_aborted_queues_nothing(site, smtp, send_mail):
    subscribe("journalist@example.org", [PRESS])
    item = news(site, "Bijna", press_release=True)
    transaction.commit()

    # As when Zope retries a request after a ConflictError: the first attempt
    # is aborted, the second commits.
    publish(item)
    assert len(store().outbox.mailings) == 1
    transaction.abort()
    assert len(store().outbox.mailings) == 0
    publish(item)
    transaction.commit()

    assert len(store().outbox.mailings) == 1
    assert send_mail() == 1


def test_a_topic_filter_alerts_on_news_under_its_topic(site, smtp, send_mail):
    inbox, _port = smtp
    with api.env.adopt_roles(["Manager"]):
        topic = api.content.create(
            container=site["onderwerpen"], type="Topic", title="Water"
        )
    publish(topic)
    subscribe("water@example.org", [f"{PRESS}:{topic.UID()}"])
    subscribe("journalist@example.org", [PRESS])
    item = news(site, "Peil stijgt", topics=[topic.UID()])
    transaction.commit()

    publish(item)
    transaction.commit()

    assert send_mail() == 1
    assert [m["To"] for m in inbox.parsed()] == ["water@example.org"]
    assert inbox.parsed()[0]["Subject"] == "Nieuws: Peil stijgt"


def test_daily_subscribers_get_one_digest_instead(site, smtp, send_mail):
    inbox, _port = smtp
    subscribe("snel@example.org", [PRESS])
    daily = subscribe("dagelijks@example.org", [PRESS])
    daily.frequency = "daily"
    first = news(site, "Eerste bericht", press_release=True)
    second = news(site, "Tweede bericht", press_release=True)
    transaction.commit()
    publish(first)
    publish(second)
    transaction.commit()

    assert send_mail() == 2
    assert {m["To"] for m in inbox.parsed()} == {"snel@example.org"}

    inbox.clear()
    store().digests_until["daily"] = time.time() - 86400 - 60
    transaction.commit()
    assert send_mail() == 1
    (digest,) = inbox.parsed()
    assert digest["To"] == "dagelijks@example.org"
    text, html = parts(digest)
    assert "Eerste bericht" in html and "Tweede bericht" in html
    assert "Tweede bericht" in text


def test_an_address_unsubscribed_after_queueing_gets_nothing(issue, smtp, send_mail):
    inbox, _port = smtp
    subscribe("anna@example.org", [NEWSLETTER, PRESS])
    subscribe("bert@example.org", [NEWSLETTER])
    send_issue(issue)
    transaction.commit()
    unsubscribe("anna@example.org", [NEWSLETTER])

    assert send_mail() == 1
    assert [m["To"] for m in inbox.parsed()] == ["bert@example.org"]


def test_temporary_failures_are_retried_and_permanent_ones_counted(
    issue, smtp, send_mail
):
    inbox, _port = smtp
    subscribe("vol@example.org", [NEWSLETTER])
    subscribe("weg@example.org", [NEWSLETTER])
    inbox.answers = {
        "vol@example.org": "452 Mailbox full, try later",
        "weg@example.org": "550 No such user",
    }
    send_issue(issue)

    assert send_mail() == 0

    states = {m.recipient: m for m in store().outbox.messages.values()}
    deferred, failed = states["vol@example.org"], states["weg@example.org"]
    assert deferred.state == outbox.QUEUED and deferred.attempts == 1
    assert deferred.next_attempt > time.time() + 30
    assert failed.state == outbox.FAILED and "550" in failed.error
    assert store().subscribers["weg@example.org"].bounces == 1

    inbox.answers = {}
    deferred.next_attempt = time.time() - 1
    store().outbox.due.clear()
    store().outbox.due.insert((deferred.next_attempt, deferred.key))
    assert send_mail() == 1
    assert [m["To"] for m in inbox.parsed()] == ["vol@example.org"]


def test_repeated_permanent_failures_stop_mail_to_an_address(site, smtp):
    from pro.mail.subscriptions import record_permanent_failure

    subscriber = subscribe("weg@example.org", [NEWSLETTER])

    for _ in range(3):
        record_permanent_failure(store(), "weg@example.org")

    assert subscriber.undeliverable


def test_an_alert_for_a_future_date_waits_and_drops_if_retracted(site, smtp, send_mail):
    from DateTime import DateTime

    subscribe("journalist@example.org", [PRESS])
    item = news(site, "Later", press_release=True)
    item.effective_date = DateTime() + 1
    transaction.commit()
    publish(item)
    transaction.commit()

    assert send_mail() == 0
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(item, transition="retract")
    (mailing,) = store().outbox.mailings.values()
    mailing.not_before = time.time() - 1
    transaction.commit()

    assert send_mail() == 0
    assert len(store().outbox.mailings) == 0


def test_chief_editors_send_and_editors_only_test(functional_portal, smtp, send_mail):
    from pro.testing import make_site
    from pro.testing import make_user

    inbox, _port = smtp
    make_user("hoofd", email="hoofd@example.org")
    make_user("schrijver", email="schrijver@example.org")
    site = make_site(
        functional_portal,
        "zee",
        blocks=["news", "newsletter"],
        chief_editors=["hoofd"],
        editors=["schrijver"],
    )
    with api.env.adopt_roles(["Manager"]):
        made = api.content.create(
            container=site["nieuwsbrief"], type="NewsletterIssue", title="Zeebrief"
        )
    subscribe("lezer@example.org", ["newsletter:zee"])
    transaction.commit()
    url = f"{made.absolute_url()}/@@newsletter-send"

    def press(user: str, button: str) -> requests.Response:
        session = requests.Session()
        session.auth = (user, f"{user}-Secret-1")
        page = session.get(made.absolute_url(), timeout=30)
        token = re.search(r'name="_authenticator" value="([^"]+)"', page.text)
        return session.post(
            url, data={button: "1", "_authenticator": token.group(1)}, timeout=30
        )

    assert press("schrijver", "test").status_code == 200
    refused = press("schrijver", "send")
    assert refused.url.endswith("/insufficient-privileges")
    send_mail()
    assert [m["To"] for m in inbox.parsed()] == ["schrijver@example.org"]

    inbox.clear()
    assert press("hoofd", "send").status_code == 200
    send_mail()
    assert [m["To"] for m in inbox.parsed()] == ["lezer@example.org"]


def test_visitors_read_a_published_issue_without_its_editing_tools(issue):
    publish(issue)
    transaction.commit()

    page = requests.get(issue.absolute_url(), timeout=30)
    web_version = requests.get(
        f"{issue.absolute_url()}/@@newsletter-preview", timeout=30
    )

    assert page.status_code == 200
    assert "newsletter-send" not in page.text and "abonnees nu" not in page.text
    assert web_version.status_code == 200 and "Dijken versterkt" in web_version.text
