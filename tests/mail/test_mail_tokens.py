"""Signed links: what they carry, and every way a link is refused."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pro.mail import tokens
from pro.mail.exceptions import TokenRefused
import itsdangerous
import pytest
import time


SECRET = "a-secret-of-the-platform-for-tests-only"


def made_long_ago(purpose, address, seconds_ago, channels=(), secret=SECRET) -> str:
    """A genuine link, signed ``seconds_ago`` seconds in the past."""

    class Backdated(itsdangerous.TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - seconds_ago

    serializer = tokens.link_serializer(secret, signer=Backdated)
    payload = {"p": purpose, "a": address, "c": list(channels), "w": ""}
    if purpose == tokens.CONFIRM:
        payload["n"] = "nonce"
    return serializer.dumps(payload)


@pytest.mark.parametrize("purpose", [tokens.CONFIRM, tokens.MANAGE, tokens.UNSUBSCRIBE])
def test_a_link_gives_back_what_it_was_made_with(purpose):
    token = tokens.make_token(
        SECRET, purpose, "anna@example.org", ["newsletter:a"], "https://x/form"
    )

    data = tokens.read_token(SECRET, token, purpose)

    assert (data.address, data.channels, data.where) == (
        "anna@example.org",
        ("newsletter:a",),
        "https://x/form",
    )
    assert bool(data.nonce) == (purpose == tokens.CONFIRM)


def test_two_confirmation_links_for_one_request_differ():
    first = tokens.make_token(SECRET, tokens.CONFIRM, "anna@example.org", ["a"])
    second = tokens.make_token(SECRET, tokens.CONFIRM, "anna@example.org", ["a"])

    assert first != second


@pytest.mark.parametrize(
    "purpose, age, accepted",
    [
        (tokens.CONFIRM, 47 * 3600, True),
        (tokens.CONFIRM, 49 * 3600, False),
        (tokens.MANAGE, 300 * 86400, True),
        (tokens.UNSUBSCRIBE, 401 * 86400, False),
    ],
)
def test_a_link_expires_after_its_lifetime(purpose, age, accepted):
    token = made_long_ago(purpose, "anna@example.org", age)

    if accepted:
        assert tokens.read_token(SECRET, token, purpose).address == "anna@example.org"
    else:
        with pytest.raises(TokenRefused) as refused:
            tokens.read_token(SECRET, token, purpose)
        assert refused.value.reason == "expired"


def test_a_link_signed_with_another_secret_is_forged():
    token = tokens.make_token("another-secret", tokens.MANAGE, "anna@example.org")

    with pytest.raises(TokenRefused) as refused:
        tokens.read_token(SECRET, token, tokens.MANAGE)

    assert refused.value.reason == "forged"


def test_changing_the_address_in_a_link_breaks_its_signature():
    token = tokens.make_token(SECRET, tokens.MANAGE, "anna@example.org")
    other = tokens.make_token(SECRET, tokens.MANAGE, "bert@example.org")
    # Anna's signature on Bert's payload.
    spliced = other.split(".")[0] + "." + ".".join(token.split(".")[1:])

    with pytest.raises(TokenRefused) as refused:
        tokens.read_token(SECRET, spliced, tokens.MANAGE)

    assert refused.value.reason == "forged"


def test_a_preferences_link_cannot_confirm_or_unsubscribe():
    token = tokens.make_token(SECRET, tokens.MANAGE, "anna@example.org")

    for purpose in (tokens.CONFIRM, tokens.UNSUBSCRIBE):
        with pytest.raises(TokenRefused) as refused:
            tokens.read_token(SECRET, token, purpose)
        assert refused.value.reason == "wrong-purpose"


@pytest.mark.parametrize("value", [None, "", 42, "x" * 5000, "één.twee.drie", "abc"])
def test_what_is_not_a_link_is_malformed(value):
    with pytest.raises(TokenRefused) as refused:
        tokens.read_token(SECRET, value, tokens.MANAGE)

    assert refused.value.reason == "malformed"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=100).map(repr)))
def test_the_token_parser_refuses_any_text_with_its_own_error(text):
    with pytest.raises(TokenRefused) as refused:
        tokens.read_token(SECRET, text, tokens.CONFIRM)

    assert refused.value.reason in TokenRefused.REASONS


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), char=st.characters())
def test_a_link_changed_in_one_place_is_refused(position, char):
    token = tokens.make_token(SECRET, tokens.UNSUBSCRIBE, "anna@example.org", ["a"])
    position %= len(token)
    changed = token[:position] + char + token[position + 1 :]

    if changed == token:
        return
    try:
        data = tokens.read_token(SECRET, changed, tokens.UNSUBSCRIBE)
    except TokenRefused as refused:
        assert refused.reason in TokenRefused.REASONS
    else:
        # base64 ignores some changes to trailing bits; what it reads back
        # must then be exactly the original.
        assert data.address == "anna@example.org"
