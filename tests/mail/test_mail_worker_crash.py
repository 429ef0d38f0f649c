"""The worker killed with SIGKILL in the middle of a batch loses no mail and,
restarted, sends none twice.

Everything is real: an instance's FileStorage made by ``pro-instance
bootstrap``, a newsletter queued by a script against that database, the
``pro-mail-worker`` process and an SMTP server that records the Message-ID of
every mail it accepts. The server takes a moment to answer each mail, so the
kill almost always lands while the worker waits for an answer, the case that
is decided as "in doubt".
"""

from aiosmtpd.controller import Controller
from email.parser import BytesHeaderParser
from pathlib import Path
from pro.instance.process import free_port
import asyncio
import json
import os
import pytest
import re
import signal
import subprocess
import sys
import textwrap
import time


pytestmark = pytest.mark.slow

RECIPIENTS = 240
KILL_AFTER = 70

# Bootstraps the instance as ``pro-instance bootstrap`` does, then, in the
# same process (one Zope start less), opens its FileStorage again and queues a
# newsletter to RECIPIENTS subscribers.
FILL = textwrap.dedent(
    """
    import sys, transaction, ZODB, ZODB.FileStorage
    from pathlib import Path
    from AccessControl.SecurityManagement import newSecurityManager
    from plone import api
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest
    from pro.instance.cli import main
    from pro.instance.config import load_config
    from pro.platform.api import create_site
    from pro.mail.newsletter import send_issue
    from pro.mail.storage import mail_store, Subscriber

    assert main(["bootstrap", "--config", sys.argv[1]]) == 0
    config = load_config(Path(sys.argv[1]), {})
    storage = ZODB.FileStorage.FileStorage(
        str(config.filestorage_path), blob_dir=str(config.blobstorage_dir))
    db = ZODB.DB(storage)
    app = makerequest(db.open().root()["Application"])
    setRequest(app.REQUEST)
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    portal = app[config.site_id]
    setSite(portal)
    if True:
        site = create_site(portal, {"id": "water", "title": "Water",
            "organisation": "Ministerie van Water", "blocks": ["newsletter"]},
            creator="admin")
        store = mail_store(portal)
        members = store.channel_members("newsletter:water")
        for number in range(int(sys.argv[2])):
            address = f"lezer{number:04d}@example.org"
            subscriber = store.subscribers[address] = Subscriber(address)
            subscriber.channels = {"newsletter:water": {"given_at": "", "where": ""}}
            members.insert(address)
        issue = api.content.create(container=site["nieuwsbrief"],
            type="NewsletterIssue", title="Editie 1")
        send_issue(issue)
        transaction.commit()
    db.close()
    """
)


class RecordingServer:
    """Records each accepted mail's Message-ID, then answers after a pause."""

    def __init__(self):
        self.message_ids: list[str] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        self.message_ids.append(headers["Message-ID"].strip())
        self.recipients.extend(envelope.rcpt_tos)
        await asyncio.sleep(0.02)
        return "250 OK"


def command(name: str, module: str) -> list[str]:
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.is_file() else [sys.executable, "-m", module]


def run(args, cwd, timeout=240):
    done = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=ENV
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("PRO_")},
    "PRO_DEMO": "0",
    "PRO_ADMIN_PASSWORD": "worker-test-Secret-1",
}


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    smtp_port = free_port()
    server = RecordingServer()
    controller = Controller(server, hostname="127.0.0.1", port=smtp_port)
    controller.start()

    folder = tmp_path_factory.mktemp("mail-instance")
    config = folder / "instance.yaml"
    config.write_text(
        f"http_port: {free_port()}\n"
        "var_dir: ./var\n"
        "mail_smtp_host: 127.0.0.1\n"
        f"mail_smtp_port: {smtp_port}\n"
        "mail_from_address: noreply@example.org\n"
    )
    run([sys.executable, "-c", FILL, str(config), str(RECIPIENTS)], folder)
    yield folder, config, server
    controller.stop()


def test_a_killed_worker_loses_no_mail_and_sends_none_twice(instance):
    folder, config, server = instance
    worker = [*command("pro-mail-worker", "pro.mail.worker"), "--config", str(config)]

    first = subprocess.Popen(
        [*worker, "--batch", "50", "--connections", "10", "--interval", "0.2"],
        cwd=folder,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while len(server.message_ids) < KILL_AFTER and time.monotonic() < deadline:
        assert first.poll() is None, first.stdout.read().decode()
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    sent_before_kill = len(server.message_ids)
    assert KILL_AFTER <= sent_before_kill < RECIPIENTS

    second = run([*worker, "--once"], folder)

    log = second.stdout + second.stderr
    counts = json.loads(re.search(r"Stopping; outbox: (\{.*\})", log).group(1))
    assert len(server.message_ids) == RECIPIENTS, "mail was lost or sent twice"
    assert len(set(server.message_ids)) == RECIPIENTS, "a Message-ID came twice"
    assert len(set(server.recipients)) == RECIPIENTS
    assert counts.get("sent", 0) + counts.get("in-doubt", 0) == RECIPIENTS
    assert counts.get("queued", 0) == counts.get("claimed", 0) == 0
    # What the restarted worker decided not to send again had arrived.
    doubtful = re.findall(r"Message (<[^>]+>) was being sent", log)
    # At most the group in flight, one mail per connection.
    assert len(doubtful) == counts.get("in-doubt", 0) <= 10
    assert set(doubtful) <= set(server.message_ids)
