"""REST services of the e-mail service.

- ``POST /pro/<site>/@subscribe`` (and ``/pro/@subscribe`` for the
  organisations' press channels), anonymous: ``{"email": ..., "channels":
  [...]}``. It answers 202 with the same body whether the address is known or
  not; 400 names a bad field; 429 (with ``Retry-After``) when the address or
  the client asked too often.
- ``GET /pro/@mail-subscribers/<address>``: everything held about an address;
  ``DELETE``: erase it. Platform administrators (Manager) only.
- ``GET /pro/@mail-outbox``: the outbox's counts; ``POST`` (``{"seconds":
  20}``): send what is due from inside the instance, for the embedded
  FileStorage where the worker process cannot run beside the server. Manager
  only.

Like the platform's other services they accept JSON bodies only; a page on
another origin cannot send one without a CORS preflight the platform does not
grant, which is what protects them from cross-site requests, so Plone's
automatic CSRF check is switched off for them after the content type was
checked.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from pro.mail import subscriptions
from pro.mail.exceptions import SubscriptionRefused
from pro.mail.exceptions import TooManyRequests
from pro.mail.outbox import outbox_counts
from pro.mail.storage import mail_store
from pro.mail.worker import smtp_settings_of
from pro.mail.worker import Worker
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
import time


ACCEPTED = (
    "If the address can receive mail, a confirmation link is on its way; the "
    "subscription starts once it is followed."
)


class SubscribePost(Service):
    def reply(self):
        body = _json_object(self.request)
        if body is None:
            return self._refuse(
                {
                    "body": "Send a JSON object with the header Content-Type: "
                    "application/json."
                }
            )
        try:
            subscriptions.request_subscription(
                self.context,
                body.get("email"),
                body.get("channels"),
                where=f"{self.context.absolute_url()}/@subscribe",
                client=self.request.getClientAddr() or "",
            )
        except SubscriptionRefused as error:
            return self._refuse(error.errors)
        except TooManyRequests as error:
            self.request.response.setStatus(429)
            self.request.response.setHeader("Retry-After", str(error.retry_after))
            return _error("TooManyRequests", str(error))
        self.request.response.setStatus(202)
        return {"message": ACCEPTED}

    def _refuse(self, errors: dict) -> dict:
        self.request.response.setStatus(400)
        return _error(
            "ValidationError",
            "Nothing was sent: correct the fields listed.",
            errors=[
                {"field": k, "message": translate(v, context=self.request)}
                for k, v in errors.items()
            ],
        )


@implementer(IPublishTraverse)
class SubscriberService(Service):
    """Base of ``@mail-subscribers/<address>``."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params: list[str] = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def address(self) -> str | None:
        if len(self.params) != 1:
            return None
        try:
            return subscriptions.normalise_address(self.params[0])
        except SubscriptionRefused:
            return None

    def _bad_address(self) -> dict:
        self.request.response.setStatus(400)
        return _error(
            "ValidationError",
            "Give one e-mail address after @mail-subscribers/.",
            errors=[
                {
                    "field": "address",
                    "message": translate(
                        subscriptions.ADDRESS_HINT, context=self.request
                    ),
                }
            ],
        )


class SubscriberGet(SubscriberService):
    def reply(self):
        address = self.address()
        if address is None:
            return self._bad_address()
        return subscriptions.export_address(address)


class SubscriberDelete(SubscriberService):
    def reply(self):
        address = self.address()
        if address is None:
            return self._bad_address()
        alsoProvides(self.request, IDisableCSRFProtection)
        if not subscriptions.erase_address(address):
            self.request.response.setStatus(404)
            return _error("NotFound", "Nothing is held about that address.")
        return self.reply_no_content()


def _json_object(request) -> dict | None:
    content_type = request.getHeader("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None
    alsoProvides(request, IDisableCSRFProtection)
    try:
        body = json_body(request)
    except Exception:
        return None
    return body if isinstance(body, dict) else None


def _error(kind: str, message: str, **extra) -> dict:
    return {"error": {"type": kind, "message": message, **extra}}


class OutboxGet(Service):
    """``GET /pro/@mail-outbox``: how many messages are in each state."""

    def reply(self):
        return outbox_counts(mail_store(self.context).outbox)


class OutboxPost(Service):
    """``POST /pro/@mail-outbox``: send what is due now, inside this instance.

    For the embedded FileStorage, where ``pro-mail-worker`` cannot open the
    database while the server holds it: a cron job posts here (as a platform
    administrator) and the instance runs worker passes for at most
    ``seconds`` (default 20, at most 120), committing as the worker does.
    """

    def reply(self):
        body = _json_object(self.request)
        if body is None:
            self.request.response.setStatus(400)
            return _error(
                "ValidationError",
                "Send a JSON object with the header Content-Type: application/json.",
            )
        seconds = body.get("seconds", 20)
        if not isinstance(seconds, int) or not 1 <= seconds <= 120:
            self.request.response.setStatus(400)
            return _error(
                "ValidationError",
                "Nothing was sent: correct the fields listed.",
                errors=[
                    {
                        "field": "seconds",
                        "message": "Give a whole number from 1 to 120.",
                    }
                ],
            )
        worker = Worker(self.context, smtp_settings_of(self.context))
        deadline = time.monotonic() + seconds
        worker.recover_abandoned()
        while time.monotonic() < deadline and worker.run_once():
            pass
        return {
            "sent": worker.sent,
            "outbox": outbox_counts(mail_store(self.context).outbox),
        }
