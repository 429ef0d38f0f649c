"""Pages of the theme: a site's logo and favicon, the form where site owners
change their site's identity, and the platform's theme settings."""

from plone import api as plone_api
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.autoform.form import AutoExtensibleForm
from plone.z3cform.layout import wrap_form
from pro import _
from pro.platform import api
from pro.platform.exceptions import SiteValidationError
from pro.platform.settings import site_settings
from pro.platform.views import show_field_errors
from pro.theme.identity import identity_for
from pro.theme.identity import stored_image
from pro.theme.images import data_uri
from pro.theme.interfaces import IThemeSettings
from Products.Five.browser import BrowserView
from z3c.form import button
from z3c.form import form
from zExceptions import NotFound
from zope import schema
from zope.interface import Interface


# An image's URL carries its version, so a matching request may be cached
# for a year; without it (an old link), for a few minutes only.
CACHE_VERSIONED = "public, max-age=31536000, immutable"
CACHE_UNVERSIONED = "public, max-age=300"

# Served SVG may be opened on its own; even then it may run nothing and
# load nothing, whatever the cleaning missed.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class SiteImage(BrowserView):
    """The site's logo or favicon, as stored in its identity."""

    def logo(self) -> bytes:
        return self._serve("logo")

    def favicon(self) -> bytes:
        return self._serve("favicon")

    def _serve(self, name: str) -> bytes:
        image = stored_image(self.context, name)
        if image is None:
            raise NotFound(name)
        media_type, data = image
        versioned = self.request.form.get("v") == identity_for(self.context).version
        response = self.request.response
        response.setHeader("Content-Type", media_type)
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Content-Security-Policy", IMAGE_POLICY)
        response.setHeader(
            "Cache-Control", CACHE_VERSIONED if versioned else CACHE_UNVERSIONED
        )
        return data


class ISiteIdentity(Interface):
    wordmark = schema.TextLine(
        title=_("label_wordmark", default="Wordmark"),
        description=_(
            "help_wordmark",
            default="The organisation's name as the header shows it beside the emblem.",
        ),
        required=False,
    )
    primary_color = schema.TextLine(
        title=_("label_identity_primary_color", default="Primary colour"),
        description=_(
            "help_identity_primary_color",
            default="Written as #rrggbb. Used for the menu, buttons and links; "
            "white text on it must reach a contrast of 4.5:1.",
        ),
        required=False,
    )
    secondary_color = schema.TextLine(
        title=_("label_identity_secondary_color", default="Secondary colour"),
        description=_(
            "help_identity_secondary_color",
            default="Written as #rrggbb. Used for bands behind text; dark text "
            "on it must reach a contrast of 4.5:1.",
        ),
        required=False,
    )
    logo = schema.Bytes(
        title=_("label_logo", default="Logo"),
        description=_(
            "help_logo",
            default="Optional, SVG or PNG, at most 200 KB, shown beside the "
            "wordmark. SVG files are cleaned of scripts and links to other "
            "files.",
        ),
        required=False,
    )
    remove_logo = schema.Bool(
        title=_("label_remove_logo", default="Remove the logo"),
        description=_("help_remove_logo", default="Show the wordmark and emblem only."),
        required=False,
    )
    favicon = schema.Bytes(
        title=_("label_favicon", default="Favicon"),
        description=_(
            "help_favicon",
            default="Optional, SVG, PNG or ICO, at most 100 KB: the small icon "
            "browsers show in tabs and bookmarks.",
        ),
        required=False,
    )
    remove_favicon = schema.Bool(
        title=_("label_remove_favicon", default="Remove the favicon"),
        description=_(
            "help_remove_favicon", default="Browsers show the platform's icon."
        ),
        required=False,
    )
    footer_links = schema.Text(
        title=_("label_footer_links", default="Service links"),
        description=_(
            "help_footer_links",
            default="Shown in the footer, one per line as 'title | address', "
            "for example 'Contact | /contact' or "
            "'Privacy | https://www.example.nl/privacy'.",
        ),
        required=False,
    )
    social_links = schema.Text(
        title=_("label_social_links", default="Social media"),
        description=_(
            "help_social_links",
            default="The site's accounts, one https:// address per line; "
            "write 'name | address' for a network other than the well-known "
            "ones.",
        ),
        required=False,
    )


# Form fields that the site factory's error keys belong to.
ERROR_WIDGETS = {
    "identity": "wordmark",
    "identity.wordmark": "wordmark",
    "identity.primary_color": "primary_color",
    "identity.secondary_color": "secondary_color",
    "identity.logo": "logo",
    "identity.favicon": "favicon",
    "identity.footer_links": "footer_links",
    "identity.social_links": "social_links",
}


class SiteIdentity(AutoExtensibleForm, form.Form):
    """The site owners' form for their site's identity.

    It changes the site through :func:`pro.platform.api.update_site`, so a
    colour or file refused there is refused here with the same message, at
    its field, and nothing changes.
    """

    schema = ISiteIdentity
    ignoreContext = False
    label = _("heading_site_identity", default="Identity of this site")
    description = _(
        "description_site_identity",
        default="How visitors recognise the site: its name, colours, logo and "
        "the links in its footer.",
    )

    def getContent(self) -> dict:
        identity = site_settings(self.context).identity
        return {
            "wordmark": identity.get("wordmark", ""),
            "primary_color": identity.get("primary_color", ""),
            "secondary_color": identity.get("secondary_color", ""),
            "logo": None,
            "remove_logo": False,
            "favicon": None,
            "remove_favicon": False,
            "footer_links": _links_as_lines(identity.get("footer_links") or ()),
            "social_links": _links_as_lines(identity.get("social_links") or ()),
        }

    @button.buttonAndHandler(_("button_save_identity", default="Save"), name="save")
    def handle_save(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        changes = _identity_changes(data)
        try:
            api.update_site(
                plone_api.portal.get(), self.context.getId(), {"identity": changes}
            )
        except SiteValidationError as error:
            self._show_errors(error.errors)
            return
        plone_api.portal.show_message(
            _("message_identity_saved", default="The identity was saved."),
            request=self.request,
        )
        self.request.response.redirect(f"{self.context.absolute_url()}/@@site-identity")

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self, errors, lambda key: ERROR_WIDGETS.get(key, "wordmark"))


SiteIdentityForm = wrap_form(SiteIdentity)


class ThemeSettings(RegistryEditForm):
    schema = IThemeSettings
    schema_prefix = "pro.theme"
    label = _("heading_theme_settings", default="Theme of the platform")
    description = _(
        "description_theme_settings",
        default="What every site shows of the government: its name and emblem.",
    )


class ThemeSettingsControlPanel(ControlPanelFormWrapper):
    form = ThemeSettings


def _identity_changes(data: dict) -> dict:
    """The form's values as the site factory's identity settings; an empty
    text field removes its setting, an empty file field keeps the file."""
    changes = {
        name: (data.get(name) or "").strip() or None
        for name in ("wordmark", "primary_color", "secondary_color")
    }
    for name in ("logo", "favicon"):
        if data.get(f"remove_{name}"):
            changes[name] = None
        elif data.get(name):
            changes[name] = _upload_as_uri(data[name])
    changes["footer_links"] = _lines_as_links(data.get("footer_links"))
    changes["social_links"] = _lines_as_links(data.get("social_links"))
    return changes


def _upload_as_uri(content: bytes) -> str:
    # The kind is read from the bytes by the check; this type only makes a
    # well-formed URI.
    return data_uri("application/octet-stream", content)


def _lines_as_links(text: str | None) -> list[dict[str, str]]:
    links = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, separator, url = line.rpartition("|")
        links.append({"title": title.strip() if separator else "", "url": url.strip()})
    return links


def _links_as_lines(links) -> str:
    return "\n".join(
        f"{link['title']} | {link['url']}" if link.get("title") else link["url"]
        for link in links
    )
