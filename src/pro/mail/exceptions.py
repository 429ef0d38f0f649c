"""Errors of the e-mail service.

Each one names what was wrong in words a visitor or an editor can act on; the
views and REST services turn them into a page or a JSON error.
"""


class MailError(Exception):
    """Base of every error of the e-mail service."""


class SubscriptionRefused(MailError):
    """A subscription request was refused before anything was written.

    :ivar errors: field name → message saying how to fix it (an i18n message
        of the domain "pro", translated where it is shown).
    """

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class TooManyRequests(MailError):
    """The same address or client asked too often; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many requests; try again in {retry_after} seconds.")


class TokenRefused(MailError):
    """A signed link was refused.

    :ivar reason: ``"malformed"``, ``"forged"``, ``"expired"``, ``"wrong-purpose"``
        or ``"used"``; the pages explain each to the visitor.
    """

    REASONS = ("malformed", "forged", "expired", "wrong-purpose", "used")

    def __init__(self, reason: str):
        assert reason in self.REASONS
        self.reason = reason
        super().__init__(f"The link was refused: {reason}.")


class IssueNotSendable(MailError):
    """A newsletter issue cannot be sent as asked; the message says why."""
