"""An external Matomo or Piwik PRO tracker per site, privacy first.

A site owner may add their organisation's own tracker next to the built-in
statistics. The settings are stored on the site (an annotation, as the
platform's own site settings are) and validated before anything is written:
the tracker's address must be ``https`` and the site id a number (Matomo) or
a UUID (Piwik PRO).

The page gets no inline snippet (the platform's Content-Security-Policy
forbids inline scripts): ``static/analytics.js`` reads the settings from its
``data-`` attributes and starts the tracker with cookies disabled
(``disableCookies``), no user id, and Do Not Track honoured. Masking two
bytes of the IP address is a setting of the tracker's server, not of the
page; the form states it so the organisation configures its server alike.
:class:`TrackerSources` widens the policy with the tracker's origin for that
site only.
"""

from dataclasses import dataclass
from persistent.mapping import PersistentMapping
from pro.interfaces import IContentSecurityPolicySources
from pro.platform.interfaces import IPlatformSite
from pro.stats.exceptions import InvalidAnalyticsSettings
from urllib.parse import urlsplit
from zope.annotation.interfaces import IAnnotations
from zope.interface import implementer
import logging
import re


logger = logging.getLogger("pro.stats")

ANNOTATION_KEY = "pro.stats.analytics"
PROVIDERS = ("matomo", "piwikpro")
IP_MASK_BYTES = 2
_MATOMO_ID = re.compile(r"[1-9][0-9]{0,8}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


@dataclass(frozen=True)
class AnalyticsSettings:
    provider: str = ""
    tracker_url: str = ""
    tracker_site_id: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.provider)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.tracker_url)
        return f"{parts.scheme}://{parts.netloc}"


def analytics_settings(site) -> AnalyticsSettings:
    stored = IAnnotations(site).get(ANNOTATION_KEY) or {}
    return AnalyticsSettings(
        provider=stored.get("provider", ""),
        tracker_url=stored.get("tracker_url", ""),
        tracker_site_id=stored.get("tracker_site_id", ""),
    )


def validate_analytics(data: dict) -> AnalyticsSettings:
    """Check the settings a site owner sent; an empty provider switches off.

    :raises InvalidAnalyticsSettings: naming every bad field.
    """
    provider = (data.get("provider") or "").strip()
    url = (data.get("tracker_url") or "").strip()
    site_id = (data.get("tracker_site_id") or "").strip().lower()
    if not provider:
        return AnalyticsSettings()

    errors = {}
    if provider not in PROVIDERS:
        errors["provider"] = "Choose Matomo or Piwik PRO, or none."
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or not _HOST.fullmatch(parts.hostname or "")
        or parts.username
        or parts.query
        or parts.fragment
    ):
        errors["tracker_url"] = (
            "Give the tracker's https address, e.g. https://statistiek.example.nl/"
        )
    if provider == "matomo" and not _MATOMO_ID.fullmatch(site_id):
        errors["tracker_site_id"] = "Give Matomo's site id, a number such as 3."
    if provider == "piwikpro" and not _UUID.fullmatch(site_id):
        errors["tracker_site_id"] = (
            "Give Piwik PRO's site id, a UUID such as "
            "0e5f9e3c-1a2b-4c3d-8e9f-0a1b2c3d4e5f."
        )
    if errors:
        raise InvalidAnalyticsSettings(errors)
    if not url.endswith("/"):
        url += "/"
    return AnalyticsSettings(provider, url, site_id)


def store_analytics(site, settings: AnalyticsSettings) -> None:
    annotations = IAnnotations(site)
    stored = annotations.get(ANNOTATION_KEY)
    if stored is None:
        stored = annotations[ANNOTATION_KEY] = PersistentMapping()
    stored.update(
        provider=settings.provider,
        tracker_url=settings.tracker_url,
        tracker_site_id=settings.tracker_site_id,
    )
    logger.info(
        "External analytics of %s: %s", site.getId(), settings.provider or "off"
    )


@implementer(IContentSecurityPolicySources)
class TrackerSources:
    """The tracker's origin for scripts, requests and images, where set."""

    def sources(self, site) -> dict[str, list[str]]:
        if site is None or not IPlatformSite.providedBy(site):
            return {}
        settings = analytics_settings(site)
        if not settings.enabled:
            return {}
        origin = settings.origin
        return {"script-src": [origin], "connect-src": [origin], "img-src": [origin]}
