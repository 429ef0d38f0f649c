"""The settings of one site, stored on the site itself.

Registry, catalog and users are shared by all child sites (collective.lineage),
so what belongs to one site is kept in an annotation on its root and read through
:func:`site_settings` by every capability that needs it.
"""

from Acquisition import aq_chain
from Acquisition import aq_inner
from dataclasses import dataclass
from persistent.mapping import PersistentMapping
from pro.platform.interfaces import IPlatformSite
from zope.annotation.interfaces import IAnnotations


ANNOTATION_KEY = "pro.platform.site"


@dataclass(frozen=True)
class SiteSettings:
    site_id: str
    organisation: str
    profile: str
    blocks: tuple[str, ...]
    languages: tuple[str, ...]
    identity: dict[str, str]
    domains: tuple[str, ...]
    created: str
    created_by: str

    @property
    def default_language(self) -> str:
        return self.languages[0]


def find_site(context):
    """The platform site ``context`` lies in, or None outside every site."""
    for item in aq_chain(aq_inner(context)):
        if IPlatformSite.providedBy(item):
            return item
    return None


def site_settings(context) -> SiteSettings | None:
    """The settings of the site ``context`` lies in, or None outside every site."""
    site = find_site(context)
    if site is None:
        return None
    stored = IAnnotations(site).get(ANNOTATION_KEY, {})
    return SiteSettings(
        site_id=site.getId(),
        organisation=stored.get("organisation", ""),
        profile=stored.get("profile", ""),
        blocks=tuple(stored.get("blocks", ())),
        languages=tuple(stored.get("languages", ())),
        identity=dict(stored.get("identity", {})),
        domains=tuple(stored.get("domains", ())),
        created=stored.get("created", ""),
        created_by=stored.get("created_by", ""),
    )


def store_settings(site, **values) -> None:
    annotations = IAnnotations(site)
    stored = annotations.get(ANNOTATION_KEY)
    if stored is None:
        stored = annotations[ANNOTATION_KEY] = PersistentMapping()
    for name, value in values.items():
        if isinstance(value, list | tuple):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        stored[name] = value
