"""The parts of every page that show a site's identity.

Each viewlet reads the identity of the site being viewed through
:func:`pro.theme.identity.identity_for`; the Diazo theme (``diazo/rules.xml``)
puts their output in place.
"""

from collections import defaultdict
from html import escape
from plone.app.layout.viewlets.common import GlobalSectionsViewlet
from plone.app.layout.viewlets.common import PathBarViewlet
from plone.app.layout.viewlets.common import ViewletBase
from plone.app.multilingual.interfaces import ITranslationManager
from plone.base.interfaces import ILanguage
from plone.base.utils import safe_text
from plone.memoize.view import memoize
from plone.registry.interfaces import IRegistry
from pro.platform.settings import find_site
from pro.platform.settings import site_settings
from pro.theme.identity import css_properties
from pro.theme.identity import Identity
from pro.theme.identity import identity_for
from pro.theme.interfaces import IThemeSettings
from urllib.parse import urlsplit
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.i18n import translate


DEFAULT_EMBLEM = "++plone++pro.theme/emblem.svg"
DEFAULT_FAVICON = "++plone++pro.theme/favicon.svg"

# Each language named in itself, as a visitor looking for it would read it.
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
}


class IdentityViewletBase(ViewletBase):
    """A viewlet that shows part of the identity of the site being viewed."""

    @property
    def identity(self) -> Identity:
        # Head, header and footer each show part of it: read it once a page,
        # not once a viewlet as a per-view memo would.
        key = "pro.theme.identity:" + "/".join(self.context.getPhysicalPath())
        annotations = IAnnotations(self.request)
        if key not in annotations:
            annotations[key] = identity_for(self.context)
        return annotations[key]


class IdentityHeadViewlet(IdentityViewletBase):
    """The site's colours as CSS custom properties, and its favicon."""

    def css(self) -> str:
        return css_properties(self.identity)

    def favicon(self) -> str:
        return (
            self.identity.favicon
            or f"{self.portal_state.portal_url()}/{DEFAULT_FAVICON}"
        )


class BrandViewlet(IdentityViewletBase):
    """Emblem, government and wordmark: who speaks on this site."""

    def update(self):
        super().update()
        self.home_url = self.portal_state.navigation_root_url()

    def emblem(self) -> str:
        chosen = (_theme_settings().emblem_url or "").strip()
        portal_url = self.portal_state.portal_url()
        if not chosen:
            return f"{portal_url}/{DEFAULT_EMBLEM}"
        if urlsplit(chosen).scheme in ("http", "https"):
            return chosen
        return f"{portal_url}/{chosen.lstrip('/')}"

    def government(self) -> str:
        return _theme_settings().government_name or ""


class NavigationViewlet(GlobalSectionsViewlet):
    """Plone's main navigation, in a labelled landmark that folds into a
    panel on small screens, without the folders of further languages (the
    language switch leads there) and with the current section marked."""

    _item_markup_template = (
        '<li class="{id}{has_sub_class} nav-item">'
        '<a href="{url}" class="state-{review_state} nav-link"'
        "{aria_haspopup}{current}>{title}</a>{opener}"
        "{sub}"
        "</li>"
    )

    @property
    @memoize
    def navtree(self):
        if self.settings.navigation_depth > 1:
            tree = super().navtree
        else:
            tree = self._top_level()
        settings = site_settings(self.context)
        if settings is not None and len(settings.languages) > 1:
            site_path = "/".join(find_site(self.context).getPhysicalPath())
            branches = {f"{site_path}/{code}" for code in settings.languages[1:]}
            tree[site_path] = [
                entry for entry in tree[site_path] if entry["path"] not in branches
            ]
        return tree

    def _top_level(self) -> dict[str, list[dict]]:
        """The menu of a one-level navigation: the portal tabs alone.

        Plone's navigation queries the catalog a second time for the levels
        below the tabs, and at one level that query finds only the tabs
        again, on every page."""
        root = self.navtree_path
        tree = defaultdict(list)
        for tab in self.portal_tabs:
            entry = {
                "review_state": None,
                **tab,
                "path": f"{root}/{tab['id']}",
                "uid": tab["id"],
            }
            if "title" in tab:
                # Tabs made from actions carry a message id as title.
                title = translate(tab["title"], domain="plone", context=self.request)
            else:
                title = tab.get("name") or tab.get("description") or tab["id"]
            entry["title"] = escape(safe_text(title))
            self.customize_tab(entry, tab)
            tree[root].append(entry)
        return tree

    def customize_tab(self, entry, tab):
        entry["current"] = self._current(entry["url"])

    def customize_entry(self, entry, brain):
        entry["current"] = self._current(entry["url"])

    def _current(self, url: str) -> str:
        """``aria-current`` for a menu item: "page" on the item itself (or its
        default page), "true" anywhere below it."""
        here = _page_url(self.request)
        context_state = getMultiAdapter(
            (self.context, self.request), name="plone_context_state"
        )
        canonical = context_state.canonical_object_url()
        if url == here or (
            url == canonical and here in (canonical, self.context.absolute_url())
        ):
            return ' aria-current="page"'
        if url != self.portal_state.navigation_root_url() and here.startswith(
            url + "/"
        ):
            return ' aria-current="true"'
        return ""


class BreadcrumbsViewlet(PathBarViewlet):
    """Plone's breadcrumbs as an NL Design System breadcrumb navigation."""


class LanguageSwitchViewlet(IdentityViewletBase):
    """Links to this page in the site's other languages.

    Shown only on sites with more than one language. A page without a
    translation links to the home page of that language instead, so every
    language a site has can always be reached.
    """

    def available(self) -> bool:
        return len(self.identity.languages) > 1

    def languages(self) -> list[dict]:
        site = find_site(self.context)
        settings = site_settings(site)
        current = ILanguage(self.context).get_language() or settings.languages[0]
        translations = self._translations()
        links = []
        for index, code in enumerate(settings.languages):
            root = site if index == 0 else site.get(code)
            if root is None:
                continue
            target = translations.get(code) or root
            links.append(
                {
                    "code": code,
                    "name": LANGUAGE_NAMES.get(code, code),
                    "url": target.absolute_url(),
                    "current": code == current,
                }
            )
        return links

    def _translations(self) -> dict:
        try:
            manager = ITranslationManager(self.context)
        except TypeError:
            return {}
        return manager.get_restricted_translations()


class FooterViewlet(IdentityViewletBase):
    """The site's service links and social media links."""

    def service_links(self) -> list[dict]:
        if self.identity.footer_links:
            return list(self.identity.footer_links)
        # A site that chose none gets Plone's own site actions (sitemap,
        # accessibility, contact), so the footer is never empty.
        context_state = getMultiAdapter(
            (self.context, self.request), name="plone_context_state"
        )
        actions = context_state.actions("site_actions")
        return [{"title": action["title"], "url": action["url"]} for action in actions]

    def social_links(self) -> list[dict]:
        return list(self.identity.social_links)


def _page_url(request) -> str:
    """The URL the visitor asked for, without a trailing ``/`` or ``/view``."""
    url = (request.get("ACTUAL_URL") or "").rstrip("/")
    return url.removesuffix("/view")


def _theme_settings() -> IThemeSettings:
    # check=False: a platform installed before these settings existed reads
    # the defaults instead of failing, until its profile is applied again.
    return getUtility(IRegistry).forInterface(
        IThemeSettings, prefix="pro.theme", check=False
    )
