"""The signed links in every mail: confirm, manage preferences, unsubscribe.

A link carries its own data (the address, what it is for, the channels and
where consent was asked) signed with the platform's secret, so nothing has to
be stored for an address that never confirms, and any instance can check a
link made by another. Signing and expiry come from itsdangerous (HMAC-SHA256
with a timestamp); this module only decides what a link holds, how long it
lives and what a refused link is called.

A confirmation link works once and for 48 hours. Preference and unsubscribe
links live long, because an old newsletter's unsubscribe link must keep
working (RFC 8058 asks that it does); they are bound to the address they
were sent to, so the worst a forwarded mail can do is unsubscribe its
recipient.
"""

from dataclasses import dataclass
from pro.mail.exceptions import TokenRefused
import hashlib
import itsdangerous
import secrets


CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"

MAX_AGE = {
    CONFIRM: 48 * 3600,
    MANAGE: 400 * 24 * 3600,
    UNSUBSCRIBE: 400 * 24 * 3600,
}

# Longer than any link the platform makes; longer text is refused unread.
MAX_TOKEN_LENGTH = 4000

_SALT = "pro.mail.link"


@dataclass(frozen=True)
class LinkData:
    """What a signed link says, once it was checked."""

    purpose: str
    address: str
    channels: tuple[str, ...] = ()
    where: str = ""
    nonce: str = ""
    issued_at: float = 0.0


def make_token(
    secret: str,
    purpose: str,
    address: str,
    channels=(),
    where: str = "",
) -> str:
    """A signed, URL-safe token for ``purpose``; confirmations get a nonce."""
    if purpose not in MAX_AGE:
        raise ValueError(f"unknown token purpose {purpose!r}")
    payload = {"p": purpose, "a": address, "c": list(channels), "w": where}
    if purpose == CONFIRM:
        payload["n"] = secrets.token_urlsafe(12)
    return link_serializer(secret).dumps(payload)


def read_token(secret: str, token, purpose: str, now: float | None = None) -> LinkData:
    """Check ``token`` and return what it says.

    :raises TokenRefused: with ``reason`` ``"malformed"`` (not a token at all),
        ``"forged"`` (the signature does not match), ``"expired"`` or
        ``"wrong-purpose"`` (a valid link made for something else). Whether a
        confirmation was already used is checked by the caller, which knows
        the used nonces.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenRefused("malformed")
    if not token.isascii() or token.count(".") not in (2, 3):
        raise TokenRefused("malformed")

    signed = link_serializer(secret)
    try:
        payload, issued = signed.loads(token, return_timestamp=True)
    except itsdangerous.SignatureExpired:
        raise TokenRefused("expired") from None
    except itsdangerous.BadSignature:
        raise TokenRefused("forged") from None
    except (itsdangerous.BadData, ValueError, TypeError, UnicodeError):
        raise TokenRefused("malformed") from None

    data = _link_data(payload, issued.timestamp())
    if data.purpose != purpose:
        raise TokenRefused("wrong-purpose")
    age = (now if now is not None else _now()) - data.issued_at
    if age > MAX_AGE[purpose] or age < -300:
        raise TokenRefused("expired")
    return data


def _link_data(payload, issued_at: float) -> LinkData:
    # The signature matched, so the payload is ours; it is still checked, as a
    # leaked secret must not turn into a crash.
    if not isinstance(payload, dict):
        raise TokenRefused("malformed")
    purpose, address = payload.get("p"), payload.get("a")
    channels, where = payload.get("c", []), payload.get("w", "")
    nonce = payload.get("n", "")
    if purpose not in MAX_AGE or not isinstance(address, str):
        raise TokenRefused("malformed")
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise TokenRefused("malformed")
    if not isinstance(where, str) or not isinstance(nonce, str):
        raise TokenRefused("malformed")
    if purpose == CONFIRM and not nonce:
        raise TokenRefused("malformed")
    return LinkData(purpose, address, tuple(channels), where, nonce, issued_at)


def link_serializer(
    secret: str, signer=itsdangerous.TimestampSigner
) -> itsdangerous.URLSafeTimedSerializer:
    """The signer of every link: HMAC-SHA256 with a timestamp."""
    return itsdangerous.URLSafeTimedSerializer(
        secret,
        salt=_SALT,
        signer=signer,
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def _now() -> float:
    import time

    return time.time()
