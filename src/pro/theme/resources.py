"""The style sheet and script tags of visitors' pages, made once per process.

Plone's resource viewlets build every page's ``<link>`` and ``<script>`` tags
from scratch: for each bundle they traverse to its file, read it and hash it
for the cache-busting URL and the integrity attribute. On the platform's pages
that was a seventh of an anonymous page's time. What the tags depend on is
small and cheap to read: the bundle records and the theme's settings in the
registry, the request's host and its enabled or disabled bundles, each bundle
expression's answer, and files that change only with a deploy. These
viewlets read exactly those inputs and keep Plone's rendering per distinct set
of them, so a change of any input renders afresh, on every instance, without a
counter that could miss one.

Plone renders, unchanged, whenever a kept copy could be wrong:

- for signed-in users, who may see a page in the middle of changing these
  settings and get Plone's status messages about broken bundles;
- in debug mode, where files on disk change while the process runs;
- while the persistent resource directory holds anything (overrides of
  ``++plone++`` files, through-the-web themes), which is content;
- for bundles whose files are not on the file system (a path into the site's
  content), whose content can change without their record changing.

No package offers this: plone.app.caching keeps whole pages, which does not
help the pages it must not keep, and Plone's ``webresource`` objects are made
anew on each request, so their own memo of the hash never outlives one.
"""

from App.config import getConfiguration
from collections import OrderedDict
from plone.app.theming.interfaces import IThemeSettings
from plone.app.theming.utils import theming_policy
from plone.registry.interfaces import IRegistry
from plone.resource.interfaces import IResourceDirectory
from Products.CMFCore.Expression import Expression
from Products.CMFPlone.resources.browser.resource import REQUEST_CACHE_KEY
from Products.CMFPlone.resources.browser.resource import ScriptsView
from Products.CMFPlone.resources.browser.resource import StylesView
from Products.CMFPlone.resources.utils import evaluateExpression
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.component import queryUtility
import threading


# A handful of keys serve a platform (one per host name and bundle choice);
# the bound keeps made-up Host headers from growing the memo.
MAX_RENDERINGS = 64

BUNDLE_PREFIX = "plone.bundles/"
CUSTOM_CSS = f"{IThemeSettings.__identifier__}.custom_css"
# Files from these are Python packages' files, fixed for the process's life.
FILE_SYSTEM_PREFIXES = ("++plone++", "++resource++", "++theme++")

_renderings: OrderedDict = OrderedDict()
_expressions: dict[str, Expression] = {}
_lock = threading.Lock()


class _KeptRendering:
    """Both resource viewlets share one rendering per request, as in Plone."""

    def update(self):
        if getattr(self.request, REQUEST_CACHE_KEY, None) is not None:
            return super().update()
        key = self._rendering_key()
        if key is None:
            return super().update()
        with _lock:
            kept = _renderings.get(key)
            if kept is not None:
                _renderings.move_to_end(key)
        if kept is not None:
            self.rendered = dict(kept)
            setattr(self.request, REQUEST_CACHE_KEY, self.rendered)
            return None
        super().update()
        with _lock:
            _renderings[key] = dict(self.rendered)
            while len(_renderings) > MAX_RENDERINGS:
                _renderings.popitem(last=False)
        return None

    def _rendering_key(self):
        """Everything the tags depend on, or ``None`` when Plone must render."""
        portal_state = getMultiAdapter(
            (self.context, self.request), name="plone_portal_state"
        )
        if getConfiguration().debug_mode or not portal_state.anonymous():
            return None
        if not _no_persistent_resources():
            return None
        registry = getUtility(IRegistry)
        bundles = []
        for name in registry.records.keys(BUNDLE_PREFIX, BUNDLE_PREFIX + "\uffff"):
            value = registry.get(name)
            if name.endswith((".jscompilation", ".csscompilation")) and value:
                if not _fixed(value):
                    return None
            bundles.append((name, _hashable(value)))
            if name.endswith(".expression") and value:
                try:
                    bundles.append((name, self._evaluate(value)))
                except Exception:
                    # A broken expression of a bundle that may not even be
                    # on the page: Plone's rendering decides what it means.
                    return None
        theme = _theme_inputs(self.request)
        if theme is None:
            return None
        enabled, disabled = self._request_bundles()
        return (
            portal_state.portal_url(),
            tuple(bundles),
            theme,
            registry.get(CUSTOM_CSS),
            tuple(sorted(enabled)),
            tuple(sorted(disabled)),
        )

    def _evaluate(self, text: str) -> bool:
        expression = _expressions.get(text)
        if expression is None:
            expression = _expressions[text] = Expression(text)
        return bool(evaluateExpression(expression, self.context))


class Styles(_KeptRendering, StylesView):
    """Plone's style sheet tags, kept per process for visitors."""


class Scripts(_KeptRendering, ScriptsView):
    """Plone's script tags, kept per process for visitors."""


def _no_persistent_resources() -> bool:
    """Whether the site's persistent resource directory holds no file.

    Plone makes its override directory on first use; empty folders serve
    nothing and change nothing.
    """
    directory = queryUtility(IResourceDirectory, name="persistent")
    if directory is None:
        return True
    for name in directory.listDirectory():
        if not directory.isDirectory(name):
            return False
        if directory[name].listDirectory():
            return False
    return True


def _theme_inputs(request):
    """The Diazo theme's part of the tags, ``False`` without a theme, or
    ``None`` when the theme's files are not on the file system."""
    policy = theming_policy(request)
    if not policy.isThemeEnabled():
        return False
    theme = policy.get_theme()
    if theme is None:
        return False
    files = (
        theme.production_css,
        theme.development_css,
        theme.production_js,
        theme.development_js,
    )
    if not all(_fixed(path) for path in files if path):
        return None
    return (
        theme.__name__,
        files,
        _hashable(theme.enabled_bundles),
        _hashable(theme.disabled_bundles),
    )


def _hashable(value):
    return tuple(value) if isinstance(value, list | set | tuple) else value


def _fixed(path: str) -> bool:
    """Whether ``path`` names a package's file or an external URL: neither
    can change while the process runs (the URL is all the tag holds)."""
    return path.startswith(FILE_SYSTEM_PREFIXES) or path.startswith(
        ("http://", "https://", "//")
    )
