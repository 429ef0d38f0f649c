"""REST services of the Mediatheek: bulk upload and search.

``POST /pro/mediatheek/@media-upload`` takes ``multipart/form-data`` with any
number of files (field ``files``) and answers ``201`` with the items made and
the files refused, each with its reason. When no file was accepted it answers
``400``, or ``413`` when every refusal was for size, and nothing is stored.

A multipart form can be sent by a page on any origin, so unlike JSON services
this one is not protected by CORS alone: a request authenticated by a cookie
must carry Plone's CSRF token (header ``X-CSRF-TOKEN`` or field
``_authenticator``). A request with an ``Authorization`` header (a
plone.restapi token or basic authentication) does not need it.

``GET /pro/mediatheek/@media-search`` answers a page of results with facet
counts; see :mod:`pro.media.search` for its parameters.
"""

from plone import api
from plone.protect.authenticator import check as check_csrf_token
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from pro.media.exceptions import MediaTooLarge
from pro.media.exceptions import SearchInvalid
from pro.media.ingest import ingest_many
from pro.media.ingest import Upload
from pro.media.search import search_media
from zExceptions import Forbidden
from zope.interface import alsoProvides


UPLOAD_HINT = (
    "Send the files as multipart/form-data, each in a part named 'files' "
    "with its file name."
)


class MediaUploadPost(Service):
    def reply(self):
        if not self._csrf_ok():
            self.request.response.setStatus(403)
            return _error(
                "Forbidden",
                "Send Plone's CSRF token in the X-CSRF-TOKEN header, or "
                "authenticate with an Authorization header.",
            )
        uploads = uploaded_files(self.request)
        if not uploads:
            self.request.response.setStatus(400)
            return _error("BadRequest", f"No file was sent. {UPLOAD_HINT}")

        outcomes = ingest_many(self.context, uploads)
        items = [_item_summary(outcome.item) for outcome in outcomes if outcome.ok]
        errors = [
            {
                "field": "files",
                "filename": outcome.filename,
                "status": outcome.refused.status,
                "message": outcome.refused.reason,
            }
            for outcome in outcomes
            if not outcome.ok
        ]
        if not items:
            too_large = all(
                isinstance(outcome.refused, MediaTooLarge) for outcome in outcomes
            )
            self.request.response.setStatus(413 if too_large else 400)
            return _error(
                "MediaRefused",
                "No file was stored: correct the files listed and send them again.",
                errors=errors,
            )
        self.request.response.setStatus(201)
        return {"items": items, "errors": errors}

    def _csrf_ok(self) -> bool:
        return csrf_protected(self.request)


class MediaSearchGet(Service):
    def reply(self):
        try:
            found = search_media(self.context, self.request.form)
        except SearchInvalid as invalid:
            self.request.response.setStatus(400)
            return _error("BadRequest", invalid.message, field=invalid.field)
        return found.as_json(self.request)


def csrf_protected(request) -> bool:
    """Whether a changing request is safe from cross-site forgery.

    True for a request with an ``Authorization`` header, which a page on
    another origin cannot make a browser send (Plone's own automatic check is
    then switched off for it), or with a valid CSRF token.
    """
    # Zope moves the Authorization header out of the environment into
    # ``_auth``, where plone.restapi's token plugin reads it as well.
    if getattr(request, "_auth", None):
        alsoProvides(request, IDisableCSRFProtection)
        return True
    try:
        check_csrf_token(request)
    except Forbidden:
        return False
    return True


def uploaded_files(request) -> list[Upload]:
    """Every uploaded file of a multipart request, in the order sent."""
    uploads = []
    for value in request.form.values():
        for candidate in value if isinstance(value, list | tuple) else [value]:
            # A form's file field left empty still sends a part, nameless.
            if getattr(candidate, "filename", None) and hasattr(candidate, "read"):
                uploads.append(Upload.from_request(candidate))
    return uploads


def _item_summary(item) -> dict:
    return {
        "@id": item.absolute_url(),
        "UID": item.UID(),
        "@type": item.portal_type,
        "title": item.title,
        "filename": item.original_filename,
        "review_state": api.content.get_state(item),
    }


def _error(error_type: str, message: str, **extra) -> dict:
    return {"error": {"type": error_type, "message": message, **extra}}
