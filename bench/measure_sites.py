"""Site creation time and database growth, through the site factory.

``create_sites.py`` runs in a process of its own, against the instance's
rendered zope.conf, while no server holds the FileStorage. The growth per site
is the raw difference in ``Data.fs`` size divided by the number of sites: a
FileStorage appends every committed transaction, so this is what an operator
sees on disk before packing, not the size of the live objects.
"""

from dataclasses import dataclass
from pathlib import Path
import json
import os
import statistics
import subprocess
import sys
import tempfile


CREATE_SITES = Path(__file__).resolve().with_name("create_sites.py")

# A bounded run: far more than 100 sites can need on this kind of machine.
_TIMEOUT_SECONDS = 1200


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
    environ = {
        name: value for name, value in os.environ.items() if not name.startswith("PRO_")
    }
    environ["PRO_VAR_DIR"] = str(var_dir)
    with tempfile.TemporaryDirectory(prefix="pro-bench-") as scratch:
        output = Path(scratch) / "timings.json"
        log = Path(scratch) / "create_sites.log"
        with log.open("wb") as log_file:
            result = subprocess.run(
                [
                    sys.executable,
                    str(CREATE_SITES),
                    "--config",
                    str(config),
                    "--sites",
                    str(sites),
                    "--output",
                    str(output),
                ],
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                timeout=_TIMEOUT_SECONDS,
            )
        if result.returncode != 0:
            tail = log.read_text(errors="replace").splitlines()[-30:]
            raise RuntimeError(
                f"create_sites.py exited with status {result.returncode}:\n"
                + "\n".join(tail)
            )
        return json.loads(output.read_text(encoding="utf-8"))
