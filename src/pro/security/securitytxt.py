"""``/.well-known/security.txt`` (RFC 9116) for the platform and every site.

Where to report a vulnerability is the platform's business, not each
organisation's: the contact, the expiry date and an optional policy are
registry records that platform administrators edit at
``/pro/@@security-settings``. Each site answers with those values, its own
languages and its own canonical addresses (the site's URL and every domain it
is served at), so a researcher who found the file on a site's domain can check
it belongs there.

Until a contact and an expiry date are set, or once the date has passed, the
file answers 404: RFC 9116 tells readers to ignore an expired file, and an
unset contact would point nowhere.
"""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import UTC
from plone import api
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from pro import _
from pro.platform.settings import site_settings
from pro.security.exceptions import SecuritySettingsError
from Products.Five.browser import BrowserView
from zope import schema
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid
from zope.publisher.interfaces import IPublishTraverse
from zope.publisher.interfaces import NotFound


PREFIX = "pro.security"
FILE_NAME = "security.txt"


def _refuse_past_date(value: date) -> bool:
    if value is not None and value <= date.today():
        raise Invalid(
            _(
                "error_security_expires_past",
                default="This date has passed or is today; choose a date in the "
                "future, at most a year ahead, and renew it before it comes.",
            )
        )
    return True


def _refuse_unusable_contact(value: str) -> bool:
    if value and not value.startswith(("mailto:", "https://", "tel:")):
        raise Invalid(
            _(
                "error_security_contact_scheme",
                default="Start the contact with mailto:, https:// or tel:, for "
                "example mailto:security@example.nl.",
            )
        )
    return True


class ISecuritySettings(Interface):
    """What every site's security.txt says; edited by platform administrators."""

    contact = schema.TextLine(
        title=_("label_security_contact", default="Security contact"),
        description=_(
            "help_security_contact",
            default="Where vulnerabilities are reported: mailto:, https:// or "
            "tel:, for example mailto:security@example.nl.",
        ),
        required=True,
        constraint=_refuse_unusable_contact,
    )
    expires = schema.Date(
        title=_("label_security_expires", default="Valid until"),
        description=_(
            "help_security_expires",
            default="After this date the security.txt file is withdrawn; "
            "choose a date at most a year ahead.",
        ),
        required=True,
        constraint=_refuse_past_date,
    )
    policy = schema.URI(
        title=_("label_security_policy", default="Disclosure policy"),
        description=_(
            "help_security_policy",
            default="Optional: the address of the page describing how reports "
            "are handled.",
        ),
        required=False,
    )


class SecuritySettingsForm(RegistryEditForm):
    schema = ISecuritySettings
    schema_prefix = PREFIX
    label = _("heading_security_settings", default="Reporting vulnerabilities")
    description = _(
        "description_security_settings",
        default="The contact and validity every site publishes in its "
        "/.well-known/security.txt.",
    )


class SecuritySettingsControlPanel(ControlPanelFormWrapper):
    form = SecuritySettingsForm


def security_txt(context, today: date | None = None) -> str:
    """The text of the security.txt of the site ``context`` lies in.

    :param context: a child site, or the platform for its own file.
    :raises SecuritySettingsError: when no contact or expiry is set, or the
        expiry date has come.
    """
    contact, expires, policy = _settings()
    today = today or date.today()
    if not contact or expires is None:
        raise SecuritySettingsError("no security contact or expiry date is set")
    if expires <= today:
        raise SecuritySettingsError(f"the expiry date {expires} has passed")

    settings = site_settings(context)
    languages = settings.languages if settings is not None else ("nl", "en")
    lines = [
        f"Contact: {contact}",
        f"Expires: {_end_of_day(expires)}",
        f"Preferred-Languages: {', '.join(languages)}",
        *(f"Canonical: {url}" for url in _canonical_urls(context, settings)),
    ]
    if policy:
        lines.append(f"Policy: {policy}")
    return "\n".join(lines) + "\n"


def _settings() -> tuple[str | None, date | None, str | None]:
    def record(name):
        return api.portal.get_registry_record(f"{PREFIX}.{name}", default=None)

    return record("contact"), record("expires"), record("policy")


def _end_of_day(day: date) -> str:
    moment = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _canonical_urls(context, settings) -> list[str]:
    urls = [f"{context.absolute_url()}/.well-known/{FILE_NAME}"]
    domains = settings.domains if settings is not None else ()
    for domain in domains:
        url = f"https://{domain}/.well-known/{FILE_NAME}"
        if url not in urls:
            urls.append(url)
    return urls


@implementer(IPublishTraverse)
class WellKnown(BrowserView):
    """``/.well-known/security.txt``; every other name below it is not found."""

    name: str | None = None

    def publishTraverse(self, request, name):
        if self.name is not None or name != FILE_NAME:
            raise NotFound(self, name, request)
        self.name = name
        return self

    def __call__(self):
        response = self.request.response
        if self.name != FILE_NAME:
            raise NotFound(self.context, ".well-known", self.request)
        try:
            text = security_txt(self.context)
        except SecuritySettingsError:
            raise NotFound(self.context, FILE_NAME, self.request) from None
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        response.setHeader("Cache-Control", "public, max-age=3600")
        return text
