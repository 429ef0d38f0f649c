"""A backup folder's manifest is read as untrusted input: a damaged or edited
manifest is refused with a :class:`BackupError` naming the file, never with a
traceback, and it can never point the restore at a file outside the folder."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pathlib import Path
from pro.instance.backup import read_backup
from pro.instance.exceptions import BackupError
import hashlib
import json
import pytest
import tempfile


DUMP = b"PGDMP fake dump"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)
manifests = st.fixed_dictionaries(
    {"format": st.sampled_from([1, 2, "1", None])},
    optional={
        "files": st.dictionaries(
            st.sampled_from(["database.dump", "../etc/passwd", "files/x", "/var/lib/a"])
            | st.text(max_size=12),
            st.fixed_dictionaries({"sha256": st.text(max_size=64)}) | json_values,
            max_size=3,
        ),
        "created": json_values,
    },
)


def read_folder_with(manifest: bytes):
    """Read a backup folder holding ``manifest`` and a small dump."""
    with tempfile.TemporaryDirectory(prefix="pro-manifest-") as name:
        folder = Path(name)
        (folder / "database.dump").write_bytes(DUMP)
        (folder / "manifest.json").write_bytes(manifest)
        return read_backup(folder)


@settings(max_examples=200, deadline=None)
@given(st.one_of(json_values, manifests).map(lambda value: json.dumps(value).encode()))
def test_any_json_manifest_is_read_or_refused_with_a_backup_error(manifest):
    try:
        found = read_folder_with(manifest)
    except BackupError:
        return
    # Only a manifest naming the dump with its real checksum is accepted.
    assert set(found.manifest["files"]) <= {
        "database.dump",
        "files/instance.yaml",
        "files/admin-password",
    }


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_as_a_manifest_are_refused_with_a_backup_error(manifest):
    with pytest.raises(BackupError):
        read_folder_with(manifest)


def test_a_manifest_with_the_dumps_checksum_is_accepted():
    checksum = hashlib.sha256(DUMP).hexdigest()
    manifest = {"format": 1, "files": {"database.dump": {"sha256": checksum}}}

    found = read_folder_with(json.dumps(manifest).encode())

    assert found.manifest == manifest


@pytest.mark.parametrize("name", ["../outside", "/etc/passwd", "files/../../x"])
def test_a_manifest_naming_a_file_outside_the_backup_is_refused(name):
    checksum = hashlib.sha256(DUMP).hexdigest()
    manifest = {
        "format": 1,
        "files": {"database.dump": {"sha256": checksum}, name: {"sha256": "0"}},
    }

    with pytest.raises(BackupError, match="the manifest is damaged"):
        read_folder_with(json.dumps(manifest).encode())
