"""Back up a platform on RelStorage and restore it into an empty database.

PostgreSQL's own tools do the work: ``pg_dump --format=custom`` reads the whole
database in one snapshot transaction, so the copy is consistent while the
instances keep serving and writing, and ``pg_restore`` brings it back, blobs
(PostgreSQL large objects) included. This module only decides what goes into a
backup folder and refuses what would lose data: writing over a database that
already holds something, or restoring a dump whose checksum is wrong.

Besides the database a backup holds the few files that live outside it: the
instance YAML file (kept for reference; a restore never overwrites the file it
was started with) and ``<var>/admin-password`` when the first start generated
one. The blob cache is a cache of what the database holds and is left out.

A backup folder ``<backup_dir>/<UTC time>/`` holds ``database.dump``,
``files/`` and ``manifest.json``. It is written as ``<UTC time>.partial`` and
renamed when complete, so a folder without that suffix is always whole.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import UTC
from pathlib import Path
from pro.instance.config import InstanceConfig
from pro.instance.exceptions import BackupError
import hashlib
import json
import logging
import os
import psycopg2
import shutil
import subprocess


logger = logging.getLogger("pro.instance")

DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
FILES_FOLDER = "files"
ADMIN_LOGIN_FILE = "admin-password"
MANIFEST_FORMAT = 1
_KNOWN_FILES = (
    DUMP_NAME,
    f"{FILES_FOLDER}/instance.yaml",
    f"{FILES_FOLDER}/{ADMIN_LOGIN_FILE}",
)

# pg_dump of a large platform takes long; a hung server must not hang forever.
_TOOL_TIMEOUT = 6 * 3600


@dataclass(frozen=True)
class BackupFolder:
    """A finished backup: where it is and what its manifest says."""

    path: Path
    manifest: dict

    @property
    def dump(self) -> Path:
        return self.path / DUMP_NAME


def backup(config: InstanceConfig, config_path: Path) -> BackupFolder:
    """Write a consistent backup of the platform's database and files.

    :param config: the instance's settings; ``db_storage`` must be relstorage.
    :param config_path: the instance YAML file, copied into the backup.
    :returns: the finished backup folder.
    :raises BackupError: when the storage is not RelStorage, ``pg_dump`` is
        missing or fails; the partial folder is removed then.
    """
    _require_relstorage(config)
    pg_dump = _tool("pg_dump")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    final = config.backup_dir / stamp
    partial = config.backup_dir / f"{stamp}.partial"
    if final.exists() or partial.exists():
        raise BackupError(f"{final} already exists; wait a second and try again")
    (partial / FILES_FOLDER).mkdir(parents=True)
    partial.chmod(0o700)

    try:
        _dump_database(pg_dump, config, partial / DUMP_NAME)
        files = _copy_files_outside_database(config, config_path, partial)
        manifest = _write_manifest(partial, stamp, files)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise

    logger.info("Backed up the platform into %s", final)
    return BackupFolder(path=final, manifest=manifest)


def restore(config: InstanceConfig, folder: Path) -> BackupFolder:
    """Restore the backup in ``folder`` into the instance's empty database.

    :raises BackupError: when the folder is no complete backup, its dump does
        not match the manifest, the database is not empty, or ``pg_restore``
        fails; a failed restore leaves the database empty, as it ran in one
        transaction.
    """
    _require_relstorage(config)
    pg_restore = _tool("pg_restore")
    found = read_backup(folder)
    _require_empty_database(config)

    _restore_database(pg_restore, config, found.dump)
    _restore_files(config, found)

    logger.info("Restored the platform from %s", found.path)
    return found


def read_backup(folder: Path) -> BackupFolder:
    """Read and check a backup folder: its manifest and its dump's checksum.

    :raises BackupError: naming what is missing or damaged.
    """
    folder = Path(folder)
    if folder.name.endswith(".partial"):
        raise BackupError(f"{folder} is an unfinished backup; use a finished one")
    manifest_path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"{folder} is not a backup: it has no {MANIFEST_NAME}"
        ) from None
    except (OSError, ValueError, RecursionError) as exc:
        raise BackupError(f"{manifest_path} cannot be read: {exc}") from exc
    files = _listed_files(manifest_path, manifest)

    for name, checksum in files.items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{path} is missing from the backup")
        if _sha256(path) != checksum:
            raise BackupError(f"{path} is damaged: its checksum does not match")
    return BackupFolder(path=folder, manifest=manifest)


def _listed_files(manifest_path: Path, manifest: object) -> dict[str, str]:
    """The manifest's files and checksums, each name a plain file name inside
    the backup folder, so a tampered manifest cannot point elsewhere."""
    format_ = manifest.get("format") if isinstance(manifest, dict) else None
    if format_ != MANIFEST_FORMAT:
        raise BackupError(
            f"{manifest_path}: format {format_!r} is not known; "
            f"this version reads format {MANIFEST_FORMAT}"
        )
    files = manifest.get("files")
    listed = {}
    if isinstance(files, dict):
        for name, entry in files.items():
            checksum = entry.get("sha256") if isinstance(entry, dict) else None
            if name in _KNOWN_FILES and isinstance(checksum, str):
                listed[name] = checksum
            else:
                listed = {}
                break
    if DUMP_NAME not in listed:
        raise BackupError(
            f"{manifest_path}: 'files' must list {DUMP_NAME} and the files of "
            "the backup with their sha256; the manifest is damaged"
        )
    return listed


def _require_relstorage(config: InstanceConfig) -> None:
    if config.db_storage != "relstorage":
        raise BackupError(
            "db_storage: backups are made of RelStorage databases; for a "
            "FileStorage stop the instance and copy var_dir, or use ZODB's repozo"
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client tools "
            "(apt-get install postgresql-client)"
        )
    return found


def _dump_database(pg_dump: str, config: InstanceConfig, target: Path) -> None:
    _run(
        [
            pg_dump,
            "--format=custom",
            "--no-password",
            f"--file={target}",
            f"--dbname={config.db_relstorage_postgresql_dsn}",
        ]
    )


def _restore_database(pg_restore: str, config: InstanceConfig, dump: Path) -> None:
    _run(
        [
            pg_restore,
            "--no-password",
            # The target database's owner owns the restored tables, whoever
            # owned them where the backup was made.
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={config.db_relstorage_postgresql_dsn}",
            str(dump),
        ]
    )


def _run(command: list[str]) -> None:
    # The DSN may carry a password, so the command line is not repeated in
    # the error; the tool's own message says what went wrong.
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=_TOOL_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed with status {result.returncode}: "
            f"{result.stderr.strip()}"
        )


def _copy_files_outside_database(
    config: InstanceConfig, config_path: Path, folder: Path
) -> list[str]:
    sources = {"instance.yaml": Path(config_path)}
    password = config.var_dir / ADMIN_LOGIN_FILE
    if password.is_file():
        sources[ADMIN_LOGIN_FILE] = password
    copied = []
    for name, source in sources.items():
        target = folder / FILES_FOLDER / name
        shutil.copyfile(source, target)
        target.chmod(0o600)
        copied.append(f"{FILES_FOLDER}/{name}")
    return copied


def _write_manifest(folder: Path, stamp: str, files: list[str]) -> dict:
    names = [DUMP_NAME, *files]
    manifest = {
        "format": MANIFEST_FORMAT,
        "created": stamp,
        "files": {
            name: {
                "bytes": (folder / name).stat().st_size,
                "sha256": _sha256(folder / name),
            }
            for name in names
        },
    }
    (folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _require_empty_database(config: InstanceConfig) -> None:
    try:
        connection = psycopg2.connect(config.db_relstorage_postgresql_dsn)
    except psycopg2.OperationalError as exc:
        message = " ".join(str(exc).split())
        raise BackupError(f"cannot connect to the database: {message}") from exc
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_database(), "
                "(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname "
                "NOT IN ('pg_catalog', 'information_schema')), "
                "(SELECT count(*) FROM pg_catalog.pg_largeobject_metadata)"
            )
            name, tables, large_objects = cursor.fetchone()
    finally:
        connection.close()
    if tables or large_objects:
        raise BackupError(
            f"database {name!r} is not empty ({tables} tables, {large_objects} "
            "large objects); restore only into an empty database: create one "
            "with 'createdb' and point db_relstorage_postgresql_dsn or "
            "PRO_DB_DSN at it"
        )


def _restore_files(config: InstanceConfig, found: BackupFolder) -> None:
    password = found.path / FILES_FOLDER / ADMIN_LOGIN_FILE
    if not password.is_file():
        return
    config.var_dir.mkdir(parents=True, exist_ok=True)
    target = config.var_dir / ADMIN_LOGIN_FILE
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(password.read_bytes())
    os.chmod(target, 0o600)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
