"""Press alerts: mail to journalists when a press release is published.

Publishing a news item that is flagged as a press release (or that is filed
under a topic a channel follows) queues one alert, in the publishing
transaction: a mailing to the subscribers of its channels who want alerts at
once, and an entry in the alert log for those who chose a daily or weekly
digest. An item alerts once in its life; publishing it again after a
retraction does not mail anybody a second time. Because everything is written
in the transaction that publishes, a publication that Zope retries after a
conflict, or that fails, queues nothing extra; the worker sends after commit.
"""

from dataclasses import asdict
from datetime import datetime
from datetime import UTC
from plone import api
from pro import _
from pro.mail.channels import channels_of_item
from pro.mail.compose import Look
from pro.mail.compose import look_for
from pro.mail.compose import mail_content
from pro.mail.compose import mail_domain
from pro.mail.compose import MailBody
from pro.mail.compose import MailItem
from pro.mail.compose import sender_for
from pro.mail.dates import long_date
from pro.mail.outbox import queue_mailing
from pro.mail.storage import mail_store
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate
import logging
import secrets
import time


logger = logging.getLogger("pro.mail")

ALERTED_KEY = "pro.mail.alerted"

PERIODS = {"daily": 86400.0, "weekly": 7 * 86400.0}
# Alerts older than the longest digest period are no longer needed.
ALERT_LOG_DAYS = 8


def on_transition(item, event) -> None:
    """Queue the alert when a news item reaches the published state."""
    if api.content.get_state(item, default="") != "published":
        return
    queue_press_alert(item)


def queue_press_alert(item):
    """Queue the alert for ``item`` unless it has none or already had one.

    :returns: the immediate mailing, or None.
    """
    channels = sorted(channels_of_item(item))
    annotations = IAnnotations(item)
    if not channels or annotations.get(ALERTED_KEY):
        return None
    annotations[ALERTED_KEY] = datetime.now(UTC).isoformat(timespec="seconds")

    store = mail_store(api.portal.get())
    look = look_for(item)
    record = _alert_record(item, look, channels)
    store.alert_log[_log_key(store)] = record

    recipients = set()
    for channel in channels:
        recipients.update(store.members.get(channel, ()))
    content = mail_content(
        "press-alert", look, _alert_body(look, [record]), record["sender"]
    )
    mailing = queue_mailing(
        store.outbox,
        content,
        recipients,
        channels=channels,
        links={"base": record["site_url"]},
        domain=record["domain"],
        not_before=record["not_before"],
        frequency="immediate",
        title=item.Title(),
        source=item.UID(),
    )
    logger.info(
        "Queued a press alert for %s to %d subscriber(s) of %s",
        item.absolute_url_path(),
        len(recipients),
        ", ".join(channels),
    )
    return mailing


def queue_due_digests(store, now: float) -> int:
    """Queue the daily and weekly digests whose period is over; how many mailings."""
    queued = 0
    for frequency, period in PERIODS.items():
        since = store.digests_until.get(frequency, now)
        if now - since < period:
            continue
        store.digests_until[frequency] = now
        alerts = dict(store.alert_log.items(min=_time_key(since), max=_time_key(now)))
        queued += _queue_digest(store, frequency, alerts)
    _forget_old_alerts(store, now)
    return queued


def _queue_digest(store, frequency: str, alerts: dict) -> int:
    wanted: dict[str, set] = {}
    for key, alert in alerts.items():
        for channel in alert["channels"]:
            for address in store.members.get(channel, ()):
                subscriber = store.subscribers.get(address)
                if subscriber is not None and subscriber.frequency == frequency:
                    wanted.setdefault(address, set()).add(key)

    # Everyone who follows the same alerts gets the same mail: one mailing
    # for each distinct set of alerts.
    groups: dict[frozenset, list[str]] = {}
    for address, keys in wanted.items():
        groups.setdefault(frozenset(keys), []).append(address)
    for keys, addresses in groups.items():
        records = [alerts[key] for key in sorted(keys)]
        first = records[0]
        look = _look_of(first)
        channels = sorted({c for record in records for c in record["channels"]})
        queue_mailing(
            store.outbox,
            mail_content(
                f"{frequency}-digest",
                look,
                _alert_body(look, records, frequency),
                first["sender"],
            ),
            addresses,
            channels=channels,
            links={"base": first["site_url"]},
            domain=first["domain"],
            title=f"{frequency} digest",
        )
    if groups:
        logger.info(
            "Queued the %s digest of %d alert(s) to %d address(es)",
            frequency,
            len(alerts),
            len(wanted),
        )
    return len(groups)


def _alert_record(item, look: Look, channels) -> dict:
    effective = item.effective_date
    published = effective.asdatetime() if effective else datetime.now(UTC)
    return {
        "title": item.Title(),
        "description": item.Description(),
        "url": item.absolute_url(),
        "date": long_date(published, look.lang),
        "press_release": bool(getattr(item, "press_release", False)),
        "channels": list(channels),
        "site_url": look.site_url,
        "look": asdict(look),
        "sender": sender_for(look),
        "domain": mail_domain(),
        "not_before": max(published.timestamp(), time.time()),
    }


def _look_of(record: dict) -> Look:
    return Look(**record["look"])


def _alert_body(look: Look, records: list[dict], frequency: str = "") -> MailBody:
    lang = look.lang
    if frequency:
        subject = translate(
            _(
                f"mail_{frequency}_digest_subject",
                default="Press releases of ${site}",
                mapping={"site": look.site_title},
            ),
            target_language=lang,
        )
        heading = subject
    else:
        record = records[0]
        label = (
            _("mail_alert_press_release", default="Press release")
            if record["press_release"]
            else _("mail_alert_news", default="News")
        )
        heading = record["title"]
        subject = f"{translate(label, target_language=lang)}: {record['title']}"
    return MailBody(
        subject=subject,
        heading=heading,
        items=tuple(
            MailItem(
                title=r["title"],
                url=r["url"],
                description=r["description"],
                date=r["date"],
            )
            for r in records
        ),
        footer_note=translate(
            _(
                "mail_alert_footer",
                default="You get this mail because you subscribed to press "
                "alerts of ${site}.",
                mapping={"site": look.site_title},
            ),
            target_language=lang,
        ),
    )


def _log_key(store) -> int:
    # Microseconds, with random low digits so two alerts of one instant, on
    # two instances, never take the same key.
    while True:
        key = _time_key(time.time()) + secrets.randbelow(1000)
        if key not in store.alert_log:
            return key


def _time_key(timestamp: float) -> int:
    return int(timestamp * 1_000_000) * 1000


def _forget_old_alerts(store, now: float) -> None:
    for key in list(store.alert_log.keys(max=_time_key(now - ALERT_LOG_DAYS * 86400))):
        del store.alert_log[key]
