"""Errors of the platform's security checks."""


class SecuritySettingsError(Exception):
    """The platform's security.txt settings are missing or out of date."""


class UnsafeURLError(ValueError):
    """A URL points at an address the platform never fetches from.

    :ivar field: the field the URL was given in, for the error message.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class RequestTooLargeError(ValueError):
    """A request body is larger, or its JSON deeper, than the platform accepts."""


class LoginLockedError(Exception):
    """Too many failed logins for an account or from an address.

    :ivar retry_after: whole seconds until the next attempt is let through.
    """

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; retry after {retry_after} s")


class OpenAPIMergeError(ValueError):
    """Two OpenAPI fragments describe the same thing differently."""
