"""Print the e-mail service's figures: queueing and sending one newsletter.

1. Subscriptions: ``--subscribers`` confirmed addresses (100,000 by default)
   written straight into the mail store of a new instance (FileStorage), in
   commits of 10,000, as an import would.
2. Enqueue: the time to queue one newsletter issue to all of them and commit,
   which is what the editor's "send" request costs.
3. Sending: ``pro-mail-worker --once`` delivers the issue to a local SMTP sink
   (aiosmtpd on 127.0.0.1, accepting everything) over 50 connections
   (``--connections 50``; the default is 20); messages a second from the
   first mail to the last, and the worker's resident memory sampled while it
   sends (peak, and at a quarter, half and the end, to show it stays flat).

It never passes or fails on a figure. ``--subscribers 20000`` gives a run of a
few minutes on a small machine.
"""

from aiosmtpd.controller import Controller
from pathlib import Path
import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time


CHANNEL = "newsletter:bench"
CHUNK = 10_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--fill", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fill:
        return _fill(args.fill, args.subscribers)

    with tempfile.TemporaryDirectory(prefix="pro-bench-mail-") as scratch:
        folder = Path(scratch)
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
        controller.start()
        try:
            config = _write_config(folder, controller.port)
            fill = _run_fill(config, args.subscribers)
            sending = _send(config, sink, args.subscribers)
        finally:
            controller.stop()
    _report(args.subscribers, fill, sending)
    return 0


class Sink:
    """Counts what it accepts; notes when the first and the last mail came."""

    def __init__(self):
        self.count = 0
        self.first = self.last = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            now = time.monotonic()
            self.first = self.first or now
            self.last = now
            self.count += 1
        return "250 OK"


def _environment() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRO_")}
    # A fresh password per run: the instance lives only as long as the bench.
    environ.update(PRO_DEMO="0", PRO_ADMIN_PASSWORD=secrets.token_urlsafe(18))
    return environ


def _write_config(folder: Path, smtp_port: int) -> Path:
    config = folder / "instance.yaml"
    config.write_text(
        f"http_port: {_free_port()}\nvar_dir: ./var\n"
        f"mail_smtp_host: 127.0.0.1\nmail_smtp_port: {smtp_port}\n"
        "mail_from_address: noreply@example.org\n"
    )
    return config


def _run_fill(config: Path, subscribers: int) -> dict:
    output = config.parent / "fill.json"
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--fill",
            str(config),
            "--subscribers",
            str(subscribers),
        ],
        cwd=config.parent,
        env=_environment(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).splitlines()[-30:]
        raise RuntimeError("filling the instance failed:\n" + "\n".join(tail))
    return json.loads(output.read_text())


def _send(config: Path, sink: Sink, expected: int) -> dict:
    script = Path(sys.executable).with_name("pro-mail-worker")
    command = (
        [str(script)] if script.is_file() else [sys.executable, "-m", "pro.mail.worker"]
    )
    worker = subprocess.Popen(
        [
            *command,
            "--config",
            str(config),
            "--once",
            "--batch",
            "500",
            "--connections",
            "50",
        ],
        cwd=config.parent,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[tuple[int, int]] = []
    while worker.poll() is None:
        rss = _rss_kib(worker.pid)
        if rss:
            samples.append((sink.count, rss))
        time.sleep(0.25)
    sending = [rss for count, rss in samples if count > 0]
    return {
        "sent": sink.count,
        "expected": expected,
        "seconds": sink.last - sink.first,
        "peak_kib": max(sending or [0]),
        "at": {
            share: next((rss for count, rss in samples if count >= expected * share), 0)
            for share in (0.25, 0.5, 1.0)
        },
        "status": worker.returncode,
    }


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _report(subscribers: int, fill: dict, sending: dict) -> None:
    rate = sending["sent"] / sending["seconds"] if sending["seconds"] else 0.0
    at = sending["at"]
    rows = [
        ("confirmed subscribers written", f"{subscribers:,}"),
        ("writing them (commits of 10,000)", f"{fill['subscribe_seconds']:.1f} s"),
        (
            "enqueue of one issue to all (send + commit)",
            f"{fill['enqueue_seconds']:.2f} s",
        ),
        ("mails accepted by the SMTP sink", f"{sending['sent']:,} of {subscribers:,}"),
        ("sending, first to last mail", f"{sending['seconds']:.1f} s"),
        ("messages per second (one worker process)", f"{rate:.0f}"),
        ("worker peak RSS while sending", f"{sending['peak_kib'] / 1024:.0f} MiB"),
        (
            "worker RSS at 25% / 50% / 100% sent",
            " / ".join(f"{at[s] / 1024:.0f}" for s in (0.25, 0.5, 1.0)) + " MiB",
        ),
        (
            "Data.fs with the subscribers, before sending",
            f"{fill['datafs_mib']:.0f} MiB",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print("\nE-mail service (bench/bench_mail.py)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    if sending["status"]:
        print(f"  the worker exited with status {sending['status']}")


def _fill(config_path: Path, subscribers: int) -> int:
    """In a child process: bootstrap, subscribe, queue the issue, time it."""
    from AccessControl.SecurityManagement import newSecurityManager
    from plone import api
    from pro.instance.cli import main as instance_main
    from pro.instance.config import load_config
    from pro.mail.newsletter import send_issue
    from pro.mail.storage import mail_store
    from pro.mail.storage import Subscriber
    from pro.platform.api import create_site
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest
    import transaction
    import ZODB
    import ZODB.FileStorage

    instance_main(["bootstrap", "--config", str(config_path)])
    config = load_config(config_path, os.environ)
    storage = ZODB.FileStorage.FileStorage(
        str(config.filestorage_path), blob_dir=str(config.blobstorage_dir)
    )
    db = ZODB.DB(storage)
    app = makerequest(db.open().root()["Application"])
    setRequest(app.REQUEST)
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    portal = app[config.site_id]
    setSite(portal)
    site = create_site(
        portal,
        {
            "id": "bench",
            "title": "Bench",
            "organisation": "Bench",
            "blocks": ["newsletter"],
        },
        creator="admin",
    )
    transaction.commit()

    started = time.monotonic()
    store = mail_store(portal)
    members = store.channel_members(CHANNEL)
    consent = {CHANNEL: {"given_at": "2026-12-01T09:00:00+00:00", "where": "bench"}}
    for first in range(0, subscribers, CHUNK):
        batch = {}
        for number in range(first, min(first + CHUNK, subscribers)):
            address = f"abonnee{number:07d}@example.org"
            subscriber = Subscriber(address)
            subscriber.channels = dict(consent)
            batch[address] = subscriber
        store.subscribers.update(batch)
        members.update(batch)
        transaction.commit()
    subscribe_seconds = time.monotonic() - started

    issue = api.content.create(
        container=site["nieuwsbrief"], type="NewsletterIssue", title="Editie 1"
    )
    transaction.commit()
    started = time.monotonic()
    send_issue(issue)
    transaction.commit()
    enqueue_seconds = time.monotonic() - started
    db.close()

    figures = {
        "subscribe_seconds": subscribe_seconds,
        "enqueue_seconds": enqueue_seconds,
        "datafs_mib": config.filestorage_path.stat().st_size / 2**20,
    }
    (config_path.parent / "fill.json").write_text(json.dumps(figures))
    return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
