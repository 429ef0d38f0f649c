"""Backups that restore, and packing, on a platform in real use.

The platform is backed up with ``pro-instance backup`` while its instance
serves, restored with ``pro-instance restore`` into a new database, and the two
databases are compared object by object: every OID with its class and its
state, and every blob. Whatever other capabilities store (media, subscribers,
statistics) is in those objects too, so the comparison needs no list of types.
"""

from collections.abc import Iterator
from deployment import add_content
from deployment import publish
from deployment import REQUEST_TIMEOUT
from pathlib import Path
from pro.instance.process import pro_instance_command
from relstorage.adapters.postgresql import PostgreSQLAdapter
from relstorage.options import Options
from relstorage.storage import RelStorage
from ZODB.serialize import referencesf
from ZODB.utils import get_pickle_metadata
from ZODB.utils import p64
import base64
import hashlib
import json
import os
import psycopg2
import pytest
import subprocess
import ZODB


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)
ADMIN_PASSWORD_TEXT = "bewaard-wachtwoord\n"


def pro_instance(*arguments: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRO_")}
    return subprocess.run(
        [*pro_instance_command(), *arguments],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )


def write_config(folder: Path, dsn: str, **settings: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["db_storage: relstorage", f"db_relstorage_postgresql_dsn: {dsn}"]
    lines += [f"{key}: {value}" for key, value in settings.items()]
    config = folder / "instance.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def objects(dsn: str) -> dict[int, tuple[str, str]]:
    """Every object in a RelStorage database: OID → (class, SHA-256 of state)."""
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT zoid, state FROM object_state")
        found = {}
        for zoid, state in cursor:
            state = bytes(state)
            module, name = get_pickle_metadata(state)
            found[zoid] = (f"{module}.{name}", hashlib.sha256(state).hexdigest())
    connection.close()
    return found


def blobs(dsn: str) -> dict[int, str]:
    """Every blob: OID → SHA-256 of its bytes, joined from its chunks."""
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT zoid, encode(sha256(string_agg(lo_get(chunk), ''::bytea "
            "ORDER BY chunk_num)), 'hex') FROM blob_chunk GROUP BY zoid"
        )
        found = dict(cursor.fetchall())
    connection.close()
    return found


def open_database(dsn: str, blob_cache: Path) -> ZODB.DB:
    options = Options(
        keep_history=False, shared_blob_dir=False, blob_dir=str(blob_cache)
    )
    adapter = PostgreSQLAdapter(dsn=dsn, options=options)
    return ZODB.DB(RelStorage(adapter, options=options))


def unreachable_references(db: ZODB.DB) -> set[int]:
    """OIDs referred to from an object reachable from the root but missing."""
    storage = db.storage
    missing, seen, todo = set(), set(), [0]
    while todo:
        oid = todo.pop()
        if oid in seen:
            continue
        seen.add(oid)
        try:
            state, _serial = storage.load(p64(oid))
        except KeyError:
            missing.add(oid)
            continue
        todo.extend(int.from_bytes(ref, "big") for ref in referencesf(state))
    return missing


@pytest.fixture(scope="module")
def filled_platform(instance_one, admin, site) -> dict[str, str]:
    """The platform with a site, published news and an image: a blob."""
    base = f"{instance_one.url}{site.path}"
    publish(
        admin,
        add_content(
            admin,
            f"{base}/nieuws",
            **{"@type": "News Item", "id": "hoogwater", "title": "Hoogwater"},
        ),
    )
    add_content(
        admin,
        base,
        **{
            "@type": "Image",
            "id": "dijk.png",
            "title": "De dijk",
            "image": {
                "data": base64.b64encode(PNG).decode(),
                "encoding": "base64",
                "filename": "dijk.png",
                "content-type": "image/png",
            },
        },
    )
    return {"news": f"{base}/nieuws/hoogwater", "image": f"{base}/dijk.png"}


@pytest.fixture(scope="module")
def source_config(platform_dsn, tmp_path_factory) -> Path:
    """Backup settings for the platform, with a generated admin password file."""
    folder = tmp_path_factory.mktemp("backup-source")
    (folder / "var").mkdir()
    (folder / "var" / "admin-password").write_text(ADMIN_PASSWORD_TEXT)
    return write_config(folder, platform_dsn, backup_dir="./backups")


@pytest.fixture(scope="module")
def backup_folder(filled_platform, source_config, instance_two) -> Path:
    # The second instance writes its settings when it starts; it has started,
    # so nothing writes to the platform between this backup and the checks.
    made = pro_instance("backup", "--config", str(source_config))
    assert made.returncode == 0, made.stderr
    return Path(made.stdout.strip().rsplit(" ", 1)[-1])


@pytest.fixture(scope="module")
def restored(backup_folder, new_database, tmp_path_factory) -> Iterator[str]:
    """A new database with the backup restored into it, and its instance files."""
    dsn = new_database()
    folder = tmp_path_factory.mktemp("restore-target")
    config = write_config(folder, dsn)
    done = pro_instance(
        "restore", "--config", str(config), "--from", str(backup_folder)
    )
    assert done.returncode == 0, done.stderr
    yield dsn, folder


@pytest.mark.slow
def test_a_backup_folder_holds_the_dump_and_the_files_outside_the_database(
    backup_folder, source_config
):
    manifest = json.loads((backup_folder / "manifest.json").read_text())

    assert backup_folder.parent == source_config.parent / "backups"
    assert set(manifest["files"]) == {
        "database.dump",
        "files/instance.yaml",
        "files/admin-password",
    }
    assert (backup_folder / "database.dump").read_bytes()[:5] == b"PGDMP"
    assert (backup_folder / "files" / "instance.yaml").read_text() == (
        source_config.read_text()
    )
    assert backup_folder.stat().st_mode & 0o077 == 0
    assert not list(backup_folder.parent.glob("*.partial"))


@pytest.mark.slow
def test_a_restored_database_holds_every_object_and_blob_of_the_platform(
    restored, platform_dsn, backup_folder
):
    restored_dsn, _folder = restored
    # Nothing was written to the platform since the backup was made.
    restored_objects = objects(restored_dsn)
    live_objects = objects(platform_dsn)

    assert len(restored_objects) > 1000
    assert restored_objects == live_objects
    assert blobs(restored_dsn) == blobs(platform_dsn)
    assert len(blobs(restored_dsn)) >= 1


@pytest.mark.slow
def test_a_restored_database_opens_with_the_sites_content_and_images(
    restored, tmp_path
):
    restored_dsn, _folder = restored
    db = open_database(restored_dsn, tmp_path / "blobcache")
    try:
        assert unreachable_references(db) == set()
        connection = db.open()
        platform = connection.root()["Application"]["pro"]
        site = platform["rivierenland"]
        assert site.title == "Waterschap Rivierenland"
        assert site["nieuws"]["hoogwater"].title == "Hoogwater"
        assert site["dijk.png"].image.data == PNG
        connection.close()
    finally:
        db.close()


@pytest.mark.slow
def test_the_admin_password_file_is_restored_readable_by_its_owner_only(restored):
    _dsn, folder = restored
    password = folder / "var" / "admin-password"

    assert password.read_text() == ADMIN_PASSWORD_TEXT
    assert password.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_a_restore_into_a_database_that_holds_data_is_refused_and_changes_nothing(
    restored, backup_folder
):
    restored_dsn, folder = restored
    before = objects(restored_dsn)

    refused = pro_instance(
        "restore",
        "--config",
        str(folder / "instance.yaml"),
        "--from",
        str(backup_folder),
    )

    assert refused.returncode == 1
    assert "is not empty" in refused.stderr
    assert "restore only into an empty database" in refused.stderr
    assert objects(restored_dsn) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("dump", "is damaged: its checksum does not match"),
        ("manifest", "is not a backup: it has no manifest.json"),
        ("partial", "is an unfinished backup"),
    ],
)
def test_a_damaged_or_unfinished_backup_is_refused_before_the_database_is_touched(
    backup_folder, new_database, tmp_path, damage, message
):
    copy = tmp_path / backup_folder.name
    subprocess.run(["cp", "-a", str(backup_folder), str(copy)], check=True)
    if damage == "dump":
        with (copy / "database.dump").open("r+b") as dump:
            dump.seek(200)
            dump.write(b"\0" * 16)
    elif damage == "manifest":
        (copy / "manifest.json").unlink()
    else:
        copy = copy.rename(copy.with_name(copy.name + ".partial"))
    dsn = new_database()
    config = write_config(tmp_path / "target", dsn)

    refused = pro_instance("restore", "--config", str(config), "--from", str(copy))

    assert refused.returncode == 1
    assert message in refused.stderr
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0
    connection.close()


@pytest.mark.slow
def test_pack_removes_deleted_content_and_its_blob_and_the_platform_still_serves(
    instance_one,
    admin,
    visitor,
    site,
    filled_platform,
    backup_folder,
    tmp_path,
    platform_dsn,
):
    image_blobs_before = blobs(platform_dsn)
    deleted = admin.delete(filled_platform["image"], timeout=REQUEST_TIMEOUT)
    assert deleted.status_code == 204
    before = objects(platform_dsn)
    config = write_config(tmp_path, platform_dsn, pack_days=0)

    packed = pro_instance("pack", "--config", str(config))

    assert packed.returncode == 0, packed.stderr
    after = objects(platform_dsn)
    assert len(after) < len(before)
    assert set(after) <= set(before)
    assert len(blobs(platform_dsn)) < len(image_blobs_before)
    assert (tmp_path / "var" / "etc" / "zodbpack.conf").stat().st_mode & 0o077 == 0
    news = visitor.get(filled_platform["news"], timeout=REQUEST_TIMEOUT)
    assert news.status_code == 200
    assert "Hoogwater" in news.text
