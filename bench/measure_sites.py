"""Site creation time and database growth, through the site factory.

``create_sites.py`` runs in a process of its own, against the instance's
rendered zope.conf, while no server holds the FileStorage. The growth per site
is the raw difference in ``Data.fs`` size divided by the number of sites: a
FileStorage appends every committed transaction, so this is what an operator
sees on disk before packing, not the size of the live objects.
"""

from dataclasses import dataclass
from instance_script import run_in_instance
from pathlib import Path
import statistics


CREATE_SITES = Path(__file__).resolve().with_name("create_sites.py")


@dataclass(frozen=True)
class SiteFigures:
    sites: int
    zope_load_seconds: float
    median_seconds: float
    p95_seconds: float
    first_seconds: float
    last_seconds: float
    filestorage_growth_per_site_bytes: float


def measure_site_creation(config: Path, var_dir: Path, sites: int) -> SiteFigures:
    """Create ``sites`` sites in the stopped instance at ``var_dir``."""
    data_fs = var_dir / "filestorage" / "Data.fs"
    size_before = data_fs.stat().st_size
    timings = _run_create_sites(config, var_dir, sites)
    size_after = data_fs.stat().st_size

    seconds = timings["site_seconds"]
    return SiteFigures(
        sites=len(seconds),
        zope_load_seconds=timings["zope_load_seconds"],
        median_seconds=statistics.median(seconds),
        p95_seconds=percentile(seconds, 95),
        first_seconds=seconds[0],
        last_seconds=seconds[-1],
        filestorage_growth_per_site_bytes=(size_after - size_before) / len(seconds),
    )


def percentile(values: list[float], rank: int) -> float:
    """The ``rank``-th percentile, interpolated between the nearest values.

    ``statistics.quantiles`` needs at least two values; a single run is its
    own percentile.
    """
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[rank - 1]


def _run_create_sites(config: Path, var_dir: Path, sites: int) -> dict:
    return run_in_instance(CREATE_SITES, config, var_dir, "--sites", str(sites))
