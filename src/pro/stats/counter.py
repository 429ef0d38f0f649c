"""Counting hits in memory and writing them in batches.

A hit costs a dictionary update under a lock; nothing is written to the
database on the request (a beacon naming a site missing from the list reads
the list again, at most once a second). A flusher thread writes the batch every
:data:`FLUSH_INTERVAL` seconds in one transaction into this instance's shard
(see :mod:`pro.stats.storage`), settles the days that are over, keeps the
daily salts and refreshes the list of known sites. A failed flush keeps the
batch for the next one; a stopped instance loses at most the batch it had
not written, and :meth:`HitCounter.stop` writes that one too.

The browser view ``@@hit`` and the WSGI middleware both count through
:func:`process_counter`, the one counter of this process.
"""

from collections import Counter
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from pro.stats import storage
from pro.stats.beacon import Hit
from pro.stats.beacon import refusal
from pro.stats.beacon import visitor_hash
from ZODB.POSException import ConflictError
from zoneinfo import ZoneInfo
import logging
import random
import threading
import time
import transaction


logger = logging.getLogger("pro.stats")

FLUSH_INTERVAL = 10.0
FLUSH_ATTEMPTS = 3
# Days begin and end at midnight where the platform's visitors live.
TIMEZONE = ZoneInfo("Europe/Amsterdam")
CAMPAIGN_SEPARATOR = "\x1f"
# Salts are renewed at a random moment in the first half hour of a day, so
# instances rarely try at the same instant; today's salt was made a day ahead.
SALT_RENEWAL_WINDOW = 1800
SITES_REFRESH = 1.0
MAX_UNKNOWN_SITES = 20


@dataclass
class Tally:
    """What one instance counted for one site on one day since its last flush."""

    pageviews: int = 0
    downloads_total: int = 0
    searches_total: int = 0
    pages: Counter = field(default_factory=Counter)
    referrers: Counter = field(default_factory=Counter)
    campaigns: Counter = field(default_factory=Counter)
    devices: Counter = field(default_factory=Counter)
    downloads: Counter = field(default_factory=Counter)
    searches: Counter = field(default_factory=Counter)
    empty_searches: Counter = field(default_factory=Counter)
    hashes: set[int] = field(default_factory=set)

    def count(self, hit: Hit, visitor: int | None) -> None:
        if visitor is not None:
            self.hashes.add(visitor)
        if hit.kind == "download":
            self.downloads_total += 1
            self.downloads[hit.path] += 1
            return
        self.pageviews += 1
        self.pages[hit.path] += 1
        self.devices[hit.device] += 1
        if hit.referrer:
            self.referrers[hit.referrer] += 1
        if hit.campaign is not None:
            self.campaigns[CAMPAIGN_SEPARATOR.join(hit.campaign)] += 1
        if hit.search_terms is not None:
            self.searches_total += 1
            self.searches[hit.search_terms] += 1
            if hit.search_results == 0:
                self.empty_searches[hit.search_terms] += 1

    def merge(self, other: "Tally") -> None:
        for name in storage.SCALARS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in storage.TREES:
            getattr(self, name).update(getattr(other, name))
        self.hashes |= other.hashes


@dataclass
class FlushStatistics:
    """What the counter did since it started, for operators and benchmarks."""

    counted: int = 0
    refused: Counter = field(default_factory=Counter)
    flushes: int = 0
    conflicts: int = 0
    failures: int = 0


class HitCounter:
    """Counts hits in memory and writes them into one shard of the database.

    :param open_portal: opens a connection and returns ``(connection,
        portal)``; the flusher closes the connection.
    :param instance_id: the shard this instance writes.
    :param clock: seconds since the epoch; tests pass their own days.
    """

    def __init__(
        self,
        open_portal: Callable[[], tuple],
        instance_id: str,
        clock: Callable[[], float] = time.time,
        interval: float = FLUSH_INTERVAL,
    ) -> None:
        self.open_portal = open_portal
        self.instance_id = instance_id
        self.clock = clock
        self.interval = interval
        self.statistics = FlushStatistics()
        self.known_sites: frozenset[str] | None = None
        self._salts: dict[str, bytes] = {}
        self._tallies: dict[tuple[str, str], Tally] = {}
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._salt_offset = random.uniform(0, SALT_RENEWAL_WINDOW)  # noqa: S311
        self._sites_read_at = float("-inf")

    # Counting

    def count(
        self,
        hit: Hit,
        headers: Mapping[str, str],
        address: str,
        authenticated: bool,
    ) -> str | None:
        """Count ``hit`` unless its request says not to.

        :param headers: request headers, names in lower case.
        :param address: the visitor's address, used for the hash only.
        :returns: why it was not counted, or None when it was.
        """
        reason = refusal(headers, authenticated)
        if reason is None and not self.knows_site(hit.site):
            reason = self._hold_unknown(hit.site)
        if reason is not None:
            with self._lock:
                self.statistics.refused[reason] += 1
            return reason

        day = self.today().isoformat()
        salt = self._salt_for(day)
        visitor = visitor_hash(salt, address, headers.get("user-agent", ""), hit.site)
        with self._lock:
            tally = self._tallies.get((hit.site, day))
            if tally is None:
                tally = self._tallies[(hit.site, day)] = Tally()
            tally.count(hit, visitor)
            self.statistics.counted += 1
        return None

    def knows_site(self, site_id: str) -> bool:
        """Whether ``site_id`` is a site of the platform.

        A site made since the last flush is not in the list yet, so an
        unknown id reads the list again, at most once a
        :data:`SITES_REFRESH` seconds, which bounds what beacons with made-up
        ids can cost.
        """
        if self.known_sites is not None and site_id in self.known_sites:
            return True
        if self.clock() - self._sites_read_at >= SITES_REFRESH:
            self._sites_read_at = self.clock()
            self._read_sites()
        return site_id in (self.known_sites or ())

    def today(self) -> date:
        return local_day(self.clock())

    # Writing

    def flush(self) -> bool:
        """Write what was counted in one transaction, retrying on conflicts.

        :returns: whether the batch was written; if not, it is kept.
        """
        with self._flush_lock:
            with self._lock:
                tallies, self._tallies = self._tallies, {}
            for attempt in range(1, FLUSH_ATTEMPTS + 1):
                try:
                    self._write(tallies)
                except ConflictError:
                    self.statistics.conflicts += 1
                    logger.warning(
                        "Statistics flush of %s conflicted (attempt %s)",
                        self.instance_id,
                        attempt,
                    )
                    continue
                except Exception:
                    logger.exception("Statistics flush of %s failed", self.instance_id)
                    break
                self.statistics.flushes += 1
                return True
            self.statistics.failures += 1
            self._keep(tallies)
            return False

    def start(self) -> "HitCounter":
        """Load the salts and sites, then flush every interval in a thread."""
        self.flush()
        self._thread = threading.Thread(
            target=self._run, name="pro.stats flusher", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and write the last batch."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 30)
        with self._lock:
            pending = sum(
                tally.pageviews + tally.downloads_total
                for tally in self._tallies.values()
            )
        written = self.flush()
        logger.info(
            "Statistics of %s stopped: %s hits %s",
            self.instance_id,
            pending,
            "written" if written else "lost",
        )

    def _hold_unknown(self, site_id: str) -> str | None:
        """Keep a hit for a site not in the list until the flush checks it.

        A site made a moment ago on another instance may not be in this
        instance's list yet; its hits wait for the flush, which counts them
        only if the site exists by then. A few such ids are held per batch,
        so made-up ids cannot fill the memory.
        """
        with self._lock:
            pending = {site for site, _day in self._tallies} - (
                self.known_sites or frozenset()
            )
        if site_id in pending or len(pending) < MAX_UNKNOWN_SITES:
            return None
        return "unknown-site"

    def _read_sites(self) -> None:
        manager = transaction.TransactionManager()
        try:
            connection, portal = self.open_portal(manager)
        except Exception:
            logger.exception("Statistics could not read the list of sites")
            return
        try:
            sites = _site_ids(portal)
        except Exception:
            logger.exception("Statistics could not read the list of sites")
            return
        finally:
            manager.abort()
            connection.close()
        with self._lock:
            self.known_sites = sites

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            self.flush()

    def _write(self, tallies: dict) -> None:
        manager = transaction.TransactionManager()
        connection, portal = self.open_portal(manager)
        try:
            manager.begin()
            sites = _site_ids(portal)
            stats = storage.stats_storage(portal, create=True)
            shard = storage.shard_of(stats, self.instance_id)
            kept, dropped = _of_sites(tallies, sites)
            storage.add_tallies(shard, kept)
            moment = datetime.fromtimestamp(self.clock(), TIMEZONE)
            storage.close_days(stats, shard, (moment - storage.CLOSING_DELAY).date())
            salts = self._keep_salts(stats, moment)
            manager.get().note("pro.stats: flush")
            manager.commit()
        except BaseException:
            manager.abort()
            raise
        finally:
            connection.close()
        with self._lock:
            self._salts = salts
            self.known_sites = sites
            self.statistics.refused["unknown-site"] += dropped

    def _keep_salts(self, stats, moment: datetime) -> dict[str, bytes]:
        today = moment.date()
        seconds_into_day = moment.hour * 3600 + moment.minute * 60 + moment.second
        due = seconds_into_day >= self._salt_offset
        if today.isoformat() not in stats.salts or (
            due and not storage.salts_complete(stats, today)
        ):
            return storage.keep_salts(stats, today)
        return {day: stats.salts[day] for day in stats.salts.keys()}

    def _salt_for(self, day: str) -> bytes:
        salt = self._salts.get(day)
        if salt is None:
            # Only when the instance started without a database or the day
            # turned before any flush: read and write the salts now.
            self.flush()
            salt = self._salts.get(day)
        if salt is None:
            raise RuntimeError("the statistics have no salt for today")
        return salt

    def _keep(self, tallies: dict) -> None:
        with self._lock:
            for key, tally in tallies.items():
                current = self._tallies.get(key)
                if current is None:
                    self._tallies[key] = tally
                else:
                    current.merge(tally)


def _of_sites(tallies: dict, sites: frozenset[str]) -> tuple[dict, int]:
    """The tallies of existing sites, and how many hits the others held."""
    kept = {key: tally for key, tally in tallies.items() if key[0] in sites}
    dropped = sum(
        tally.pageviews + tally.downloads_total
        for key, tally in tallies.items()
        if key not in kept
    )
    return kept, dropped


def local_day(timestamp: float | None = None) -> date:
    """The platform's calendar day at ``timestamp`` (default: now)."""
    moment = time.time() if timestamp is None else timestamp
    return datetime.fromtimestamp(moment, TIMEZONE).date()


def _site_ids(portal) -> frozenset[str]:
    from pro.platform.interfaces import IPlatformSite
    from Products.CMFCore.utils import getToolByName

    catalog = getToolByName(portal, "portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        object_provides=IPlatformSite.__identifier__,
        path={"query": "/".join(portal.getPhysicalPath()), "depth": 1},
    )
    return frozenset(brain.getId for brain in brains)


_process_counter: HitCounter | None = None
_process_lock = threading.Lock()


def process_counter(factory: Callable[[], HitCounter] | None = None) -> HitCounter:
    """The counter of this process, made with ``factory`` on first use."""
    global _process_counter
    with _process_lock:
        if _process_counter is None:
            if factory is None:
                raise RuntimeError("the statistics counter was not set up")
            _process_counter = factory().start()
        return _process_counter


def reset_process_counter() -> None:
    """Stop and forget the process's counter (on shutdown, and in tests)."""
    global _process_counter
    with _process_lock:
        counter, _process_counter = _process_counter, None
    if counter is not None:
        counter.stop()
