"""REST services of the site registry: ``/pro/@sites`` and ``/pro/@sites/<id>``.

``GET`` lists every site or gives one, ``POST`` creates a site, ``PATCH``
changes one (blocks, identity, domains, groups, state) and ``DELETE`` removes
one when the body or query repeats its id as ``confirm``. All of them need the
permission "PRO: Manage sites", held by platform administrators only.

These services accept JSON bodies only (``Content-Type: application/json``).
A page on another origin cannot send such a request, nor a PATCH or DELETE,
without the CORS preflight that the platform does not grant; that, not a
token, is what protects them against cross-site requests, as it protects
plone.restapi's own services. Plone's automatic CSRF check is therefore
switched off for these requests alone, after the content type was checked.

A refused request answers 400 with every bad field::

    {"error": {"type": "ValidationError", "message": "...",
               "errors": [{"field": "id", "message": "..."}]}}
"""

from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from pro.platform import api
from pro.platform.exceptions import SiteNotFoundError
from pro.platform.exceptions import SiteValidationError
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


JSON_BODY_HINT = "Send a JSON object with the header Content-Type: application/json."


@implementer(IPublishTraverse)
class SitesService(Service):
    """Base of the ``@sites`` services: collects ``/<id>`` after the name."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params: list[str] = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    @property
    def site_id(self) -> str | None:
        return self.params[0] if len(self.params) == 1 else None

    def _not_found(self, site_id) -> dict:
        self.request.response.setStatus(404)
        return _error("NotFound", f"There is no site with id {site_id!r}.")

    def _invalid(self, error: SiteValidationError) -> dict:
        self.request.response.setStatus(400)
        return _error(
            "ValidationError",
            "The site was not changed: correct the fields listed.",
            errors=[
                {"field": field, "message": message}
                for field, message in error.errors.items()
            ],
        )

    def _body(self) -> dict | None:
        """The JSON object sent, or None when the body is not one."""
        content_type = self.request.getHeader("Content-Type") or ""
        if content_type.split(";")[0].strip().lower() != "application/json":
            return None
        alsoProvides(self.request, IDisableCSRFProtection)
        try:
            body = json_body(self.request)
        except Exception:
            return None
        return body if isinstance(body, dict) else None


class SitesGet(SitesService):
    def reply(self):
        if not self.params:
            return {
                "@id": f"{self.context.absolute_url()}/@sites",
                "items": [
                    api.site_summary(site) for site in api.list_sites(self.context)
                ],
            }
        if self.site_id is None:
            return self._not_found("/".join(self.params))
        try:
            return api.site_summary(api.get_site(self.context, self.site_id))
        except SiteNotFoundError:
            return self._not_found(self.site_id)


class SitesPost(SitesService):
    def reply(self):
        if self.params:
            return self._not_found("/".join(self.params))
        body = self._body()
        if body is None:
            return self._invalid(SiteValidationError({"body": JSON_BODY_HINT}))
        try:
            site = api.create_site(self.context, body)
        except SiteValidationError as error:
            return self._invalid(error)
        self.request.response.setStatus(201)
        self.request.response.setHeader(
            "Location", f"{self.context.absolute_url()}/@sites/{site.getId()}"
        )
        return api.site_summary(site)


class SitesPatch(SitesService):
    def reply(self):
        if self.site_id is None:
            return self._not_found("/".join(self.params))
        body = self._body()
        if body is None:
            return self._invalid(SiteValidationError({"body": JSON_BODY_HINT}))
        try:
            site = api.update_site(self.context, self.site_id, body)
        except SiteNotFoundError:
            return self._not_found(self.site_id)
        except SiteValidationError as error:
            return self._invalid(error)
        return api.site_summary(site)


class SitesDelete(SitesService):
    def reply(self):
        if self.site_id is None:
            return self._not_found("/".join(self.params))
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self._body() or {}
        confirm = body.get("confirm") or self.request.form.get("confirm")
        try:
            api.delete_site(self.context, self.site_id, confirm)
        except SiteNotFoundError:
            return self._not_found(self.site_id)
        except SiteValidationError as error:
            return self._invalid(error)
        return self.reply_no_content()


def _error(kind: str, message: str, **extra) -> dict:
    return {"error": {"type": kind, "message": message, **extra}}
