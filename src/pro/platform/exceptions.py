"""Errors of the platform: each names the field at fault and how to fix it."""


class PlatformError(Exception):
    """Base of every error the platform raises on purpose."""


class SiteValidationError(PlatformError):
    """The input for a site was refused; nothing was written.

    ``errors`` maps each bad field to a message for the person who filled it in.
    """

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(
            "; ".join(f"{name}: {message}" for name, message in self.errors.items())
        )


class SiteNotFoundError(PlatformError):
    def __init__(self, site_id: str):
        self.site_id = site_id
        super().__init__(f"There is no site with id {site_id!r}.")


class SiteProfileError(PlatformError):
    """A site profile file is not valid; the message names file and field."""
