"""The site factory and the site registry.

The form, the REST service and the command line all call these functions, so a
site made one way is the same as a site made another. Each writing function
first validates all of its input, naming every bad field at once, and only then
writes; the writes run inside a savepoint that is rolled back on any failure, so
even a caller that catches the error keeps nothing half-made.
"""

from Acquisition import aq_base
from collections.abc import Mapping
from collective.lineage.utils import enable_childsite
from dataclasses import dataclass
from DateTime import DateTime
from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
from plone.base.interfaces import ILanguage
from plone.base.interfaces.constrains import ENABLED
from plone.base.interfaces.constrains import ISelectableConstrainTypes
from plone.base.interfaces.syndication import IFeedSettings
from plone.dexterity.utils import createContentInContainer
from pro.landing.content import BLOCK_TYPES
from pro.platform import logger
from pro.platform.blocks import all_block_types
from pro.platform.blocks import BASE_TYPES
from pro.platform.blocks import block_types
from pro.platform.blocks import BLOCKS
from pro.platform.domains import sync_domains
from pro.platform.exceptions import SiteNotFoundError
from pro.platform.exceptions import SiteValidationError
from pro.platform.interfaces import ILanguageBranch
from pro.platform.interfaces import IPlatformSite
from pro.platform.settings import site_settings
from pro.platform.settings import store_settings
from pro.platform.site_profiles import available_profiles
from pro.platform.site_profiles import SiteProfile
from pro.platform.team import create_site_groups
from pro.platform.team import delete_site_groups
from pro.platform.team import find_user
from pro.platform.team import group_id
from pro.platform.team import group_members
from pro.platform.team import GROUPS
from pro.platform.team import set_group_members
from pro.platform.workflow import bind_site_policy
from pro.security.exceptions import UnsafeURLError
from pro.security.urls import check_public_host
from pro.theme.contrast import contrast_ratio
from pro.theme.contrast import NORMAL_TEXT
from pro.theme.contrast import parse_hex
from Products.CMFCore.utils import getToolByName
from zope.component import queryUtility
from zope.interface import alsoProvides
from zope.security.interfaces import IPermission
import re
import transaction


SITE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Ids a site may not take because the platform or Zope already use them.
RESERVED_IDS = frozenset(
    {"mediatheek", "media", "sites", "login", "logout", "search", "api", "static"}
)

CREATE_FIELDS = frozenset(
    {
        "id",
        "title",
        "description",
        "organisation",
        "profile",
        "blocks",
        "languages",
        "identity",
        "domains",
        *GROUPS,
    }
)
UPDATE_FIELDS = frozenset(
    {
        "title",
        "description",
        "organisation",
        "blocks",
        "identity",
        "domains",
        "state",
        *GROUPS,
    }
)
SITE_STATES = {"live": "reopen", "archived": "archive"}
IDENTITY_FIELDS = frozenset(
    {
        "wordmark",
        "primary_color",
        "secondary_color",
        "logo",
        "favicon",
        "footer_links",
        "social_links",
    }
)
MAX_TITLE = 200

# The theme writes white on the primary colour and body text on the secondary.
TEXT_ON_PRIMARY = "#ffffff"
TEXT_ON_SECONDARY = "#1a1a1a"


@dataclass(frozen=True)
class SitePlan:
    """Input for a new site that passed validation, with defaults filled in."""

    id: str
    title: str
    description: str
    organisation: str
    profile: SiteProfile
    blocks: tuple[str, ...]
    languages: tuple[str, ...]
    identity: dict[str, str]
    domains: tuple[str, ...]
    members: dict[str, tuple[str, ...]]


def create_site(portal, data: Mapping, creator: str | None = None):
    """Make a complete site for an organisation in one step.

    :param portal: the platform's Plone site.
    :param data: the fields of the site, as the REST service documents them.
    :param creator: the user id recorded as the site's creator.
    :returns: the new site's root object.
    :raises SiteValidationError: naming every bad field; nothing is written.
    """
    plan = validate_new_site(portal, data)

    savepoint = transaction.savepoint()
    try:
        with api.env.adopt_roles(["Manager"]):
            site = _build_site(portal, plan, creator or _current_user_id())
    except Exception:
        savepoint.rollback()
        raise

    logger.info(
        "Created site %s (%s) from profile %s with blocks %s",
        plan.id,
        plan.organisation,
        plan.profile.name,
        ",".join(plan.blocks),
    )
    return site


def update_site(portal, site_id: str, data: Mapping):
    """Change a site's blocks, identity, domains, texts or team.

    Disabling a block hides its folder and stops new items of its types; the
    content already there is kept.

    :raises SiteNotFoundError: when there is no such site.
    :raises SiteValidationError: naming every bad field; nothing is written.
    """
    site = get_site(portal, site_id)
    changes = validate_site_changes(portal, site, data)

    savepoint = transaction.savepoint()
    try:
        with api.env.adopt_roles(["Manager"]):
            _apply_changes(portal, site, changes)
    except Exception:
        savepoint.rollback()
        raise

    logger.info("Changed site %s: %s", site_id, ", ".join(sorted(changes)))
    return site


def archive_site(portal, site_id: str):
    """Hide a site from visitors and keep everything in it."""
    return update_site(portal, site_id, {"state": "archived"})


def reopen_site(portal, site_id: str):
    """Open an archived site to visitors again."""
    return update_site(portal, site_id, {"state": "live"})


def delete_site(portal, site_id: str, confirm: str | None) -> None:
    """Delete a site, its content and its groups.

    :param confirm: must repeat the site's id; deleting is not undone.
    :raises SiteValidationError: when ``confirm`` does not repeat the id.
    """
    site = get_site(portal, site_id)
    if confirm != site_id:
        raise SiteValidationError(
            {"confirm": f"Type the site's id ({site_id}) to confirm the deletion."}
        )
    with api.env.adopt_roles(["Manager"]):
        portal.manage_delObjects([site.getId()])
        delete_site_groups(portal, site_id)
    sync_domains(portal, all_domains(portal))
    logger.info("Deleted site %s", site_id)


def get_site(portal, site_id: str):
    """The site with id ``site_id``.

    :raises SiteNotFoundError: when there is none.
    """
    site = portal.get(site_id) if isinstance(site_id, str) else None
    if site is None or not IPlatformSite.providedBy(site):
        raise SiteNotFoundError(site_id)
    return site


def list_sites(portal) -> list:
    """Every site of the platform, ordered by id, whatever its state."""
    catalog = getToolByName(portal, "portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        object_provides=IPlatformSite.__identifier__,
        path={"query": "/".join(portal.getPhysicalPath()), "depth": 1},
        sort_on="getId",
    )
    return [brain._unrestrictedGetObject() for brain in brains]


def all_domains(portal) -> dict[str, str]:
    """Every host name served by the platform, mapped to its site's id."""
    return {
        domain: site.getId()
        for site in list_sites(portal)
        for domain in site_settings(site).domains
    }


def site_summary(site, with_counts: bool = True) -> dict:
    """What the registry tells about a site, as JSON-ready data."""
    settings = site_settings(site)
    summary = {
        "id": settings.site_id,
        "url": site.absolute_url(),
        "title": site.Title(),
        "description": site.Description(),
        "organisation": settings.organisation,
        "profile": settings.profile,
        "blocks": list(settings.blocks),
        "languages": list(settings.languages),
        "identity": settings.identity,
        "domains": list(settings.domains),
        "state": api.content.get_state(site),
        "created": settings.created,
        "created_by": settings.created_by,
        "groups": {
            role: {
                "id": group_id(settings.site_id, role),
                "members": group_members(site, role),
            }
            for role in GROUPS
        },
    }
    if with_counts:
        summary["counts"] = content_counts(site)
    return summary


def content_counts(site) -> dict:
    """How many items of each type the site holds, the root and page blocks
    (parts of their landing page) not counted.

    Counted from the catalog's indexes without loading a result, so the
    registry stays quick for sites with many items.
    """
    catalog = getToolByName(site, "portal_catalog")
    path = "/".join(site.getPhysicalPath())
    by_type = {}
    for type_name in catalog.uniqueValuesFor("portal_type"):
        if type_name in BLOCK_TYPES:
            continue
        count = len(catalog.unrestrictedSearchResults(path=path, portal_type=type_name))
        if type_name == "Website":
            count -= 1
        if count > 0:
            by_type[type_name] = count
    return {"total": sum(by_type.values()), "by_type": by_type}


# Validation


def validate_new_site(portal, data: Mapping) -> SitePlan:
    """Check every field of a new site and fill in the profile's defaults.

    :raises SiteValidationError: naming every bad field.
    """
    errors: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise SiteValidationError({"body": "Send the site's fields as a JSON object."})
    _check_unknown_fields(data, CREATE_FIELDS, errors)

    site_id = data.get("id")
    _check_site_id(portal, site_id, errors)
    title = _check_text(data, "title", errors, required=True)
    organisation = _check_text(data, "organisation", errors, required=True)
    description = _check_text(data, "description", errors, required=False)

    profile = _check_profile(data.get("profile", "organisatie"), errors)
    blocks = _check_blocks(
        data.get("blocks", profile.blocks if profile else ()), errors
    )
    languages = _check_languages(
        portal, data.get("languages", profile.languages if profile else ("nl",)), errors
    )
    identity = _check_identity(
        {**(profile.identity if profile else {}), **_identity_input(data, errors)},
        errors,
    )
    domains = _check_domains(portal, data.get("domains", ()), None, errors)
    members = {
        role: _check_members(portal, role, data.get(role, ()), errors)
        for role in GROUPS
    }

    if errors:
        raise SiteValidationError(errors)
    return SitePlan(
        id=site_id,
        title=title,
        description=description,
        organisation=organisation,
        profile=profile,
        blocks=blocks,
        languages=languages,
        identity={"wordmark": organisation, **identity},
        domains=domains,
        members=members,
    )


def validate_site_changes(portal, site, data: Mapping) -> dict:
    """Check a change to an existing site; returns the validated changes.

    :raises SiteValidationError: naming every bad field.
    """
    errors: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise SiteValidationError({"body": "Send the changes as a JSON object."})
    _check_unknown_fields(data, UPDATE_FIELDS, errors)
    settings = site_settings(site)
    changes: dict = {}

    for name in ("title", "organisation"):
        if name in data:
            changes[name] = _check_text(data, name, errors, required=True)
    if "description" in data:
        changes["description"] = _check_text(data, "description", errors)
    if "blocks" in data:
        changes["blocks"] = _check_blocks(data["blocks"], errors)
    if "identity" in data:
        changes["identity"] = _check_identity(
            {**settings.identity, **_identity_input(data, errors)}, errors
        )
    if "domains" in data:
        changes["domains"] = _check_domains(
            portal, data["domains"], site.getId(), errors
        )
    for role in GROUPS:
        if role in data:
            changes[role] = _check_members(portal, role, data[role], errors)
    if "state" in data:
        if data["state"] not in SITE_STATES:
            errors["state"] = (
                f"Unknown state {data['state']!r}; use one of: "
                f"{', '.join(SITE_STATES)}."
            )
        else:
            changes["state"] = data["state"]

    if errors:
        raise SiteValidationError(errors)
    return changes


def _check_unknown_fields(data: Mapping, allowed: frozenset, errors: dict) -> None:
    for name in sorted(set(data) - allowed):
        errors[name] = f"Unknown field; use only: {', '.join(sorted(allowed))}."


def _check_site_id(portal, site_id, errors: dict) -> None:
    if not isinstance(site_id, str) or not site_id:
        errors["id"] = "Give the site an id, for example 'onderwijs'."
    elif not SITE_ID.match(site_id):
        errors["id"] = (
            "Use 1 to 50 lower-case letters, digits and hyphens, "
            "starting and ending with a letter or digit."
        )
    elif (
        site_id in RESERVED_IDS
        or site_id.startswith("portal_")
        or getattr(aq_base(portal), site_id, None) is not None
    ):
        errors["id"] = f"The id {site_id!r} is already taken; choose another."
    elif any(api.group.get(groupname=group_id(site_id, role)) for role in GROUPS):
        errors["id"] = (
            f"Groups for a site {site_id!r} still exist; remove them or "
            "choose another id."
        )


def _check_text(data: Mapping, name: str, errors: dict, required=False) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = "Must be text."
        return ""
    value = " ".join(value.split())
    if required and not value:
        errors[name] = "Required; fill it in."
    elif len(value) > MAX_TITLE and name != "description":
        errors[name] = f"At most {MAX_TITLE} characters; shorten it."
    elif len(value) > 2000:
        errors[name] = "At most 2000 characters; shorten it."
    return value


def _check_profile(name, errors: dict) -> SiteProfile | None:
    profiles = available_profiles()
    if not isinstance(name, str) or name not in profiles:
        errors["profile"] = (
            f"Unknown profile {name!r}; choose one of: {', '.join(profiles)}."
        )
        return None
    return profiles[name]


def _as_list(value, name: str, errors: dict) -> list:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) for item in value
    ):
        errors[name] = "Must be a list of texts."
        return []
    return list(value)


def _identity_input(data: Mapping, errors: dict) -> dict:
    value = data.get("identity") or {}
    if not isinstance(value, Mapping):
        errors["identity"] = (
            "Must be an object of identity settings, for example "
            '{"primary_color": "#154273"}.'
        )
        return {}
    return dict(value)


def _check_blocks(value, errors: dict) -> tuple[str, ...]:
    names = _as_list(value, "blocks", errors)
    unknown = [name for name in names if name not in BLOCKS]
    if unknown:
        errors["blocks"] = (
            f"Unknown block {unknown[0]!r}; choose from: {', '.join(BLOCKS)}."
        )
    elif len(set(names)) != len(names):
        errors["blocks"] = "Name each block once."
    return tuple(names)


def _check_languages(portal, value, errors: dict) -> tuple[str, ...]:
    codes = _as_list(value, "languages", errors)
    offered = api.portal.get_registry_record("plone.available_languages")
    if "languages" in errors:
        return ()
    if not codes:
        errors["languages"] = "Choose at least one language; the first is the default."
    elif len(set(codes)) != len(codes):
        errors["languages"] = "Name each language once."
    else:
        missing = [code for code in codes if code not in offered]
        if missing:
            errors["languages"] = (
                f"The platform does not offer {missing[0]!r}; "
                f"choose from: {', '.join(offered)}."
            )
    return tuple(codes)


def _check_identity(identity: dict, errors: dict) -> dict:
    """The identity with every setting checked; a setting given as None or
    empty is removed. Images are cleaned and links normalised by the theme,
    which renders them."""
    from pro.theme import identity as theme

    unknown = sorted(set(identity) - IDENTITY_FIELDS)
    if unknown:
        errors["identity"] = (
            f"Unknown identity setting {unknown[0]!r}; "
            f"use only: {', '.join(sorted(IDENTITY_FIELDS))}."
        )
        return {}
    identity = {
        name: value for name, value in identity.items() if value not in (None, "", [])
    }

    checks = (
        ("primary_color", TEXT_ON_PRIMARY, "white text", "darker"),
        ("secondary_color", TEXT_ON_SECONDARY, "dark text", "lighter"),
    )
    for name, text_colour, text_name, direction in checks:
        colour = identity.get(name)
        if colour is None:
            continue
        try:
            parse_hex(colour)
        except ValueError:
            errors[f"identity.{name}"] = (
                f"{colour!r} is not a colour; write it as #rrggbb, for example #154273."
            )
            continue
        identity[name] = colour = colour.lower()
        ratio = contrast_ratio(text_colour, colour)
        if ratio < NORMAL_TEXT:
            # Shown rounded down, so a failing ratio never reads as 4.5:1.
            shown = int(ratio * 100) / 100
            errors[f"identity.{name}"] = (
                f"{text_name.capitalize()} on {colour} has a contrast of "
                f"{shown:.2f}:1; WCAG 2.1 asks for {NORMAL_TEXT}:1. "
                f"Choose a {direction} colour. "
                + theme.colour_advice(colour, text_colour, NORMAL_TEXT)
            )

    wordmark = identity.get("wordmark")
    if wordmark is not None and (
        not isinstance(wordmark, str) or len(wordmark) > MAX_TITLE
    ):
        errors["identity.wordmark"] = f"Text of at most {MAX_TITLE} characters."

    checks_of_theme = {
        "logo": theme.check_logo,
        "favicon": theme.check_favicon,
        "footer_links": theme.check_footer_links,
        "social_links": theme.check_social_links,
    }
    for name, check in checks_of_theme.items():
        if name not in identity:
            continue
        try:
            identity[name] = check(identity[name])
        except theme.IdentityRefused as error:
            errors[f"identity.{name}"] = str(error)
    return identity


def _check_domains(portal, value, own_site: str | None, errors: dict):
    hosts = [
        host.strip().lower().rstrip(".") for host in _as_list(value, "domains", errors)
    ]
    if "domains" in errors:
        return ()
    taken = all_domains(portal)
    for host in hosts:
        labels = host.split(".")
        if len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
            errors["domains"] = (
                f"{host!r} is not a host name; write it as www.example.nl, "
                "without http:// or a path."
            )
        elif labels[-1].isdigit():
            errors["domains"] = f"{host!r} is an address; give a host name."
        elif not _is_public_host(host):
            errors["domains"] = (
                f"{host!r} exists only inside a network; give a host name "
                "that is registered on the internet."
            )
        elif taken.get(host, own_site) != own_site:
            errors["domains"] = (
                f"{host!r} already serves the site {taken[host]!r}; "
                "remove it there first."
            )
        elif hosts.count(host) > 1:
            errors["domains"] = f"{host!r} is named twice; name it once."
        if "domains" in errors:
            break
    return tuple(hosts)


def _is_public_host(host: str) -> bool:
    try:
        check_public_host(host)
    except UnsafeURLError:
        return False
    return True


def _check_members(portal, role: str, value, errors: dict) -> tuple[str, ...]:
    names = _as_list(value, role, errors)
    user_ids = []
    for name in names:
        user_id = find_user(portal, name)
        if user_id is None:
            errors[role] = (
                f"No user {name!r}; give the id or e-mail address of an existing user."
            )
            break
        user_ids.append(user_id)
    return tuple(dict.fromkeys(user_ids))


# Building


def _build_site(portal, plan: SitePlan, creator: str):
    site = createContentInContainer(
        portal,
        "Website",
        checkConstraints=False,
        id=plan.id,
        title=plan.title,
        description=plan.description,
    )
    ILanguage(site).set_language(plan.languages[0])
    store_settings(
        site,
        organisation=plan.organisation,
        profile=plan.profile.name,
        blocks=plan.blocks,
        languages=plan.languages,
        identity=plan.identity,
        domains=plan.domains,
        created=DateTime().ISO8601(),
        created_by=creator,
    )
    enable_childsite(site)
    bind_site_policy(site)

    create_site_groups(portal, site, plan.title)
    for role, user_ids in plan.members.items():
        set_group_members(portal, plan.id, role, user_ids)
    _restrict_addable_types(site, plan.blocks)

    roots = _language_roots(site, plan.languages)
    for language, root in roots.items():
        _build_language(root, plan.blocks, language, plan.profile)
    if len(roots) > 1:
        _link_translations(roots, plan.blocks)

    if plan.domains:
        sync_domains(portal, all_domains(portal))
    return site


def _language_roots(site, languages: tuple[str, ...]) -> dict:
    """The folder that holds each language: the site root for the first,
    a folder named after the language code for each further one."""
    roots = {languages[0]: site}
    for language in languages[1:]:
        branch = _add(site, "Folder", language, _language_name(language), language)
        alsoProvides(branch, ILanguageBranch)
        enable_childsite(branch)
        roots[language] = branch
    return roots


def _build_language(root, blocks, language: str, profile: SiteProfile) -> None:
    home_text = profile.home_page(language)
    home_id = "startpagina" if language == "nl" else "home"
    home = _add(root, "LandingPage", home_id, home_text.get("title", ""), language)
    home.exclude_from_nav = True
    _add_home_blocks(home, home_text, blocks, language)
    home.reindexObject()

    for name in blocks:
        folder = BLOCKS[name].folder(language)
        if folder is None or folder.id in root.objectIds():
            continue
        _add_block_folder(root, BLOCKS[name], folder, language)

    root.setDefaultPage(home_id)


def _add_home_blocks(home, home_text: dict, blocks, language: str) -> None:
    """A hero with the profile's welcome, then the newest news and events."""
    createContentInContainer(
        home,
        "HeroBlock",
        checkConstraints=False,
        title=home_text.get("title") or home.Title(),
        text=home_text.get("text", ""),
    )
    teasers = (
        ("news", "news", "Nieuws", "News"),
        ("agenda", "agenda", "Agenda", "Events"),
    )
    for block, show, dutch, english in teasers:
        if block in blocks:
            createContentInContainer(
                home,
                "TeaserListBlock",
                checkConstraints=False,
                title=dutch if language == "nl" else english,
                show=show,
                count=3,
            )


def _add_block_folder(root, block, folder, language: str):
    item = _add(root, "Folder", folder.id, folder.title, language)
    if not block.in_menu:
        item.exclude_from_nav = True
    if block.types:
        # A type that lives only inside another (an issue in a magazine) is
        # added there, not in the block's folder.
        types_tool = getToolByName(root, "portal_types")
        _allow_only(
            item,
            [
                name
                for name in (*block.types, *BASE_TYPES)
                if getattr(types_tool.getTypeInfo(name), "global_allow", False)
            ],
        )
    if block.syndicated:
        IFeedSettings(item).enabled = True
    if block.layout:
        item.setLayout(block.layout)
    if block.starter is not None:
        block.starter(item, language)
    item.reindexObject()
    return item


def _add(container, type_name: str, item_id: str, title: str, language: str):
    item = createContentInContainer(
        container, type_name, checkConstraints=False, id=item_id, title=title
    )
    ILanguage(item).set_language(language)
    if api.content.get_state(item, default=None) == "private":
        api.content.transition(item, transition="publish")
    return item


def _allow_only(folder, type_names) -> None:
    constraints = ISelectableConstrainTypes(folder)
    constraints.setConstrainTypesMode(ENABLED)
    constraints.setLocallyAllowedTypes(list(type_names))
    constraints.setImmediatelyAddableTypes(list(type_names))


def _link_translations(roots: dict, blocks) -> None:
    languages = list(roots)
    canonical = roots[languages[0]]
    pairs = [(canonical, {lang: roots[lang] for lang in languages[1:]})]
    for name in blocks:
        block = BLOCKS[name]
        first = block.folder(languages[0])
        if first is None:
            continue
        others = {}
        for language in languages[1:]:
            folder = block.folder(language)
            others[language] = roots[language][folder.id]
        pairs.append((canonical[first.id], others))
    for original, translations in pairs:
        manager = ITranslationManager(original)
        for language, translation in translations.items():
            manager.register_translation(language, translation)


def _restrict_addable_types(site, blocks) -> None:
    """Let only the enabled blocks' types be added anywhere in ``site``.

    An add permission set on the site root without acquisition applies to the
    whole subtree and to every way of adding (UI, REST, scripts), so a disabled
    block's types cannot be added even in a folder an editor makes later.
    """
    types_tool = getToolByName(site, "portal_types")
    enabled = block_types(blocks)
    for type_name in sorted(all_block_types()):
        fti = types_tool.getTypeInfo(type_name)
        if fti is None:
            continue
        permission = _permission_title(fti.add_permission)
        if type_name in enabled:
            site.manage_permission(permission, (), acquire=True)
        else:
            site.manage_permission(permission, (), acquire=False)


def _permission_title(permission_id: str) -> str:
    permission = queryUtility(IPermission, name=permission_id)
    return permission.title if permission is not None else permission_id


def _apply_changes(portal, site, changes: dict) -> None:
    settings = site_settings(site)
    for name in ("title", "description"):
        if name in changes:
            setattr(site, name, changes[name])
    if "organisation" in changes:
        store_settings(site, organisation=changes["organisation"])
    if "identity" in changes:
        store_settings(site, identity=changes["identity"])
    if "blocks" in changes:
        _change_blocks(site, settings, changes["blocks"])
    if "domains" in changes:
        store_settings(site, domains=changes["domains"])
        sync_domains(portal, all_domains(portal))
    for role in GROUPS:
        if role in changes:
            set_group_members(portal, site.getId(), role, changes[role])
    if changes.get("state", None) not in (None, api.content.get_state(site)):
        api.content.transition(site, transition=SITE_STATES[changes["state"]])
    site.reindexObject()


def _change_blocks(site, settings, blocks: tuple[str, ...]) -> None:
    # Types first: a new block folder may only allow types the site allows.
    _restrict_addable_types(site, blocks)
    roots = _language_roots_of(site, settings.languages)
    for language, root in roots.items():
        for name, block in BLOCKS.items():
            folder = block.folder(language)
            if folder is None:
                continue
            existing = root.get(folder.id)
            if name in blocks and existing is None:
                _add_block_folder(root, block, folder, language)
            elif existing is not None:
                existing.exclude_from_nav = name not in blocks or not block.in_menu
                existing.reindexObject(idxs=["exclude_from_nav"])
    store_settings(site, blocks=blocks)


def _language_roots_of(site, languages) -> dict:
    roots = {languages[0]: site}
    for language in languages[1:]:
        roots[language] = site[language]
    return roots


def _language_name(code: str) -> str:
    return {"nl": "Nederlands", "en": "English"}.get(code, code)


def _current_user_id() -> str:
    user = api.user.get_current()
    return user.getId() or user.getUserName()
