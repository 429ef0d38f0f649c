"""Browser views of the platform: create a site, the overview, the public list,
and the page where site owners manage their team."""

from plone import api as plone_api
from plone.autoform.form import AutoExtensibleForm
from plone.protect import CheckAuthenticator
from plone.z3cform.layout import wrap_form
from pro import _
from pro.platform import api
from pro.platform.blocks import BLOCKS
from pro.platform.exceptions import SiteValidationError
from pro.platform.settings import site_settings
from pro.platform.site_profiles import available_profiles
from pro.platform.team import group_members
from pro.platform.team import GROUPS
from Products.Five.browser import BrowserView
from z3c.form import button
from z3c.form import form
from z3c.form.browser.checkbox import CheckBoxFieldWidget
from z3c.form.interfaces import IErrorViewSnippet
from zope import schema
from zope.component import getMultiAdapter
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import provider
from zope.schema.interfaces import IContextSourceBinder
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


LANGUAGE_CHOICES = {
    "nl": ("nl",),
    "nl-en": ("nl", "en"),
    "en": ("en",),
}


@provider(IContextSourceBinder)
def profile_source(context):
    return SimpleVocabulary(
        [
            SimpleTerm(name, name, f"{profile.title} ({name})")
            for name, profile in available_profiles().items()
        ]
    )


block_vocabulary = SimpleVocabulary(
    [SimpleTerm(name, name, block.title) for name, block in BLOCKS.items()]
)
language_vocabulary = SimpleVocabulary(
    [
        SimpleTerm("nl", "nl", _("Dutch")),
        SimpleTerm("nl-en", "nl-en", _("Dutch and English")),
        SimpleTerm("en", "en", _("English")),
    ]
)


def _lines_field(title, description) -> schema.List:
    """An optional list of texts, entered one per line."""
    return schema.List(
        title=title,
        description=description,
        value_type=schema.TextLine(),
        required=False,
    )


class ICreateSite(Interface):
    id = schema.ASCIILine(
        title=_("label_site_id", default="Site id"),
        description=_(
            "help_site_id",
            default="The site's address on the platform: lower-case letters, "
            "digits and hyphens, for example 'onderwijs'.",
        ),
    )
    title = schema.TextLine(
        title=_("label_site_title", default="Title"),
        description=_("help_site_title", default="The site's name as visitors see it."),
    )
    organisation = schema.TextLine(
        title=_("label_organisation", default="Organisation"),
        description=_(
            "help_organisation",
            default="The sender named in the wordmark, for example "
            "'Ministerie van Onderwijs'.",
        ),
    )
    description = schema.Text(
        title=_("label_site_description", default="Description"),
        description=_(
            "help_site_description", default="One or two sentences about the site."
        ),
        required=False,
    )
    profile = schema.Choice(
        title=_("label_profile", default="Site profile"),
        description=_(
            "help_profile",
            default="The blueprint the site is made from: its blocks, languages "
            "and colours.",
        ),
        source=profile_source,
        default="organisatie",
    )
    blocks = schema.List(
        title=_("label_blocks", default="Building blocks"),
        description=_(
            "help_blocks",
            default="Leave all unchecked to take the profile's blocks.",
        ),
        value_type=schema.Choice(vocabulary=block_vocabulary),
        required=False,
    )
    languages = schema.Choice(
        title=_("label_languages", default="Languages"),
        description=_("help_languages", default="The first language is the default."),
        vocabulary=language_vocabulary,
        required=False,
    )
    primary_color = schema.TextLine(
        title=_("label_primary_color", default="Primary colour"),
        description=_(
            "help_primary_color",
            default="Written as #rrggbb; white text on it must be readable. "
            "Empty: the profile's colour.",
        ),
        required=False,
    )
    secondary_color = schema.TextLine(
        title=_("label_secondary_color", default="Secondary colour"),
        description=_(
            "help_secondary_color",
            default="Written as #rrggbb; dark text on it must be readable. "
            "Empty: the profile's colour.",
        ),
        required=False,
    )
    domains = _lines_field(
        _("label_domains", default="Domains"),
        _(
            "help_domains",
            default="Host names that serve this site, one per line, for example "
            "www.example.nl.",
        ),
    )
    owners = _lines_field(
        _("label_owners", default="Site owners"),
        _(
            "help_owners",
            default="User ids or e-mail addresses, one per line. Owners manage "
            "the site's team and settings.",
        ),
    )
    chief_editors = _lines_field(
        _("label_chief_editors", default="Chief editors"),
        _(
            "help_chief_editors",
            default="User ids or e-mail addresses, one per line. Chief editors "
            "publish and retract.",
        ),
    )
    editors = _lines_field(
        _("label_editors", default="Editors"),
        _(
            "help_editors",
            default="User ids or e-mail addresses, one per line. Editors write "
            "and submit for publication.",
        ),
    )


# Error keys of the API that belong to a form field of another name.
ERROR_FIELDS = {
    "identity": "primary_color",
    "identity.primary_color": "primary_color",
    "identity.secondary_color": "secondary_color",
    "identity.wordmark": "organisation",
}


class CreateSite(AutoExtensibleForm, form.Form):
    schema = ICreateSite
    ignoreContext = True
    label = _("heading_create_site", default="Create a site")
    description = _(
        "description_create_site",
        default="The site is made in one step and is live at once.",
    )

    def updateWidgets(self):
        self.fields["blocks"].widgetFactory = CheckBoxFieldWidget
        super().updateWidgets()

    @button.buttonAndHandler(
        _("button_create_site", default="Create site"), name="create"
    )
    def handle_create(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        try:
            site = api.create_site(self.context, self._site_fields(data))
        except SiteValidationError as error:
            self._show_errors(error)
            return
        plone_api.portal.show_message(
            _("message_site_created", default="The site was created."),
            request=self.request,
        )
        self.request.response.redirect(site.absolute_url())

    def _site_fields(self, data: dict) -> dict:
        fields = {
            name: data[name]
            for name in ("id", "title", "organisation", "profile")
            if data.get(name) is not None
        }
        fields["description"] = data.get("description") or ""
        if data.get("blocks"):
            fields["blocks"] = list(data["blocks"])
        if data.get("languages"):
            fields["languages"] = list(LANGUAGE_CHOICES[data["languages"]])
        identity = {
            name: data[name]
            for name in ("primary_color", "secondary_color")
            if data.get(name)
        }
        if identity:
            fields["identity"] = identity
        for name in ("domains", "owners", "chief_editors", "editors"):
            values = [value.strip() for value in data.get(name) or () if value.strip()]
            if values:
                fields[name] = values
        return fields

    def _show_errors(self, error: SiteValidationError) -> None:
        show_field_errors(self, error.errors, lambda key: ERROR_FIELDS.get(key, key))


def show_field_errors(form, errors: dict, field_for) -> None:
    """Show each of ``errors`` (key → message) at the form's field for its key.

    The site factory names the fields it refuses; ``field_for`` turns such a
    name into the widget name of ``form``. Errors without a widget are left
    to the form's status message.
    """
    snippets = []
    for key, message in errors.items():
        widget = form.widgets.get(field_for(key))
        if widget is None:
            continue
        snippet = getMultiAdapter(
            (Invalid(message), form.request, widget, widget.field, form, form.context),
            IErrorViewSnippet,
        )
        snippet.update()
        widget.error = snippet
        snippets.append(snippet)
    form.widgets.errors = tuple(snippets)
    form.status = form.formErrorsMessage


CreateSiteForm = wrap_form(CreateSite)


class SitesOverview(BrowserView):
    """Every site with its facts, searchable, for platform administrators."""

    def sites(self) -> list[dict]:
        query = (self.request.form.get("q") or "").strip().lower()
        summaries = [api.site_summary(site) for site in api.list_sites(self.context)]
        if not query:
            return summaries
        return [s for s in summaries if query in _searchable_text(s)]

    def query(self) -> str:
        return self.request.form.get("q") or ""


class PublicSites(BrowserView):
    """The live sites of the platform, for visitors."""

    def sites(self) -> list[dict]:
        live = []
        for site in api.list_sites(self.context):
            if plone_api.content.get_state(site) != "live":
                continue
            settings = site_settings(site)
            live.append(
                {
                    "title": site.Title(),
                    "organisation": settings.organisation,
                    "url": _public_url(site, settings.domains),
                    "domain": settings.domains[0] if settings.domains else "",
                }
            )
        return live


class Robots(BrowserView):
    """robots.txt of one site, pointing at that site's own sitemap."""

    def __call__(self) -> str:
        self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
        site_url = self.context.absolute_url()
        if plone_api.content.get_state(self.context) != "live":
            return "User-agent: *\nDisallow: /\n"
        return (
            f"Sitemap: {site_url}/sitemap.xml.gz\n\n"
            "User-agent: *\n"
            "Disallow: /login\n"
            "Disallow: /search\n"
            "Disallow: /@@search\n"
        )


def _searchable_text(summary: dict) -> str:
    parts = [
        summary["id"],
        summary["title"],
        summary["organisation"],
        summary["profile"],
        summary["state"],
        *summary["domains"],
        *summary["blocks"],
    ]
    return " ".join(parts).lower()


def _public_url(site, domains) -> str:
    if domains:
        return f"https://{domains[0]}/"
    return site.absolute_url()


class SiteTeam(BrowserView):
    """The site owners' page for their site's team: who is in which group.

    Owners add people by user id or e-mail address and remove them; the
    change goes through the site factory's own validation, so an unknown user
    is refused with a message and nothing changes. The forms carry the token
    that plone.protect adds to every form of an authenticated page, and a
    change without it is refused.
    """

    roles = (
        ("owners", _("Site owners")),
        ("chief_editors", _("Chief editors")),
        ("editors", _("Editors")),
    )

    def __call__(self):
        self.errors: dict[str, str] = {}
        if self.request.method == "POST":
            self._change_team()
        return self.index()

    def members(self, role: str) -> list[dict]:
        rows = []
        for user_id in group_members(self.context, role):
            user = plone_api.user.get(userid=user_id)
            name = user.getProperty("fullname") if user is not None else ""
            rows.append({"id": user_id, "name": name or user_id})
        return rows

    def _change_team(self) -> None:
        CheckAuthenticator(self.request)
        form = self.request.form
        role = form.get("role")
        if role not in GROUPS:
            self.errors["role"] = "Choose one of the groups."
            return
        members = group_members(self.context, role)
        if form.get("remove"):
            members = [user_id for user_id in members if user_id != form["remove"]]
        elif (form.get("add") or "").strip():
            members = [*members, form["add"].strip()]
        portal = plone_api.portal.get()
        try:
            api.update_site(portal, self.context.getId(), {role: members})
        except SiteValidationError as error:
            self.errors = error.errors
            return
        plone_api.portal.show_message(
            _("message_team_changed", default="The team was changed."),
            request=self.request,
        )
