"""Pack the platform's RelStorage database with RelStorage's own ``zodbpack``.

A history-free database keeps no old versions of objects, but objects that
nothing refers to any more (deleted pages, replaced images, the blobs of both)
stay until a pack with garbage collection removes them. ``zodbpack`` does that
while the instances keep serving; this module only renders its configuration
from ``instance.yaml`` (``etc/zodbpack.conf``) and runs it.
"""

from pathlib import Path
from pro.instance.config import InstanceConfig
from pro.instance.exceptions import BackupError
from pro.instance.render import write_zodbpack_conf
import logging
import subprocess
import sys


logger = logging.getLogger("pro.instance")

# A pack of a large database takes hours; one that takes a day is stuck.
_PACK_TIMEOUT = 24 * 3600


def pack(config: InstanceConfig) -> Path:
    """Pack the database, keeping ``pack_days`` of recent changes untouched.

    Objects changed within the last ``pack_days`` days, and what they refer
    to, are kept whatever else refers to them; garbage younger than that is
    removed by a later pack.

    :returns: the rendered ``zodbpack.conf``.
    :raises ConfigError: when the instance does not use RelStorage.
    :raises BackupError: when ``zodbpack`` fails.
    """
    conf = write_zodbpack_conf(config)
    command = [_zodbpack(), "--days", str(config.pack_days), str(conf)]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=_PACK_TIMEOUT, check=False
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise BackupError(f"zodbpack failed with status {result.returncode}: {tail}")
    logger.info("Packed the database (%s days kept)", config.pack_days)
    return conf


def _zodbpack() -> str:
    script = Path(sys.executable).with_name("zodbpack")
    if not script.is_file():
        raise BackupError(
            "zodbpack not found beside this Python: install RelStorage into it"
        )
    return str(script)
