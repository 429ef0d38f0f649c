"""Login attempts limited per account and per client address.

Password guessing goes through every door that takes a password: Plone's
login form, plone.restapi's ``@login`` and HTTP basic authentication on any
URL. All of them hand the login and password to the user folder's
authentication plugins, so the limit is a PAS authentication plugin placed
first: it refuses to let an account or an address that failed too often try
again, before any password is checked. It never authenticates anyone itself.

Whether an attempt failed is only known once the request is done: the user
may be found by another plugin, or by the Zope root's user folder. The same
plugin is also a roles plugin, which PAS asks for the roles of every user it
authenticated on a request, before it decides whether that user may see what
was asked for; being asked is the proof that the password was right, even
when the page is then refused. That, a login (``IUserLoggedInEvent``, sent by
the form and by ``@login``) or a request that ends authenticated as that login
counts as success; any other attempt seen by the plugin counts as a failure
when the request ends.

The counts are kept in memory, per instance, in sliding windows: an instance
that restarts forgets them, and behind a load balancer each instance counts
its own, so the real limit is the number of instances times the one here.
The window is short, so that an attacker who fails on purpose can keep an
account from logging in for at most one window (:data:`WINDOW_SECONDS`) after
the last attempt, and an address shared by many people (a ministry's proxy) is
throttled rather than shut: its limit is much higher than an account's.

No maintained package limits logins for Plone 6's PAS (collective.loginlockout
stores its counts in the database, so every failed attempt writes), which is
why this module exists.
"""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from AccessControl.SecurityManagement import getSecurityManager
from collections import deque
from dataclasses import dataclass
from pro import _
from pro.security.exceptions import LoginLockedError
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.interfaces.plugins import IRolesPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import implementer
import json
import logging
import math
import threading
import time


logger = logging.getLogger("pro.security")

PLUGIN_ID = "pro_login_limits"
# Defaults of the plugin's properties, which platform administrators can
# change in the user folder's management screen.
WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 10
ADDRESS_LIMIT = 100

_ATTEMPTS_KEY = "pro.security.login_attempts"
_SUCCEEDED_KEY = "pro.security.logins_succeeded"


class SlidingWindow:
    """Failures per key within a sliding window of time, thread-safe."""

    def __init__(self):
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def fail(self, key: str, window: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            failures = self._failures.setdefault(key, deque())
            _forget_old(failures, window, now)
            failures.append(now)

    def retry_after(
        self, key: str, limit: int, window: float, now: float | None = None
    ) -> float | None:
        """Seconds until ``key`` may try again, or None when it may now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures = self._failures.get(key)
            if failures is None:
                return None
            _forget_old(failures, window, now)
            if not failures:
                del self._failures[key]
                return None
            if len(failures) < limit:
                return None
            # The window slides: one more try once the oldest failure that
            # keeps the count at the limit has left it.
            return failures[-limit] + window - now

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()


def _forget_old(failures: deque[float], window: float, now: float) -> None:
    while failures and failures[0] <= now - window:
        failures.popleft()


ACCOUNTS = SlidingWindow()
ADDRESSES = SlidingWindow()


@dataclass(frozen=True)
class Attempt:
    login: str
    address: str
    window: float


@implementer(IAuthenticationPlugin, IRolesPlugin)
class LoginLimitsPlugin(BasePlugin):
    """Refuses logins of accounts and addresses that failed too often."""

    meta_type = "PRO Login Limits"
    security = ClassSecurityInfo()

    window_seconds = WINDOW_SECONDS
    account_limit = ACCOUNT_LIMIT
    address_limit = ADDRESS_LIMIT
    _properties = (
        {"id": "window_seconds", "type": "int", "mode": "w"},
        {"id": "account_limit", "type": "int", "mode": "w"},
        {"id": "address_limit", "type": "int", "mode": "w"},
    )

    def __init__(self, id: str = PLUGIN_ID, title: str = "Login limits"):
        self._setId(id)
        self.title = title

    @security.private
    def authenticateCredentials(self, credentials):
        login = credentials.get("login")
        if not login or "password" not in credentials:
            # A session cookie or a token: no password is being guessed.
            return None
        request = getRequest()
        address = _client_address(request)
        window = self.window_seconds
        wait = max(
            ACCOUNTS.retry_after(_account_key(login), self.account_limit, window) or 0,
            ADDRESSES.retry_after(address, self.address_limit, window) or 0,
        )
        if wait:
            logger.warning("Login of %r from %s refused: %.0f s", login, address, wait)
            raise LoginLockedError(math.ceil(wait))
        if request is not None:
            request.environ.setdefault(_ATTEMPTS_KEY, set()).add(
                Attempt(str(login), address, window)
            )
        return None

    @security.private
    def getRolesForPrincipal(self, principal, request=None):
        # Asked during a request only for a user whose credentials were
        # accepted; it grants no role.
        if request is not None and hasattr(principal, "getUserName"):
            _succeeded(request).update({principal.getId(), principal.getUserName()})
        return ()


InitializeClass(LoginLimitsPlugin)


def _succeeded(request) -> set:
    return request.environ.setdefault(_SUCCEEDED_KEY, set())


def record_login(event) -> None:
    """Subscriber of ``IUserLoggedInEvent``: a login that worked starts afresh."""
    request = getRequest()
    if request is None:
        return
    _succeeded(request).update({event.object.getId(), event.object.getUserName()})


def count_failures(event) -> None:
    """Subscriber at the end of a request: every attempt that did not end in
    the user being logged in is a failure of its account and its address."""
    attempts = event.request.environ.pop(_ATTEMPTS_KEY, None)
    if not attempts:
        return
    succeeded = set(event.request.environ.pop(_SUCCEEDED_KEY, ()))
    user = getSecurityManager().getUser()
    if user is not None:
        succeeded.update({user.getId(), user.getUserName()})
    for attempt in attempts:
        if attempt.login in succeeded:
            ACCOUNTS.reset(_account_key(attempt.login))
            continue
        ACCOUNTS.fail(_account_key(attempt.login), attempt.window)
        ADDRESSES.fail(attempt.address, attempt.window)
        logger.info("Failed login of %r from %s", attempt.login, attempt.address)


def install_login_limits(portal) -> None:
    """Add the plugin to the platform's user folder, first of its kind."""
    acl_users = portal.acl_users
    if PLUGIN_ID not in acl_users.objectIds():
        acl_users._setObject(PLUGIN_ID, LoginLimitsPlugin())
    plugins = acl_users.plugins
    for kind in (IAuthenticationPlugin, IRolesPlugin):
        if PLUGIN_ID not in [plugin_id for plugin_id, _ in plugins.listPlugins(kind)]:
            plugins.activatePlugin(kind, PLUGIN_ID)
    plugins.movePluginsTop(IAuthenticationPlugin, [PLUGIN_ID])


def uninstall_login_limits(portal) -> None:
    acl_users = portal.acl_users
    if PLUGIN_ID in acl_users.objectIds():
        acl_users._delObject(PLUGIN_ID)


class LoginLockedView:
    """The answer to a refused login: 429, when to retry, in plain words."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self) -> str:
        seconds = self.context.retry_after
        response = self.request.response
        # Locked, so that nothing after this page puts back the status of an
        # exception Zope does not know (500).
        response.setStatus(429, lock=True)
        response.setHeader("Retry-After", str(seconds))
        message = translate(
            _(
                "error_login_locked",
                default="Too many failed login attempts. Try again in "
                "${minutes} minutes.",
                mapping={"minutes": max(1, math.ceil(seconds / 60))},
            ),
            context=self.request,
        )
        if "json" in (self.request.getHeader("Accept") or ""):
            response.setHeader("Content-Type", "application/json")
            error = {
                "type": "TooManyLoginAttempts",
                "message": message,
                "retry_after": seconds,
            }
            return json.dumps({"error": error})
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        return message


def _account_key(login: str) -> str:
    return str(login).strip().lower()


def _client_address(request) -> str:
    if request is None:
        return "unknown"
    return request.getClientAddr() or "unknown"
