"""``pro-mail-worker``: the only process that sends the platform's mail.

``pro-mail-worker --config instance.yaml`` opens the instance's database the
way the bootstrap does, then loops: queue the digests that are due, turn due
mailings into messages, claim a batch, send it over SMTP to the instance's
mail server (``mail_smtp_host``/``mail_smtp_port``; the MailHost's user name
and password when set), record each message's fate. ``--once`` stops when
nothing is due, for cron and tests. On the embedded FileStorage the database
opens in one process at a time, so there the worker runs while the web server
is stopped; on RelStorage it runs beside the servers.

Exactly once across a crash. A mail is out once the SMTP server answers the
end of its data (the final ``.``), and no database commit can be atomic with
that answer. The worker narrows the gap to the messages in flight and
decides it explicitly:

1. the message is claimed (committed): a crash now sends it later, once;
2. ``MAIL``, ``RCPT``, ``DATA`` and the whole body are sent, all but the
   final ``.``; a crash now drops the connection, the server discards the
   incomplete mail, and the message is sent later, once;
3. the state ``sending`` is committed, then the ``.`` is written;
4. the answer is recorded (committed with the next group, or at once when
   it is a refusal).

A durable commit costs a disk flush, so the worker runs steps 2 to 4 for a
group of messages at once, each on its own SMTP connection (``--connections``,
20 by default): one commit marks the whole group ``sending``.

A worker that finds a message left in ``sending`` by a dead worker cannot
know whether the server took it: the ``.`` had been written (step 3 only
starts once the commit returned) and a server normally accepts what it
received whole. It marks the message ``in-doubt`` and does not send it again,
logging its Message-ID so an operator can look it up in the mail server's
log. This chooses "never twice" over "always", for at most one group of
messages per crash, because a second copy of a newsletter annoys thousands of
times more often than a crash falls between a written ``.`` and its answer.

Temporary failures (4xx, a dropped connection before step 3) are retried
with exponential back-off, up to :data:`MAX_ATTEMPTS`; permanent ones (5xx)
end the message, and an address that fails permanently
:data:`pro.mail.storage.MAX_BOUNCES` times in a row gets no more mail.
"""

from dataclasses import dataclass
from pathlib import Path
from pro.mail import outbox as outbox_module
from pro.mail.compose import MessageTemplate
from pro.mail.outbox import CLAIMED
from pro.mail.outbox import DROPPED
from pro.mail.outbox import FAILED
from pro.mail.outbox import IN_DOUBT
from pro.mail.outbox import SENDING
from pro.mail.outbox import SENT
from ZODB.POSException import ConflictError
import argparse
import logging
import os
import re
import signal
import smtplib
import socket
import sys
import time
import transaction


logger = logging.getLogger("pro.mail")

MAX_ATTEMPTS = 8
FIRST_RETRY = 60.0
LAST_RETRY = 6 * 3600.0
# A claim by a worker on another host counts as abandoned after this long.
LEASE_SECONDS = 15 * 60
PURGE_EVERY = 3600.0
EXIT_CONFIG_ERROR = 2

_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    timeout: float = 60.0


class Worker:
    """Drains the outbox of one platform; see the module docstring."""

    def __init__(
        self,
        portal,
        smtp: SmtpSettings,
        batch_size: int = 100,
        connections: int = 20,
    ):
        self.portal = portal
        self.smtp = smtp
        self.batch_size = batch_size
        # Parallel SMTP connections; one durable commit covers one mail on each.
        self.connections = max(1, connections)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"
        self.sent = 0
        self._templates: dict = {}
        self._last_purge = 0.0
        self._stopping = False

    @property
    def store(self):
        from pro.mail.storage import mail_store

        return mail_store(self.portal)

    def stop(self, *_args) -> None:
        """Finish the group in flight, then stop (SIGTERM, SIGINT)."""
        self._stopping = True

    def run(self, once: bool = False, interval: float = 5.0) -> int:
        """Send until stopped (or, with ``once``, until nothing is due)."""
        self.recover_abandoned()
        while not self._stopping:
            handled = self.run_once()
            if handled:
                continue
            if once:
                break
            transaction.abort()
            time.sleep(interval)
        return self.sent

    def run_once(self) -> int:
        """Queue due jobs, claim one batch and send it; how many were handled."""
        self._queue_due_jobs()
        batch = self._claim()
        if not batch:
            self._purge()
            return 0
        self._send_batch(batch)
        return len(batch)

    def recover_abandoned(self) -> tuple[int, int]:
        """Release the claims of dead workers; decide their in-flight messages.

        :returns: (messages queued again, messages marked in doubt).
        """
        outbox = self.store.outbox
        released = doubtful = 0
        now = time.time()
        for key in list(outbox.claimed.keys()):
            message = outbox.messages.get(key)
            if message is None:
                outbox.claimed.remove(key)
                continue
            if not _abandoned(message.claimed_by, message.claimed_at):
                continue
            if message.state == SENDING:
                outbox_module.finish(outbox, message, IN_DOUBT, now, "worker died")
                logger.warning(
                    "Message %s was being sent when its worker stopped; marked "
                    "in doubt, not sent again",
                    message.message_id,
                )
                doubtful += 1
            else:
                outbox_module.release(outbox, message, now)
                released += 1
        transaction.commit()
        if released or doubtful:
            logger.info(
                "Recovered %d claimed message(s), %d in doubt", released, doubtful
            )
        return released, doubtful

    def _queue_due_jobs(self) -> None:
        from pro.mail.alerts import queue_due_digests

        for attempt in range(3):
            try:
                queue_due_digests(self.store, time.time())
                transaction.commit()
                return
            except ConflictError:
                transaction.abort()
                logger.info("Conflict queueing digests, attempt %d", attempt + 1)

    def _claim(self) -> list:
        from pro.mail.subscriptions import manage_links

        store = self.store

        def personal_links(mailing, address):
            return manage_links(store, address, mailing.channels, mailing.links["base"])

        for _attempt in range(5):
            try:
                now = time.time()
                waiting = outbox_module.due_count(store.outbox, now, self.batch_size)
                if waiting < self.batch_size:
                    outbox_module.expand_mailings(
                        store,
                        self.batch_size - waiting,
                        now,
                        personal_links,
                        still_wanted=_source_still_published,
                    )
                batch = outbox_module.claim(
                    store.outbox, self.worker_id, self.batch_size, now
                )
                transaction.commit()
                return batch
            except ConflictError:
                transaction.abort()
        return []

    def _send_batch(self, batch) -> None:
        """Send ``batch`` over up to :attr:`connections` SMTP connections.

        The messages go in groups, one per connection: each gets its envelope
        and data but for the final ``.``; one commit then marks the whole
        group ``sending``; then every connection gets its ``.`` and its answer
        is read. The crash reasoning of the module docstring holds for each
        message, and a group costs one durable commit instead of one a message.
        """
        pool: list = [None] * self.connections
        try:
            for start in range(0, len(batch), self.connections):
                if self._stopping:
                    break
                self._send_group(batch[start : start + self.connections], pool)
        finally:
            for connection in pool:
                if connection is not None:
                    _quit(connection)
            self._release_unsent(batch)
            transaction.commit()
        logger.info("Sent a batch of %d; %d sent by this worker", len(batch), self.sent)

    def _release_unsent(self, batch) -> None:
        outbox = self.store.outbox
        for message in batch:
            if message.state == CLAIMED and message.claimed_by == self.worker_id:
                outbox_module.release(outbox, message, time.time())

    def _send_group(self, group, pool: list) -> None:
        prepared = []
        for slot, message in enumerate(group):
            pool[slot], ready = self._prepare(pool[slot], message)
            if ready:
                prepared.append((slot, message))
        if not prepared:
            transaction.commit()
            return

        try:
            for _slot, message in prepared:
                message.state = SENDING
                message.attempts += 1
            transaction.commit()
        except ConflictError:
            # No data was ended yet: closing the connections makes the server
            # discard every mail of the group; they stay claimed until released.
            transaction.abort()
            for slot, _message in prepared:
                pool[slot] = _drop(pool[slot])
            return

        for slot, _message in prepared:
            try:
                pool[slot].send(b".\r\n")
            except (smtplib.SMTPException, OSError):
                pass  # the missing answer below tells
        refused = False
        for slot, message in prepared:
            pool[slot], ok = self._finish_sending(pool[slot], message)
            refused = refused or not ok
        if refused:
            # A refusal must not be mistaken for "in doubt" after a crash.
            transaction.commit()

    def _prepare(self, connection, message):
        """Everything but the final ``.``; returns (connection, ready)."""
        store = self.store
        if message.channels and not _still_subscribed(store, message):
            outbox_module.finish(store.outbox, message, DROPPED, time.time())
            return connection, False

        data = self._template(message.content).render(message)
        try:
            if connection is None:
                connection = self._connect()
            sender = self._template(message.content).sender
            refusal = _envelope(connection, sender, message.recipient)
            if refusal is not None:
                self._refused(message, *refusal)
                return connection, False
            connection.send(_data_block(data))
        except (smtplib.SMTPException, OSError) as error:
            self._temporary(message, f"connection: {error}")
            return _drop(connection), False
        return connection, True

    def _finish_sending(self, connection, message):
        """Read the answer to a message's ``.``; returns (connection, accepted)."""
        store = self.store
        try:
            code, reply = connection.getreply()
        except (smtplib.SMTPException, OSError) as error:
            outbox_module.finish(
                store.outbox, message, IN_DOUBT, time.time(), f"no answer: {error}"
            )
            logger.warning(
                "No answer to the end of %s; marked in doubt", message.message_id
            )
            return _drop(connection), True
        if code == 250:
            from pro.mail.subscriptions import record_delivery

            outbox_module.finish(store.outbox, message, SENT, time.time())
            record_delivery(store, message.recipient)
            self.sent += 1
            return connection, True
        self._refused(message, code, reply)
        return connection, False

    def _refused(self, message, code: int, reply: bytes) -> None:
        text = f"{code} {reply.decode('utf-8', 'replace')[:200]}"
        if 400 <= code < 500:
            self._temporary(message, text)
        else:
            from pro.mail.subscriptions import record_permanent_failure

            outbox_module.finish(self.store.outbox, message, FAILED, time.time(), text)
            record_permanent_failure(self.store, message.recipient)
            logger.warning("Message %s refused: %s", message.message_id, text)

    def _temporary(self, message, error: str) -> None:
        outbox = self.store.outbox
        if message.state != SENDING:
            message.attempts += 1
        if message.attempts >= MAX_ATTEMPTS:
            outbox_module.finish(outbox, message, FAILED, time.time(), error)
            logger.warning("Message %s gave up: %s", message.message_id, error)
            return
        delay = min(FIRST_RETRY * 2 ** (message.attempts - 1), LAST_RETRY)
        message.error = error
        outbox_module.release(outbox, message, time.time() + delay)
        logger.info("Message %s deferred %.0f s: %s", message.message_id, delay, error)

    def _template(self, content) -> MessageTemplate:
        key = content._p_oid or id(content)
        template = self._templates.get(key)
        if template is None:
            if len(self._templates) > 32:
                self._templates.clear()
            template = self._templates[key] = MessageTemplate(content)
        return template

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(
            self.smtp.host, self.smtp.port, timeout=self.smtp.timeout
        )
        connection.ehlo()
        if self.smtp.user:
            if connection.has_extn("starttls"):
                connection.starttls()
                connection.ehlo()
            connection.login(self.smtp.user, self.smtp.password)
        return connection

    def _purge(self) -> None:
        now = time.time()
        if now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        before = now - outbox_module.RETENTION_DAYS * 86400
        removed = outbox_module.purge_finished(self.store.outbox, before)
        from pro.mail.subscriptions import forget_expired_links

        forget_expired_links(self.store, now)
        transaction.commit()
        if removed:
            logger.info("Removed %d finished outbox record(s)", removed)


def _source_still_published(mailing) -> bool:
    """Whether the item a mailing announces is still published (or it has none)."""
    if not getattr(mailing, "source", ""):
        return True
    from plone import api

    item = api.content.get(UID=mailing.source)
    if item is not None and api.content.get_state(item, default="") == "published":
        return True
    logger.info("Dropped the alert %r: its item is no longer published", mailing.title)
    return False


def _envelope(connection, sender: str, recipient: str):
    """MAIL, RCPT and DATA; None when the server is ready for the data."""
    code, reply = connection.mail(sender)
    if code != 250:
        connection.rset()
        return code, reply
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        connection.rset()
        return code, reply
    code, reply = connection.docmd("DATA")
    if code != 354:
        connection.rset()
        return code, reply
    return None


def _data_block(data: bytes) -> bytes:
    data = _LEADING_DOT.sub(b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _still_subscribed(store, message) -> bool:
    subscriber = store.subscribers.get(message.recipient)
    if subscriber is None or subscriber.undeliverable:
        return False
    return any(channel in subscriber.channels for channel in message.channels)


def _abandoned(claimed_by: str, claimed_at: float) -> bool:
    host, _sep, rest = claimed_by.partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return time.time() - claimed_at > LEASE_SECONDS


def _drop(connection):
    if connection is not None:
        try:
            connection.close()
        except OSError:
            pass
    return None


def _quit(connection) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def main(argv: list[str] | None = None) -> int:
    """The console script: open the instance's database and drain its outbox."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )

    from pro.instance.config import load_config
    from pro.instance.exceptions import ConfigError

    try:
        config = load_config(args.config, os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    if not config.zope_conf_path.exists():
        print(
            f"error: {config.zope_conf_path} is missing; run 'make run' once first",
            file=sys.stderr,
        )
        return EXIT_CONFIG_ERROR

    from pro.instance.bootstrap import platform_as_admin

    with platform_as_admin(config, config.zope_conf_path) as portal:
        if args.status:
            from pro.mail.outbox import outbox_counts
            from pro.mail.storage import mail_store
            import json

            print(json.dumps(outbox_counts(mail_store(portal).outbox), sort_keys=True))
            return 0
        worker = Worker(
            portal, _smtp_settings(portal, config), args.batch, args.connections
        )
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        logger.info(
            "Mail worker %s sending through %s:%s",
            worker.worker_id,
            config.mail_smtp_host,
            config.mail_smtp_port,
        )
        worker.run(once=args.once, interval=args.interval)
        from pro.mail.outbox import outbox_counts
        from pro.mail.storage import mail_store
        import json

        logger.info(
            "Stopping; outbox: %s",
            json.dumps(outbox_counts(mail_store(portal).outbox), sort_keys=True),
        )
    return 0


def smtp_settings_of(portal) -> SmtpSettings:
    """The MailHost's settings, which the bootstrap sets from instance.yaml."""
    mailhost = portal.MailHost
    return SmtpSettings(
        host=mailhost.smtp_host or "localhost",
        port=int(mailhost.smtp_port or 25),
        user=mailhost.smtp_uid or "",
        password=mailhost.smtp_pwd or "",
    )


def _smtp_settings(portal, config) -> SmtpSettings:
    mailhost = getattr(portal, "MailHost", None)
    return SmtpSettings(
        host=config.mail_smtp_host,
        port=config.mail_smtp_port,
        user=getattr(mailhost, "smtp_uid", "") or "",
        password=getattr(mailhost, "smtp_pwd", "") or "",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pro-mail-worker", description="Send the platform's queued mail."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("instance.yaml"),
        help="the instance YAML file (default: %(default)s)",
    )
    parser.add_argument("--once", action="store_true", help="stop when nothing is due")
    parser.add_argument("--batch", type=int, default=200, help="messages per claim")
    parser.add_argument(
        "--connections",
        type=int,
        default=20,
        help="SMTP connections used at once (default: %(default)s)",
    )
    parser.add_argument(
        "--interval", type=float, default=5.0, help="seconds between polls when idle"
    )
    parser.add_argument(
        "--status", action="store_true", help="print the outbox's counts and exit"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
