"""Subscribing with double opt-in, over real HTTP, with a real SMTP server."""

from conftest import links
from conftest import parts
from conftest import subscribe
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pro.mail import tokens
from pro.mail.storage import mail_store
from pro.testing import RestClient
import pytest
import re
import requests
import transaction


NEWSLETTER_CHANNEL = "newsletter:waterbeheer"


@pytest.fixture
def anonymous(site):
    return RestClient(site.absolute_url())


@pytest.fixture
def platform_admin(functional_portal):
    return RestClient(
        functional_portal.absolute_url(), auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    )


def store():
    transaction.begin()
    return mail_store(api.portal.get())


def confirm_link(message) -> str:
    text, html = parts(message)
    found = [link for link in links(html) if "@@aanmelden-bevestigen/" in link]
    assert found, html
    assert found[0] in text.replace("=\n", "")
    return found[0]


def form_page(url: str, **form) -> requests.Response:
    """GET a page, then POST its form with the CSRF token it carries."""
    session = requests.Session()
    page = session.get(url, timeout=30)
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text)
    data = dict(form)
    if token:
        data["_authenticator"] = token.group(1)
    return session.post(url, data=data, timeout=30)


def test_known_and_unknown_addresses_get_the_same_answer(anonymous, smtp, send_mail):
    inbox, _port = smtp
    subscribe("known@example.org", ["newsletter:waterbeheer"])
    transaction.commit()

    answers = [
        anonymous.post(
            "@subscribe",
            json={"email": address, "channels": ["newsletter:waterbeheer"]},
        )
        for address in ("known@example.org", "new@example.org")
    ]

    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert "new@example.org" not in store().subscribers
    assert send_mail() == 2
    assert sorted(m["To"] for m in inbox.parsed()) == [
        "known@example.org",
        "new@example.org",
    ]


def test_confirmation_mail_is_in_the_sites_identity(anonymous, smtp, send_mail):
    inbox, _port = smtp
    anonymous.post(
        "@subscribe",
        json={"email": "Anna@Example.ORG", "channels": ["newsletter:waterbeheer"]},
    )
    send_mail()

    (message,) = inbox.parsed()
    text, html = parts(message)
    assert message["To"] == "Anna@example.org"
    assert message["From"] == "Waterbeheer NL <noreply@example.org>"
    assert message["Subject"] == "Bevestig uw aanmelding"
    assert message["Content-Language"] == "nl"
    assert '<html lang="nl">' in html
    assert "background:#00527a" in html
    assert "Waterbeheer NL" in text and "Waterbeheer NL" in html
    assert "<style" not in html
    # Not list mail yet: nothing to unsubscribe from.
    assert message["List-Unsubscribe"] is None


def test_following_the_link_and_pressing_confirm_subscribes(anonymous, smtp, send_mail):
    inbox, _port = smtp
    anonymous.post(
        "@subscribe",
        json={"email": "anna@example.org", "channels": ["newsletter:waterbeheer"]},
    )
    send_mail()
    link = confirm_link(inbox.parsed()[0])

    # A virus scanner fetching the link confirms nothing.
    assert requests.get(link, timeout=30).status_code == 200
    assert "anna@example.org" not in store().subscribers

    confirmed = form_page(link)
    assert confirmed.status_code == 200
    assert "bevestigd" in confirmed.text
    subscriber = store().subscribers["anna@example.org"]
    consent = subscriber.channels["newsletter:waterbeheer"]
    assert consent["where"].endswith("/waterbeheer/@subscribe")
    assert consent["given_at"].startswith("20")

    reused = form_page(link)
    assert reused.status_code == 400
    assert "al gebruikt" in reused.text


@pytest.mark.parametrize(
    "mangle, text",
    [
        (lambda link: link[:-3] + "abc", "niet geldig"),
        (lambda link: link.rsplit("/", 1)[0] + "/niets", "niet geldig"),
    ],
)
def test_a_forged_link_is_refused_with_a_clear_page(
    anonymous, smtp, send_mail, mangle, text
):
    inbox, _port = smtp
    anonymous.post(
        "@subscribe",
        json={"email": "anna@example.org", "channels": ["newsletter:waterbeheer"]},
    )
    send_mail()

    refused = form_page(mangle(confirm_link(inbox.parsed()[0])))

    assert refused.status_code == 400
    assert text in refused.text
    assert "anna@example.org" not in store().subscribers


def test_an_expired_link_is_refused(site):
    from test_mail_tokens import made_long_ago

    old = made_long_ago(
        tokens.CONFIRM,
        "anna@example.org",
        49 * 3600,
        ["newsletter:waterbeheer"],
        secret=store().secret,
    )

    refused = form_page(f"{site.absolute_url()}/@@aanmelden-bevestigen/{old}")

    assert refused.status_code == 400
    assert "verlopen" in refused.text
    assert "anna@example.org" not in store().subscribers


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "geen adres", "channels": ["newsletter:waterbeheer"]}, "email"),
        ({"email": "anna@example.org", "channels": []}, "channels"),
        ({"email": "anna@example.org", "channels": ["newsletter:elders"]}, "channels"),
        ({"channels": ["newsletter:waterbeheer"]}, "email"),
    ],
)
def test_bad_input_is_refused_naming_the_field(anonymous, smtp, send_mail, body, field):
    inbox, _port = smtp

    answer = anonymous.post("@subscribe", json=body)

    assert answer.status_code == 400
    errors = answer.json()["error"]["errors"]
    assert [e["field"] for e in errors] == [field]
    assert "${" not in errors[0]["message"]
    assert send_mail() == 0
    assert inbox.messages == []


def test_repeated_requests_for_one_address_are_limited(anonymous, smtp, send_mail):
    body = {"email": "anna@example.org", "channels": ["newsletter:waterbeheer"]}

    statuses = [anonymous.post("@subscribe", json=body).status_code for _ in range(4)]

    assert statuses == [202, 202, 202, 429]
    assert send_mail() == 3


def test_the_subscribe_page_offers_the_sites_channels(site, smtp, send_mail):
    url = f"{site.absolute_url()}/@@aanmelden"
    page = requests.get(url, timeout=30)
    assert page.status_code == 200
    assert 'value="newsletter:waterbeheer"' in page.text
    assert 'value="press:waterbeheer"' in page.text
    assert 'value="organisation:ministerie-van-water"' in page.text

    done = form_page(
        url, email="anna@example.org", **{"channels:list": "press:waterbeheer"}
    )

    assert done.status_code == 200
    assert "Kijk in uw mailbox" in done.text
    assert send_mail() == 1

    refused = form_page(url, email="anna@")
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.text
    assert "Vul een e-mailadres in, zoals naam@example.nl." in refused.text


def test_a_site_without_newsletter_or_alerts_has_no_subscribe_page(functional_portal):
    from pro.testing import make_site

    plain = make_site(functional_portal, "plain", blocks=["news"])
    transaction.commit()

    assert (
        requests.get(f"{plain.absolute_url()}/@@aanmelden", timeout=30).status_code
        == 404
    )


def test_administrators_export_and_erase_one_address(platform_admin, anonymous, site):
    subscribe("anna@example.org", ["newsletter:waterbeheer", "press:waterbeheer"])
    transaction.commit()

    assert (
        anonymous.get(
            f"{api.portal.get().absolute_url()}/@mail-subscribers/anna@example.org"
        ).status_code
        == 401
    )
    exported = platform_admin.get("@mail-subscribers/anna@example.org")
    assert exported.status_code == 200
    data = exported.json()
    assert sorted(data["subscription"]["channels"]) == [
        "newsletter:waterbeheer",
        "press:waterbeheer",
    ]
    assert set(data["subscription"]) == {
        "address",
        "channels",
        "alert_frequency",
        "permanent_failures",
        "undeliverable",
    }

    assert (
        platform_admin.delete("@mail-subscribers/anna@example.org").status_code == 204
    )
    assert "anna@example.org" not in store().subscribers
    assert "anna@example.org" not in store().members["newsletter:waterbeheer"]
    assert (
        platform_admin.delete("@mail-subscribers/anna@example.org").status_code == 404
    )


def test_answers_match_the_openapi_description(anonymous, platform_admin, site):
    from pathlib import Path
    import jsonschema
    import pro.mail
    import yaml

    document = yaml.safe_load(
        (Path(pro.mail.__file__).parent / "openapi.yaml").read_text()
    )

    def check(answer, schema_name):
        schema = {
            "$ref": f"#/components/schemas/{schema_name}",
            "components": document["components"],
        }
        jsonschema.validate(answer.json(), schema)

    ok = anonymous.post(
        "@subscribe", json={"email": "a@example.org", "channels": ["press:waterbeheer"]}
    )
    bad = anonymous.post("@subscribe", json={"email": "a@", "channels": []})
    exported = platform_admin.get("@mail-subscribers/a@example.org")

    assert (ok.status_code, bad.status_code, exported.status_code) == (202, 400, 200)
    operation = document["paths"]["/{site}/@subscribe"]["post"]
    assert {"202", "400", "429"} <= set(operation["responses"])
    check(bad, "MailError")
    check(exported, "SubscriberExport")
    assert set(ok.json()) == {"message"}


def test_a_subscribe_block_on_a_landing_page_subscribes(site, smtp, send_mail):
    home = site[site.getDefaultPage()]
    with api.env.adopt_roles(["Manager"]):
        api.content.create(
            container=home,
            type="SubscribeBlock",
            id="blijf-op-de-hoogte",
            title="Blijf op de hoogte",
            text="Eén keer per maand.",
        )
    transaction.commit()

    page = requests.get(home.absolute_url(), timeout=30)
    assert page.status_code == 200
    assert "Blijf op de hoogte" in page.text
    assert 'value="newsletter:waterbeheer"' in page.text
    action = re.search(r'<form method="post"\s+action="([^"]+@@aanmelden)"', page.text)
    assert action, "the block's form posts to the subscribe page"
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)

    done = requests.post(
        action.group(1),
        data={
            "email": "anna@example.org",
            "channels:list": "newsletter:waterbeheer",
            "_authenticator": token,
        },
        timeout=30,
    )

    assert done.status_code == 200 and "Kijk in uw mailbox" in done.text
    assert send_mail() == 1


def test_the_administrators_page_exports_and_erases(site, functional_portal):
    subscribe("anna@example.org", [NEWSLETTER_CHANNEL])
    transaction.commit()
    url = f"{functional_portal.absolute_url()}/@@mail-subscriber"
    session = requests.Session()
    session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    page = session.get(url, timeout=30)
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)

    exported = session.post(
        url,
        data={"email": "anna@example.org", "export": "1", "_authenticator": token},
        timeout=30,
    )
    erased = session.post(
        url,
        data={"email": "anna@example.org", "erase": "1", "_authenticator": token},
        timeout=30,
    )

    assert exported.json()["subscription"]["address"] == "anna@example.org"
    assert "attachment" in exported.headers["Content-Disposition"]
    assert erased.status_code == 200 and "gewist" in erased.text
    assert "anna@example.org" not in store().subscribers
    refused = requests.get(url, timeout=30)
    assert "login" in refused.url and "mail-subscriber" in refused.url


def test_the_instance_itself_sends_queued_mail_on_request(
    platform_admin, anonymous, smtp
):
    inbox, _port = smtp
    anonymous.post(
        "@subscribe",
        json={"email": "anna@example.org", "channels": ["press:waterbeheer"]},
    )

    refused = anonymous.post(
        f"{api.portal.get().absolute_url()}/@mail-outbox", json={"seconds": 5}
    )
    bad = platform_admin.post("@mail-outbox", json={"seconds": 0})
    done = platform_admin.post("@mail-outbox", json={"seconds": 5})

    assert refused.status_code == 401
    assert bad.status_code == 400
    assert done.status_code == 200 and done.json()["sent"] == 1
    assert [m["To"] for m in inbox.parsed()] == ["anna@example.org"]
    assert platform_admin.get("@mail-outbox").json()["sent"] == 1


def test_journalists_follow_an_organisation_on_the_platform(
    functional_portal, site, smtp, send_mail
):
    inbox, _port = smtp
    page = requests.get(f"{functional_portal.absolute_url()}/@@aanmelden", timeout=30)
    assert page.status_code == 200
    assert 'value="organisation:ministerie-van-water"' in page.text
    assert "newsletter:waterbeheer" not in page.text

    answer = RestClient(functional_portal.absolute_url()).post(
        "@subscribe",
        json={
            "email": "pers@example.org",
            "channels": ["organisation:ministerie-van-water"],
        },
    )

    assert answer.status_code == 202
    send_mail()
    (message,) = inbox.parsed()
    assert "Ministerie van Water" in parts(message)[0]
