"""The first-start path of an instance, run by ``make run`` before serving.

Every start it makes sure the Zope ``admin`` user exists and applies the
instance's mail settings and caching proxies; on the first start it also
creates the platform and, unless ``PRO_DEMO=0``, its demo sites. It runs in
its own process before the WSGI server, because a FileStorage can be opened by
one process at a time.

There is never a default password: ``PRO_ADMIN_PASSWORD`` sets the admin's
password on every start; without it a random one is made once, printed once and
written to ``<var>/admin-password``, readable by the owner only.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from contextlib import contextmanager
from pathlib import Path
from pro.instance.config import InstanceConfig
from Products.PluggableAuthService.interfaces.authservice import IPluggableAuthService
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest
import logging
import os
import secrets
import transaction


logger = logging.getLogger("pro.instance")

ADMIN_USER = "admin"


def bootstrap(config: InstanceConfig, zope_conf: Path) -> None:
    """Prepare the database of the instance described by ``config``."""
    with zope_app(zope_conf) as app:
        _ensure_admin(app, config)
        transaction.commit()

        _log_in_as_admin(app)
        portal = app.get(config.site_id)
        created = portal is None
        if created:
            from pro.platform.setup import create_platform

            portal = create_platform(app, config.site_id)
        setSite(portal)
        _apply_mail_settings(portal, config)
        _apply_caching_proxies(config)
        transaction.commit()

        if created and config.demo:
            from pro.platform.demo import create_demo_sites

            create_demo_sites(portal)
            transaction.commit()

    print(f"The platform is ready at /{config.site_id}")


@contextmanager
def zope_app(zope_conf: Path):
    """The Zope application of an instance, with a request, for scripts.

    Uncommitted work is aborted and the database closed on the way out, so
    the instance's FileStorage is free again for the server.
    """
    from Zope2.Startup.run import make_wsgi_app

    make_wsgi_app({}, str(zope_conf))
    import Zope2

    app = makerequest(Zope2.app())
    setRequest(app.REQUEST)
    try:
        yield app
    except BaseException:
        transaction.abort()
        raise
    finally:
        noSecurityManager()
        setSite(None)
        setRequest(None)
        app._p_jar.close()
        app._p_jar.db().close()


@contextmanager
def platform_as_admin(config: InstanceConfig, zope_conf: Path):
    """The platform's Plone site, acting as the Zope ``admin`` user."""
    with zope_app(zope_conf) as app:
        _log_in_as_admin(app)
        portal = app[config.site_id]
        setSite(portal)
        yield portal


def _log_in_as_admin(app) -> None:
    admin = app.acl_users.getUserById(ADMIN_USER)
    newSecurityManager(None, admin.__of__(app.acl_users))


def _ensure_admin(app, config: InstanceConfig) -> None:
    users = app.acl_users
    password_file = config.var_dir / "admin-password"
    exists = users.getUserById(ADMIN_USER) is not None

    if config.admin_password:
        if exists:
            _change_password(users, config.admin_password)
        else:
            users._doAddUser(ADMIN_USER, config.admin_password, ["Manager"], [])
        logger.info("Set the password of %s from PRO_ADMIN_PASSWORD", ADMIN_USER)
        return
    if exists:
        return

    password = secrets.token_urlsafe(18)
    users._doAddUser(ADMIN_USER, password, ["Manager"], [])
    _write_private(password_file, password + "\n")
    print(
        f"Created the Zope user {ADMIN_USER!r} with password {password}\n"
        f"(shown once; also in {password_file}, readable by you only)"
    )


def _change_password(users, password: str) -> None:
    # Once the platform exists, Plone has replaced Zope's root user folder with
    # a PluggableAuthService whose user manager is PAS's own plugin; PlonePAS's
    # _doChangeUser only knows Plone's user managers and fails there.
    if IPluggableAuthService.providedBy(users):
        users._getOb("users").updateUserPassword(ADMIN_USER, password)
    else:
        users._doChangeUser(ADMIN_USER, password, ["Manager"], [])


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(path, 0o600)


def _apply_caching_proxies(config: InstanceConfig) -> None:
    from pro.caching.settings import set_caching_proxies

    set_caching_proxies(config.caching_proxies)


def _apply_mail_settings(portal, config: InstanceConfig) -> None:
    from plone import api

    mailhost = portal.MailHost
    mailhost.smtp_host = config.mail_smtp_host
    mailhost.smtp_port = config.mail_smtp_port
    api.portal.set_registry_record("plone.email_from_address", config.mail_from_address)
    api.portal.set_registry_record("plone.email_from_name", config.mail_from_name)
    api.portal.set_registry_record("plone.smtp_host", config.mail_smtp_host)
    api.portal.set_registry_record("plone.smtp_port", config.mail_smtp_port)
