"""The ``@@hit`` view: beacons counted through Zope when no middleware is there.

On a server started by ``pro-instance`` the WSGI middleware answers
``/@@hit`` before Zope sees it (see :mod:`pro.stats.middleware`). Test
servers and deployments with another pipeline reach this view instead; it
counts through the same :class:`~pro.stats.counter.HitCounter`, so both
paths count alike. Here Zope has authenticated the request already, so a
logged-in user is recognised as such rather than by their cookie.
"""

from pathlib import Path
from plone import api
from pro.stats.beacon import parse_hit
from pro.stats.counter import HitCounter
from pro.stats.counter import process_counter
from pro.stats.exceptions import InvalidHit
from pro.stats.middleware import client_address
from pro.stats.middleware import instance_id
from pro.stats.middleware import PIXEL
from pro.stats.middleware import portal_opener
from Products.Five.browser import BrowserView
from urllib.parse import urlencode


class Hit(BrowserView):
    def __call__(self) -> bytes | str:
        response = self.request.response
        response.setHeader("Cache-Control", "no-store, max-age=0")
        method = self.request.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "POST"):
            response.setStatus(405)
            response.setHeader("Allow", "GET, POST")
            return ""

        try:
            hit = parse_hit(self._payload(method))
        except InvalidHit as error:
            response.setStatus(400)
            response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return f"{error.field}: {error.message}\n"

        process_counter(self._make_counter).count(
            hit,
            headers={
                name: self.request.getHeader(name) or ""
                for name in ("dnt", "sec-gpc", "user-agent")
            },
            address=client_address(self.request.environ),
            authenticated=not api.user.is_anonymous(),
        )
        if method == "GET":
            response.setHeader("Content-Type", "image/gif")
            return PIXEL
        response.setStatus(204)
        return b""

    def _payload(self, method: str) -> str:
        if method == "GET":
            return self.request.get("QUERY_STRING", "")
        # Zope has parsed the form-encoded body already.
        return urlencode(
            [(name, str(value)) for name, value in self.request.form.items()]
        )

    def _make_counter(self) -> HitCounter:
        portal = api.portal.get()
        db = portal._p_jar.db()
        var_dir = _configured_var_dir()
        identifier = instance_id(var_dir) if var_dir is not None else "local"
        return HitCounter(portal_opener(db, portal.getPhysicalPath()), identifier)


def _configured_var_dir() -> Path | None:
    from App.config import getConfiguration

    settings = getConfiguration().product_config or {}
    var_dir = settings.get("pro", {}).get("var_dir")
    return Path(var_dir) if var_dir else None
