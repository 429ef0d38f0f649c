"""Test layers for PRO: the platform with every add-on installed.

Suites build on :data:`INTEGRATION_TESTING` (fast, rolled back after each test)
and :data:`FUNCTIONAL_TESTING` (real transactions, a WSGI server for browsers
and HTTP clients). The helpers make sites and users the way a platform
administrator would.
"""

from plone import api
from plone.app.contenttypes.testing import PLONE_APP_CONTENTTYPES_FIXTURE
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing import zope
from pro.platform.setup import install_platform
import requests


class ProLayer(PloneSandboxLayer):
    defaultBases = (PLONE_APP_CONTENTTYPES_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        # Test layers do not run plone.autoinclude, so every add-on's ZCML is
        # loaded here, in the order the platform depends on them.
        import collective.easyform
        import collective.lineage
        import plone.app.caching
        import plone.app.multilingual
        import plone.restapi
        import pro
        import zope.i18n.config

        # Translations are compiled when their ZCML is read, as on a server
        # started with zope_i18n_compile_mo_files.
        zope.i18n.config.COMPILE_MO_FILES = True
        for package in (
            plone.restapi,
            plone.app.multilingual,
            plone.app.caching,
            collective.lineage,
            collective.easyform,
            pro,
        ):
            self.loadZCML(package=package)

    def setUpPloneSite(self, portal):
        install_platform(portal)


FIXTURE = ProLayer()

INTEGRATION_TESTING = IntegrationTesting(bases=(FIXTURE,), name="Pro:Integration")
FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(FIXTURE, zope.WSGI_SERVER_FIXTURE), name="Pro:Functional"
)


def make_user(user_id: str, email: str | None = None, password: str | None = None):
    """A platform user with no roles of their own."""
    return api.user.create(
        username=user_id,
        email=email or f"{user_id}@example.org",
        password=password or f"{user_id}-Secret-1",
    )


def make_site(portal, site_id: str, **fields):
    """A site made through the site factory, as a platform administrator would."""
    from pro.platform.api import create_site

    data = {
        "id": site_id,
        "title": fields.pop("title", site_id.capitalize()),
        "organisation": fields.pop("organisation", f"Ministerie van {site_id}"),
        **fields,
    }
    with api.env.adopt_roles(["Manager"]):
        return create_site(portal, data, creator="admin")


class RestClient(requests.Session):
    """A JSON client for one Plone site served by the functional layer."""

    def __init__(self, base_url: str, auth: tuple[str, str] | None = None):
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"
        self.headers.update({"Accept": "application/json"})
        self.auth = auth

    def request(self, method, url, *args, **kwargs):
        if not url.startswith("http"):
            url = self.base_url + url.lstrip("/")
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)
