"""The channels an address can subscribe to.

A channel id says what it is and whose it is, so it needs no table of its own:

- ``newsletter:<site>``: the newsletter of a site with the newsletter block;
- ``press:<site>``: the press releases of a site with the press-alerts block;
- ``press:<site>:<topic UID>``: every news item of that site filed under one
  of its topics (a topic filter);
- ``organisation:<slug>``: the press releases of every live site of one
  organisation, for journalists who follow a ministry rather than a site.
"""

from dataclasses import dataclass
from plone import api
from plone.i18n.normalizer.interfaces import IIDNormalizer
from pro import _
from pro.platform.api import list_sites
from pro.platform.settings import site_settings
from zope.component import getUtility


NEWSLETTER = "newsletter"
PRESS = "press"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Channel:
    id: str
    kind: str
    title: str
    site_id: str = ""
    site_title: str = ""


def organisation_slug(organisation: str) -> str:
    return getUtility(IIDNormalizer).normalize(organisation or "", max_length=80)


def site_channels(site) -> list[Channel]:
    """What the site ``site`` offers, in the order its pages show them."""
    settings = site_settings(site)
    if settings is None or api.content.get_state(site, default="") == "archived":
        return []
    site_id, title = settings.site_id, site.Title()
    channels = []
    if "newsletter" in settings.blocks:
        channels.append(
            Channel(
                f"{NEWSLETTER}:{site_id}",
                NEWSLETTER,
                _("channel_newsletter", default="Newsletter"),
                site_id,
                title,
            )
        )
    if "press-alerts" in settings.blocks:
        channels.append(
            Channel(
                f"{PRESS}:{site_id}",
                PRESS,
                _("channel_press", default="Press releases"),
                site_id,
                title,
            )
        )
        for uid, topic_title in _topics(site):
            channels.append(
                Channel(f"{PRESS}:{site_id}:{uid}", PRESS, topic_title, site_id, title)
            )
    return channels


def organisation_channels(portal) -> list[Channel]:
    """One press channel per organisation with a live site that has press alerts."""
    seen = {}
    for site in list_sites(portal):
        settings = site_settings(site)
        if "press-alerts" not in settings.blocks:
            continue
        if api.content.get_state(site, default="") == "archived":
            continue
        slug = organisation_slug(settings.organisation)
        if slug and slug not in seen:
            seen[slug] = Channel(
                f"{ORGANISATION}:{slug}", ORGANISATION, settings.organisation
            )
    return sorted(seen.values(), key=lambda channel: channel.title.lower())


def known_channels(portal) -> dict[str, Channel]:
    """Every channel the platform offers now, by id."""
    channels = {c.id: c for c in organisation_channels(portal)}
    for site in list_sites(portal):
        channels.update((c.id, c) for c in site_channels(site))
    return channels


def channels_of_item(item) -> set[str]:
    """The press channels whose subscribers are alerted when ``item`` is published."""
    settings = site_settings(item)
    if settings is None or "press-alerts" not in settings.blocks:
        return set()
    channels = {
        f"{PRESS}:{settings.site_id}:{uid}" for uid in getattr(item, "topics", ()) or ()
    }
    if getattr(item, "press_release", False):
        channels.add(f"{PRESS}:{settings.site_id}")
        slug = organisation_slug(settings.organisation)
        if slug:
            channels.add(f"{ORGANISATION}:{slug}")
    return channels


def _topics(site) -> list[tuple[str, str]]:
    brains = api.content.find(
        context=site, portal_type="Topic", sort_on="sortable_title"
    )
    return [(brain.UID, brain.Title) for brain in brains]


def resolve_channel(portal, channel_id) -> Channel | None:
    """The channel ``channel_id`` when the platform offers it now, else None."""
    if not isinstance(channel_id, str) or len(channel_id) > 200:
        return None
    kind, _sep, rest = channel_id.partition(":")
    if kind == ORGANISATION:
        return next(
            (c for c in organisation_channels(portal) if c.id == channel_id), None
        )
    site_id = rest.split(":", 1)[0]
    site = portal.get(site_id) if site_id else None
    if site is None or site_settings(site) is None:
        return None
    return next((c for c in site_channels(site) if c.id == channel_id), None)
