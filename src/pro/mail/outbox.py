"""The durable outbox: every mail the platform sends waits here first.

Mail is never sent by the request that causes it. Whatever causes a mail (a
subscription request, a newsletter sent, a press release published) writes
records here in the same ZODB transaction as the cause, so an aborted or
retried request (a ``ConflictError`` makes Zope run it again) leaves no record
behind, and a committed one leaves exactly one. The worker
(:mod:`pro.mail.worker`) is the only thing that talks SMTP.

Why not zope.sendmail's queued delivery, which Plone's MailHost offers: its
queue is a maildir on one instance's disk, so instances on one RelStorage
database would each have their own, out of sight of the others and of a
platform administrator erasing an address; it holds every mail rendered in
full (100,000 files for one newsletter); and its queue processor sends a mail
again when it stops between the server's acceptance and removing the file.
The records here live in the database every instance shares.

Two kinds of record:

- an :class:`OutboxMessage` is one mail to one address, with the Message-ID it
  will carry, fixed when it is queued;
- a :class:`Mailing` is one mail to many: the recipients are taken as a
  snapshot when it is queued, and the worker turns them into messages a batch
  at a time, so sending to 100,000 addresses costs the editor's request one
  copy of a set of addresses and the worker a flat amount of memory.

A message moves ``queued`` → ``claimed`` (by one worker) → ``sending`` →
``sent``; a temporary failure puts it back to ``queued`` later, a permanent one
ends in ``failed``, and a message to an address that unsubscribed meanwhile
ends in ``dropped``. See the worker for what ``sending`` means after a crash.
Finished records are kept for :data:`RETENTION_DAYS` days (what was sent to
whom, for complaints) and then removed.
"""

from BTrees.LLBTree import LLTreeSet
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOTreeSet
from email.utils import make_msgid
from itertools import islice
from persistent import Persistent
import secrets
import time


QUEUED = "queued"
CLAIMED = "claimed"
SENDING = "sending"
SENT = "sent"
IN_DOUBT = "in-doubt"
FAILED = "failed"
DROPPED = "dropped"

FINISHED = (SENT, IN_DOUBT, FAILED, DROPPED)

RETENTION_DAYS = 30

# The personal links a mail may hold; a message's ``personal`` maps these
# names to the recipient's URLs.
PREFERENCES = "preferences"
UNSUBSCRIBE = "unsubscribe"
CONFIRM = "confirm"


class MailContent(Persistent):
    """What every recipient of one mail gets, personal links left as placeholders.

    :ivar headers: extra headers, such as ``List-Id``.
    """

    def __init__(
        self,
        *,
        kind: str,
        subject: str,
        sender: str,
        html: str,
        text: str,
        lang: str,
        headers: dict[str, str] | None = None,
    ):
        self.kind = kind
        self.subject = subject
        self.sender = sender
        self.html = html
        self.text = text
        self.lang = lang
        self.headers = dict(headers or {})


class OutboxMessage(Persistent):
    """One mail to one address."""

    def __init__(self, key, recipient, content, personal, channels, domain, now):
        self.key = key
        self.message_id = make_msgid(idstring=f"{key:x}", domain=domain)
        self.recipient = recipient
        self.content = content
        # link name → this recipient's URL, e.g. their preferences link.
        self.personal = dict(personal)
        # Sent only while the recipient still has one of these; () for mail
        # that is not list mail, such as a confirmation request.
        self.channels = tuple(channels)
        self.state = QUEUED
        self.attempts = 0
        self.next_attempt = now
        self.claimed_by = ""
        self.claimed_at = 0.0
        self.error = ""
        self.created_at = now
        self.finished_at = 0.0


class Mailing(Persistent):
    """One mail to a snapshot of recipients, expanded by the worker."""

    def __init__(self, key, content, channels, recipients, links, domain, now, **opts):
        self.key = key
        self.content = content
        self.channels = tuple(channels)
        self.recipients = OOTreeSet(recipients)
        self.total = len(self.recipients)
        # The last address turned into a message; expansion continues after it.
        self.cursor = None
        self.expanded = 0
        # base URL per personal link: "preferences", "unsubscribe".
        self.links = dict(links)
        self.domain = domain
        self.created_at = now
        self.not_before = opts.get("not_before") or now
        # Only recipients with this alert frequency, when set.
        self.frequency = opts.get("frequency")
        self.title = opts.get("title", "")
        # The UID of the item it announces (a press alert), checked again
        # when the mailing starts.
        self.source = opts.get("source", "")


class Outbox(Persistent):
    def __init__(self):
        self.messages = LOBTree()
        # (next attempt, key) of every message waiting to be claimed.
        self.due = OOTreeSet()
        self.claimed = LLTreeSet()
        self.mailings = LOBTree()
        # (finished at, key), for removing old records.
        self.finished = OOTreeSet()

    def new_key(self, tree) -> int:
        # Random keys rather than a counter: two instances queueing at once
        # then write different keys instead of both changing one counter.
        while True:
            key = secrets.randbits(62)
            if key not in tree:
                return key


def queue_message(
    outbox: Outbox,
    recipient: str,
    content: MailContent,
    *,
    personal: dict[str, str] | None = None,
    channels=(),
    domain: str = "localhost",
    not_before: float | None = None,
    now: float | None = None,
) -> OutboxMessage:
    """Queue one mail to ``recipient``; it leaves when the transaction commits."""
    now = time.time() if now is None else now
    key = outbox.new_key(outbox.messages)
    message = OutboxMessage(
        key, recipient, content, personal or {}, channels, domain, now
    )
    message.next_attempt = max(now, not_before or now)
    outbox.messages[key] = message
    outbox.due.insert((message.next_attempt, key))
    return message


def queue_mailing(
    outbox: Outbox,
    content: MailContent,
    recipients,
    *,
    channels,
    links: dict[str, str],
    domain: str,
    not_before: float | None = None,
    frequency: str | None = None,
    title: str = "",
    source: str = "",
    now: float | None = None,
) -> Mailing:
    """Queue one mail to every address in ``recipients`` (a snapshot is taken)."""
    now = time.time() if now is None else now
    key = outbox.new_key(outbox.mailings)
    mailing = Mailing(
        key,
        content,
        channels,
        recipients,
        links,
        domain,
        now,
        not_before=not_before,
        frequency=frequency,
        title=title,
        source=source,
    )
    outbox.mailings[key] = mailing
    return mailing


def cancel_mailing(outbox: Outbox, key: int) -> bool:
    """Remove a mailing that has not started; False when it has or is gone."""
    mailing = outbox.mailings.get(key)
    if mailing is None or mailing.expanded:
        return False
    del outbox.mailings[key]
    return True


def expand_mailings(
    store, limit: int, now: float, personal_links, still_wanted=None
) -> int:
    """Turn up to ``limit`` recipients of due mailings into messages.

    :param personal_links: called with the mailing and an address, returns the
        recipient's personal placeholder values (their signed links).
    :param still_wanted: called with a mailing about to start; when it answers
        False (the announced item was retracted meanwhile) the mailing is
        dropped.
    :returns: how many messages were made.
    """
    outbox = store.outbox
    made = 0
    for key in list(outbox.mailings.keys()):
        if made >= limit:
            break
        mailing = outbox.mailings[key]
        if mailing.not_before > now:
            continue
        if not mailing.expanded and still_wanted and not still_wanted(mailing):
            del outbox.mailings[key]
            continue
        count, exhausted = _expand(store, mailing, limit - made, now, personal_links)
        made += count
        if exhausted:
            del outbox.mailings[key]
    return made


def _expand(store, mailing: Mailing, limit: int, now: float, personal_links):
    if mailing.cursor is None:
        addresses = mailing.recipients.keys()
    else:
        addresses = mailing.recipients.keys(min=mailing.cursor, excludemin=True)
    made = 0
    exhausted = True
    for address in addresses:
        if made >= limit:
            exhausted = False
            break
        mailing.cursor = address
        subscriber = store.subscribers.get(address)
        if not _wants(subscriber, mailing):
            continue
        queue_message(
            store.outbox,
            address,
            mailing.content,
            personal=personal_links(mailing, address),
            channels=mailing.channels,
            domain=mailing.domain,
            now=now,
        )
        made += 1
    mailing.expanded += made
    return made, exhausted


def _wants(subscriber, mailing: Mailing) -> bool:
    if subscriber is None or subscriber.undeliverable:
        return False
    if mailing.frequency and subscriber.frequency != mailing.frequency:
        return False
    return any(channel in subscriber.channels for channel in mailing.channels)


def due_count(outbox: Outbox, now: float, limit: int) -> int:
    """How many messages are due at ``now``, counting no further than ``limit``."""
    return sum(1 for _entry in islice(outbox.due.keys(max=(now, 2**63)), limit))


def claim(outbox: Outbox, worker: str, size: int, now: float) -> list[OutboxMessage]:
    """Take up to ``size`` due messages for ``worker``; commit right after."""
    batch = []
    for entry in outbox.due.keys(max=(now, 2**63)):
        if len(batch) >= size:
            break
        message = outbox.messages.get(entry[1])
        if message is not None:
            batch.append((entry, message))
    for entry, message in batch:
        outbox.due.remove(entry)
        message.state = CLAIMED
        message.claimed_by = worker
        message.claimed_at = now
        outbox.claimed.insert(message.key)
    return [message for _entry, message in batch]


def release(outbox: Outbox, message: OutboxMessage, at: float) -> None:
    """Put a claimed message back in the queue, to be tried at ``at``."""
    message.state = QUEUED
    message.claimed_by = ""
    message.next_attempt = at
    if message.key in outbox.claimed:
        outbox.claimed.remove(message.key)
    outbox.due.insert((at, message.key))


def finish(outbox: Outbox, message: OutboxMessage, state: str, now: float, error=""):
    """Record how a claimed message ended."""
    message.state = state
    message.error = error
    message.finished_at = now
    if message.key in outbox.claimed:
        outbox.claimed.remove(message.key)
    outbox.finished.insert((now, message.key))


def purge_finished(outbox: Outbox, before: float) -> int:
    """Remove records of messages finished before ``before``; how many."""
    old = list(outbox.finished.keys(max=(before, 2**63)))
    for entry in old:
        outbox.finished.remove(entry)
        outbox.messages.pop(entry[1], None)
    return len(old)


def remove_address(outbox: Outbox, address: str) -> int:
    """Remove every record of mail to ``address``, sent or not; how many."""
    keys = []
    for key, message in outbox.messages.items():
        if message.recipient == address:
            keys.append(key)
        message._p_deactivate()
    for key in keys:
        message = outbox.messages.pop(key)
        for tree, entry in (
            (outbox.due, (message.next_attempt, key)),
            (outbox.finished, (message.finished_at, key)),
        ):
            if entry in tree:
                tree.remove(entry)
        if key in outbox.claimed:
            outbox.claimed.remove(key)
    for mailing in outbox.mailings.values():
        if address in mailing.recipients:
            mailing.recipients.remove(address)
    return len(keys)


def outbox_counts(outbox: Outbox) -> dict[str, int]:
    """How many messages are in each state, and recipients not yet expanded."""
    counts: dict[str, int] = {}
    for message in outbox.messages.values():
        counts[message.state] = counts.get(message.state, 0) + 1
        # Back to a ghost, so counting 100,000 records keeps memory flat.
        message._p_deactivate()
    counts["mailings"] = len(outbox.mailings)
    return counts
