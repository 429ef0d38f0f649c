"""Two instances on one RelStorage database, and the faults a deployment meets.

Both instances serve the same platform from the private PostgreSQL cluster:
what one commits the other serves on its next request; concurrent writes on
both end in ZODB conflicts that Zope retries, never in lost data. Then the
faults: PostgreSQL restarted under traffic, and one instance killed with
SIGKILL in the middle of a write loop. The kill comes last: it ends the
second instance, which belongs to this module.
"""

from concurrent.futures import ThreadPoolExecutor
from deployment import add_content
from deployment import REQUEST_TIMEOUT
import os
import pytest
import requests
import signal
import threading
import time


# RelStorage polls for other instances' commits when a transaction begins.
PROPAGATION_LIMIT = 1.0
RECOVERY_LIMIT = 60.0


@pytest.fixture(scope="module")
def folder(instance_one, admin, site) -> str:
    """A folder of the site for this module's writes, as a path from the root."""
    add_content(
        admin,
        f"{instance_one.url}{site.path}",
        **{"@type": "Folder", "id": "werk", "title": "Werk"},
    )
    return f"{site.path}/werk"


def new_document(session, base_url: str, folder: str, item_id: str, **fields):
    return session.post(
        f"{base_url}{folder}",
        json={"@type": "Document", "id": item_id, "title": item_id, **fields},
        timeout=REQUEST_TIMEOUT,
    )


def titles_in(session, base_url: str, folder: str) -> dict[str, str]:
    """Every item of ``folder`` by id, as the catalog of that instance lists it."""
    response = session.get(
        f"{base_url}{folder}/@search",
        params={"path.depth": 1, "b_size": 1000, "fullobjects": 0},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return {
        item["@id"].rsplit("/", 1)[-1]: item["title"]
        for item in response.json()["items"]
    }


@pytest.mark.slow
def test_a_site_made_on_one_instance_is_served_by_the_other_within_a_second(
    instance_one, instance_two, admin
):
    made = admin.post(
        f"{instance_two.url}/pro/@sites",
        json={"id": "lek", "title": "Waterschap Lek", "organisation": "Lek"},
        timeout=REQUEST_TIMEOUT,
    )
    acknowledged = time.monotonic()
    assert made.status_code == 201, made.text

    listed = admin.get(f"{instance_one.url}/pro/@sites/lek", timeout=REQUEST_TIMEOUT)
    seen_after = time.monotonic() - acknowledged
    page = admin.get(
        f"{instance_one.url}/pro/lek",
        headers={"Accept": "text/html"},
        timeout=REQUEST_TIMEOUT,
    )

    assert listed.status_code == 200
    assert listed.json()["title"] == "Waterschap Lek"
    assert seen_after < PROPAGATION_LIMIT
    assert page.status_code == 200
    assert "Waterschap Lek" in page.text


@pytest.mark.slow
def test_a_content_edit_on_one_instance_is_served_by_the_other_within_a_second(
    instance_one, instance_two, admin, folder
):
    url = f"{folder}/peilbesluit"
    made = new_document(admin, instance_one.url, folder, "peilbesluit")
    assert made.status_code == 201, made.text

    changed = admin.patch(
        instance_one.url + url, json={"title": "Peilbesluit 2027"}, timeout=60
    )
    acknowledged = time.monotonic()
    assert changed.status_code == 204

    seen = admin.get(instance_two.url + url, timeout=REQUEST_TIMEOUT)
    seen_after = time.monotonic() - acknowledged
    assert seen.json()["title"] == "Peilbesluit 2027"
    assert seen_after < PROPAGATION_LIMIT


@pytest.mark.slow
def test_concurrent_additions_on_both_instances_all_arrive(
    instance_one, instance_two, admin, folder
):
    # Every addition changes the folder's ordering and the shared catalog, so
    # additions committed at the same time conflict and Zope retries them.
    jobs = [
        (instance.url, f"gelijktijdig-{number}-{name}")
        for number in range(6)
        for name, instance in (("een", instance_one), ("twee", instance_two))
    ]

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda job: new_document(admin, job[0], folder, job[1]), jobs)
        )

    assert [answer.status_code for answer in answers] == [201] * len(jobs)
    for instance in (instance_one, instance_two):
        listed = titles_in(admin, instance.url, folder)
        assert {item_id for _url, item_id in jobs} <= set(listed)


@pytest.mark.slow
def test_concurrent_edits_of_one_page_on_both_instances_keep_both_changes(
    instance_one, instance_two, admin, folder
):
    made = new_document(admin, instance_one.url, folder, "beleid")
    assert made.status_code == 201
    url = f"{folder}/beleid"
    barrier = threading.Barrier(2)

    def edit(base_url: str, fields: dict) -> int:
        barrier.wait()
        return admin.patch(base_url + url, json=fields, timeout=60).status_code

    for round_number in range(3):
        title = f"Beleid {round_number}"
        description = f"Samenvatting {round_number}"
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(edit, instance_one.url, {"title": title})
            second = pool.submit(edit, instance_two.url, {"description": description})
            assert (first.result(), second.result()) == (204, 204)

        for instance in (instance_one, instance_two):
            page = admin.get(instance.url + url, timeout=REQUEST_TIMEOUT).json()
            assert (page["title"], page["description"]) == (title, description)


class Traffic:
    """Visitors reading a page on each instance until stopped, in threads."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        self.statuses: list[int | str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read, args=(u,)) for u in urls]

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT)

    def _read(self, url: str) -> None:
        session = requests.Session()
        session.trust_env = False
        while not self._stop.is_set():
            try:
                status = session.get(url, timeout=10).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            self.statuses.append(status)
            time.sleep(0.05)


def recovered(admin, base_url: str, folder: str, item_id: str) -> bool:
    """The instance reads and writes again."""
    try:
        written = new_document(admin, base_url, folder, item_id)
        if written.status_code != 201:
            return False
        read = admin.get(f"{base_url}{folder}/{item_id}", timeout=REQUEST_TIMEOUT)
        return read.status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.slow
def test_instances_recover_by_themselves_after_postgresql_restarts_under_traffic(
    cluster, instance_one, instance_two, admin, site, folder
):
    before = titles_in(admin, instance_one.url, folder)
    pages = [
        f"{instance.url}{site.path}/nieuws" for instance in (instance_one, instance_two)
    ]

    with Traffic(pages) as traffic:
        time.sleep(0.5)
        cluster.restart()
        restarted = time.monotonic()
        pending = {"een": instance_one, "twee": instance_two}
        recovery = {}
        while pending and time.monotonic() - restarted < RECOVERY_LIMIT:
            for name, instance in list(pending.items()):
                if recovered(admin, instance.url, folder, f"na-herstart-{name}"):
                    recovery[name] = time.monotonic() - restarted
                    del pending[name]
            time.sleep(0.5)
        time.sleep(1.0)

    assert not pending, f"not recovered within {RECOVERY_LIMIT:.0f} s: {pending}"
    assert traffic.statuses[-len(pages) :] == [200] * len(pages)
    # Nothing committed before the restart is lost or changed.
    after = titles_in(admin, instance_two.url, folder)
    assert before.items() <= after.items()
    assert {"na-herstart-een", "na-herstart-twee"} <= set(after)


@pytest.mark.slow
def test_a_killed_instance_loses_no_acknowledged_write_and_the_other_serves_on(
    instance_one, instance_two, admin, site, folder
):
    acknowledged: list[str] = []
    failed: list[str] = []
    killed = threading.Event()
    kill_scheduled = threading.Lock()

    def write_until_refused(writer: int) -> None:
        for number in range(200):
            item_id = f"schrijf-{writer}-{number}"
            try:
                answer = new_document(admin, instance_two.url, folder, item_id)
            except requests.RequestException:
                failed.append(item_id)
                if killed.is_set():
                    return
                continue
            if answer.status_code == 201:
                acknowledged.append(item_id)
            if len(acknowledged) >= 5 and kill_scheduled.acquire(blocking=False):
                # Kill while the next writes are on their way.
                threading.Timer(0.05, kill).start()

    def kill() -> None:
        os.kill(instance_two.pid, signal.SIGKILL)
        killed.set()

    reader = Traffic([f"{instance_one.url}{site.path}/nieuws"])
    with reader:
        writers = [
            threading.Thread(target=write_until_refused, args=(writer,))
            for writer in range(2)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=120)

    assert killed.is_set()
    assert len(acknowledged) >= 5
    assert failed, "no write was cut off by the kill"
    assert set(reader.statuses) == {200}
    on_instance_one = titles_in(admin, instance_one.url, folder)
    assert set(acknowledged) <= set(on_instance_one)
    for item_id in acknowledged:
        page = admin.get(
            f"{instance_one.url}{folder}/{item_id}", timeout=REQUEST_TIMEOUT
        )
        assert page.status_code == 200
