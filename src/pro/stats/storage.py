"""Aggregated counters in the ZODB: per instance, site, day and month.

Nothing here holds a visit, an address or a user agent: only counts per page,
referrer host, campaign, device class, download and search term, and for the
current day the salted visitor hashes needed to count unique visitors.

Why shards: every instance counts in memory and writes its batch every few
seconds. If all instances added to the same counter objects, two flushes at
once would touch the same records and one would fail with a ConflictError;
BTrees resolve concurrent inserts of different keys only while no bucket
splits, and a plain integer attribute not at all. Conflict-resolving counters
(``BTrees.Length``) would fix the scalars but not the per-page trees nor the
visitor sets. So each instance writes only into its own :class:`Shard`,
keyed by a stable instance id, and readers add the shards up. The number of
shards is the number of instances ever run, which stays small; a reader pays
one tree lookup per shard.

Unique visitors: a day's counter keeps the set of 64-bit salted hashes
(:func:`pro.stats.beacon.visitor_hash`) while the day is open, so that the
union over all shards counts a visitor seen by two instances once. An exact
set was chosen over a HyperLogLog because a site's daily visitors are few
enough (thousands to hundreds of thousands of 8-byte integers) to store for
one day, the figure is exact, and the set is thrown away at day's end anyway.
When a day has been over for :data:`CLOSING_DELAY` (longer than any flush
interval, so no late batch can add to it), each instance closes it in its own
shard: it copies the count another instance already settled, or takes the
union's size, stores that number and deletes its hashes. Instances read a
consistent snapshot, so the ones closing at the same time compute the same
number.

The daily salt lives in :attr:`StatsStorage.salts`, shared by all instances:
today's, and tomorrow's made ahead so that no instance has to wait for the
database at midnight. Older salts are deleted.
"""

from BTrees.LLBTree import LLTreeSet
from BTrees.LLBTree import multiunion
from BTrees.OLBTree import OLBTree
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from datetime import date
from datetime import timedelta
from persistent import Persistent
from zope.annotation.interfaces import IAnnotations
import secrets


ANNOTATION_KEY = "pro.stats"
SALT_BYTES = 32
# A day is closed this long after midnight: far longer than a flush interval.
CLOSING_DELAY = timedelta(minutes=15)

# The counters a tally and a stored counter both have, by name.
TREES = (
    "pages",
    "referrers",
    "campaigns",
    "devices",
    "downloads",
    "searches",
    "empty_searches",
)
SCALARS = ("pageviews", "downloads_total", "searches_total")


class Counters(Persistent):
    """Counts of one site over one day or one month, as one shard saw them."""

    def __init__(self) -> None:
        for name in SCALARS:
            setattr(self, name, 0)
        for name in TREES:
            setattr(self, name, OLBTree())

    def add(self, tally) -> None:
        """Add an in-memory :class:`~pro.stats.counter.Tally` to these counts."""
        for name in SCALARS:
            amount = getattr(tally, name)
            if amount:
                setattr(self, name, getattr(self, name) + amount)
        for name in TREES:
            tree = getattr(self, name)
            for key, amount in getattr(tally, name).items():
                tree[key] = tree.get(key, 0) + amount


class DayCounters(Counters):
    """One day: the counts, and the visitors as hashes (open) or a number."""

    def __init__(self) -> None:
        super().__init__()
        self.hashes: LLTreeSet | None = LLTreeSet()
        self.visitors: int | None = None


class MonthCounters(Counters):
    """One calendar month, so long periods read twelve objects, not 365."""

    def __init__(self) -> None:
        super().__init__()
        # Settled unique visitors per day of the month ("2026-12-03": 812).
        self.visitors_by_day: dict[str, int] = {}

    def settle_day(self, day: str, visitors: int) -> None:
        self.visitors_by_day = {**self.visitors_by_day, day: visitors}


class Shard(Persistent):
    """Everything one instance wrote; no other instance writes here."""

    def __init__(self) -> None:
        self.days = OOBTree()  # (site, "2026-12-03") -> DayCounters
        self.months = OOBTree()  # (site, "2026-12") -> MonthCounters
        self.open_days = OOTreeSet()  # keys of days whose hashes are kept


class StatsStorage(Persistent):
    """The platform's statistics: the shared salts and one shard per instance."""

    def __init__(self) -> None:
        self.salts = OOBTree()  # "2026-12-03" -> bytes
        self.shards = OOBTree()  # instance id -> Shard


def stats_storage(portal, create: bool = False) -> StatsStorage | None:
    """The statistics kept on the platform ``portal``, made when asked."""
    annotations = IAnnotations(portal)
    storage = annotations.get(ANNOTATION_KEY)
    if storage is None and create:
        storage = annotations[ANNOTATION_KEY] = StatsStorage()
    return storage


def shard_of(storage: StatsStorage, instance_id: str) -> Shard:
    shard = storage.shards.get(instance_id)
    if shard is None:
        shard = storage.shards[instance_id] = Shard()
    return shard


def add_tallies(shard: Shard, tallies: dict) -> None:
    """Add a batch of tallies, keyed ``(site, day)``, to the shard's counters."""
    for (site, day), tally in sorted(tallies.items()):
        counters = shard.days.get((site, day))
        if counters is None:
            counters = shard.days[(site, day)] = DayCounters()
            shard.open_days.insert((site, day))
        counters.add(tally)
        if tally.hashes and counters.hashes is not None:
            counters.hashes.update(tally.hashes)

        month = shard.months.get((site, day[:7]))
        if month is None:
            month = shard.months[(site, day[:7])] = MonthCounters()
        month.add(tally)


def close_days(storage: StatsStorage, shard: Shard, before: date) -> int:
    """Settle the unique visitors of the shard's days before ``before``.

    The hashes of a settled day are deleted; only the number stays.

    :returns: the number of days settled.
    """
    limit = before.isoformat()
    closing = [key for key in shard.open_days if key[1] < limit]
    for key in closing:
        visitors = settled_visitors(storage, key)
        if visitors is None:
            visitors = len(_union_of_hashes(storage, key))
        counters = shard.days[key]
        counters.visitors = visitors
        counters.hashes = None
        shard.months[(key[0], key[1][:7])].settle_day(key[1], visitors)
        shard.open_days.remove(key)
    return len(closing)


def settled_visitors(storage: StatsStorage, key: tuple[str, str]) -> int | None:
    """The number of visitors of ``(site, day)`` once any shard settled it."""
    numbers = [
        counters.visitors
        for counters in _day_in_shards(storage, key)
        if counters.visitors is not None
    ]
    return max(numbers) if numbers else None


def day_visitors(storage: StatsStorage, key: tuple[str, str]) -> int:
    """Unique visitors of ``(site, day)``, settled or still being counted."""
    settled = settled_visitors(storage, key)
    if settled is not None:
        return settled
    return len(_union_of_hashes(storage, key))


def keep_salts(storage: StatsStorage, today: date) -> dict[str, bytes]:
    """Make sure today's and tomorrow's salts exist; delete older ones.

    Writes only when something is missing or old, so instances calling this
    on every flush do not touch the shared tree.

    :returns: the salts by day.
    """
    wanted = [today.isoformat(), (today + timedelta(days=1)).isoformat()]
    for day in wanted:
        if day not in storage.salts:
            storage.salts[day] = secrets.token_bytes(SALT_BYTES)
    for day in list(storage.salts.keys(max=wanted[0], excludemax=True)):
        del storage.salts[day]
    return {day: storage.salts[day] for day in wanted}


def salts_complete(storage: StatsStorage, today: date) -> bool:
    """Whether :func:`keep_salts` has nothing to write for ``today``."""
    days = list(storage.salts.keys())
    return days == [today.isoformat(), (today + timedelta(days=1)).isoformat()]


def _day_in_shards(storage: StatsStorage, key: tuple[str, str]) -> list[DayCounters]:
    found = []
    for shard in storage.shards.values():
        counters = shard.days.get(key)
        if counters is not None:
            found.append(counters)
    return found


def _union_of_hashes(storage: StatsStorage, key: tuple[str, str]) -> LLTreeSet:
    sets = [
        counters.hashes
        for counters in _day_in_shards(storage, key)
        if counters.hashes is not None
    ]
    return multiunion(sets) if sets else LLTreeSet()
