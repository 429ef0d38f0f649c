"""Reading instance.yaml and the PRO_* environment into an InstanceConfig."""

from pathlib import Path
from pro.instance.config import InstanceConfig
from pro.instance.config import load_config
from pro.instance.config import SETTING_NAMES
from pro.instance.exceptions import ConfigError
import dataclasses
import pytest


REPOSITORY = Path(__file__).resolve().parents[2]

RELSTORAGE = "db_storage: relstorage\ndb_relstorage_postgresql_dsn: host=db\n"


def write_config(folder: Path, text: str) -> Path:
    path = folder / "instance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_empty_file_gives_the_documented_defaults(tmp_path):
    config = load_config(write_config(tmp_path, ""), {})

    assert config == InstanceConfig(var_dir=tmp_path / "var")
    assert config.http_host == "127.0.0.1"
    assert config.http_port == 8080
    assert config.db_storage == "direct"
    assert config.db_blob_cache_size == 1024**3
    assert config.admin_password is None
    assert config.demo is True


def test_every_setting_name_is_a_field_of_the_config():
    fields = {field.name for field in dataclasses.fields(InstanceConfig)}

    assert set(SETTING_NAMES) <= fields


@pytest.mark.parametrize(
    "path",
    ["instance.yaml", "instance-relstorage.yaml", "docker/instance.yaml"],
)
def test_the_shipped_configurations_load(path):
    config = load_config(REPOSITORY / path, {})

    assert config.site_id == "pro"


def test_the_shipped_default_is_filestorage_and_the_example_relstorage():
    default = load_config(REPOSITORY / "instance.yaml", {})
    production = load_config(REPOSITORY / "instance-relstorage.yaml", {})

    assert default.db_storage == "direct"
    assert default.var_dir == REPOSITORY / "var"
    assert production.db_storage == "relstorage"
    assert production.db_relstorage_keep_history is False


def test_values_from_the_file_are_used(tmp_path):
    text = (
        "http_host: 10.0.0.5\n"
        "http_port: 9090\n"
        "wsgi_threads: 2\n"
        "debug_mode: true\n"
        "db_cache_size: 0\n"
        "mail_from_address: web@example.org\n"
        "mail_from_name: Gemeente Voorbeeld\n"
        "site_id: platform\n"
    )

    config = load_config(write_config(tmp_path, text), {})

    assert config.http_host == "10.0.0.5"
    assert config.http_port == 9090
    assert config.wsgi_threads == 2
    assert config.debug_mode is True
    assert config.db_cache_size == 0
    assert config.mail_from_address == "web@example.org"
    assert config.mail_from_name == "Gemeente Voorbeeld"
    assert config.site_id == "platform"


def test_a_relative_var_dir_is_taken_from_the_folder_of_the_file(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "config"
    folder.mkdir()

    config = load_config(write_config(folder, "var_dir: ./data/../state\n"), {})

    assert config.var_dir == folder / "state"


def test_an_absolute_var_dir_is_kept(tmp_path):
    target = tmp_path / "srv" / "pro"

    config = load_config(write_config(tmp_path, f"var_dir: {target}\n"), {})

    assert config.var_dir == target


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("1gb", 1024**3),
        ("500mb", 500 * 1024**2),
        ("500 MB", 500 * 1024**2),
        ("64kb", 64 * 1024),
        ("2048", 2048),
        (4096, 4096),
        (0, 0),
    ],
)
def test_the_blob_cache_size_accepts_bytes_and_units(tmp_path, value, size):
    path = write_config(tmp_path, f"db_blob_cache_size: {value!r}\n")

    assert load_config(path, {}).db_blob_cache_size == size


def test_relstorage_settings_are_read(tmp_path):
    text = RELSTORAGE + (
        "db_relstorage_keep_history: true\n"
        "db_relstorage_cache_local_mb: 500\n"
        "db_relstorage_cache_prefix: pro-acc\n"
        "db_relstorage_create_schema: false\n"
    )

    config = load_config(write_config(tmp_path, text), {})

    assert config.db_storage == "relstorage"
    assert config.db_relstorage_postgresql_dsn == "host=db"
    assert config.db_relstorage_keep_history is True
    assert config.db_relstorage_cache_local_mb == 500
    assert config.db_relstorage_cache_prefix == "pro-acc"
    assert config.db_relstorage_create_schema is False


def test_pro_http_port_overrides_the_file(tmp_path):
    path = write_config(tmp_path, "http_port: 8080\n")

    assert load_config(path, {"PRO_HTTP_PORT": "8081"}).http_port == 8081


def test_pro_var_dir_overrides_the_file_and_is_taken_from_the_working_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "config"
    folder.mkdir()
    path = write_config(folder, "var_dir: /nowhere\n")

    config = load_config(path, {"PRO_VAR_DIR": "state"})

    assert config.var_dir == tmp_path / "state"


def test_pro_db_dsn_overrides_the_file(tmp_path):
    path = write_config(tmp_path, RELSTORAGE)

    config = load_config(path, {"PRO_DB_DSN": "host=other password=secret"})

    assert config.db_relstorage_postgresql_dsn == "host=other password=secret"


def test_pro_db_dsn_alone_satisfies_relstorage(tmp_path):
    path = write_config(tmp_path, "db_storage: relstorage\n")

    config = load_config(path, {"PRO_DB_DSN": "host=db"})

    assert config.db_relstorage_postgresql_dsn == "host=db"


@pytest.mark.parametrize(
    ("environ", "demo"),
    [({}, True), ({"PRO_DEMO": "1"}, True), ({"PRO_DEMO": "0"}, False)],
)
def test_pro_demo_switches_demo_content(tmp_path, environ, demo):
    assert load_config(write_config(tmp_path, ""), environ).demo is demo


def test_pro_admin_password_is_kept_but_not_shown_in_the_repr(tmp_path):
    path = write_config(tmp_path, "")

    config = load_config(path, {"PRO_ADMIN_PASSWORD": "s3cret!"})

    assert config.admin_password == "s3cret!"
    assert "s3cret!" not in repr(config)


def test_empty_environment_variables_count_as_unset(tmp_path):
    environ = dict.fromkeys(
        [
            "PRO_HTTP_PORT",
            "PRO_VAR_DIR",
            "PRO_DB_DSN",
            "PRO_ADMIN_PASSWORD",
            "PRO_DEMO",
        ],
        "",
    )

    config = load_config(write_config(tmp_path, ""), environ)

    assert config == InstanceConfig(var_dir=tmp_path / "var")


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        pytest.param(
            "http_prot: 8080\n",
            "http_prot",
            ["http_prot: unknown key", "did you mean 'http_port'?", "site_id"],
            id="unknown key with a suggestion",
        ),
        pytest.param(
            "colour: blue\n",
            "colour",
            ["colour: unknown key; allowed keys: http_host, http_port"],
            id="unknown key without a close match",
        ),
        pytest.param(
            "db_storage: zeo\n",
            "db_storage",
            ["db_storage: 'zeo' is not allowed; use one of: direct, relstorage"],
            id="value outside the choices",
        ),
        pytest.param(
            "http_port: '8080'\n",
            "http_port",
            ["http_port: '8080' is not allowed", "from 1 to 65535"],
            id="port as text",
        ),
        pytest.param(
            "http_port: 0\n",
            "http_port",
            ["http_port: 0 is not allowed", "from 1 to 65535"],
            id="port too low",
        ),
        pytest.param(
            "http_port: 65536\n",
            "http_port",
            ["http_port: 65536 is not allowed"],
            id="port too high",
        ),
        pytest.param(
            "http_port: true\n",
            "http_port",
            ["http_port: True is not allowed"],
            id="port as a boolean",
        ),
        pytest.param(
            "wsgi_threads: 0\n",
            "wsgi_threads",
            ["wsgi_threads: 0 is not allowed; use a whole number of at least 1"],
            id="no threads",
        ),
        pytest.param(
            "db_cache_size: 1.5\n",
            "db_cache_size",
            ["db_cache_size: 1.5 is not allowed"],
            id="fractional number",
        ),
        pytest.param(
            "debug_mode: 'yes'\n",
            "debug_mode",
            ["debug_mode: 'yes' is not allowed; use one of: true, false"],
            id="boolean as text",
        ),
        pytest.param(
            "db_blob_cache_size: lots\n",
            "db_blob_cache_size",
            ["db_blob_cache_size: 'lots' is not allowed", "500mb"],
            id="size without a number",
        ),
        pytest.param(
            "db_blob_cache_size: -1\n",
            "db_blob_cache_size",
            ["db_blob_cache_size: -1 is not allowed"],
            id="negative size",
        ),
        pytest.param(
            "mail_from_address: webmaster\n",
            "mail_from_address",
            ["mail_from_address: 'webmaster' is not allowed", "e-mail address"],
            id="address without @",
        ),
        pytest.param(
            "mail_from_name: 42\n",
            "mail_from_name",
            ["mail_from_name: 42 is not allowed; use a one-line text"],
            id="number for a text",
        ),
        pytest.param(
            "site_id: _private\n",
            "site_id",
            ["site_id: '_private' is not allowed"],
            id="site id Zope would refuse",
        ),
        pytest.param(
            "http_host: ''\n",
            "http_host",
            ["http_host: '' is not allowed"],
            id="empty host",
        ),
        pytest.param(
            'db_relstorage_postgresql_dsn: "host=db\\ndbname=pro"\n',
            "db_relstorage_postgresql_dsn",
            ["db_relstorage_postgresql_dsn: 'host=db\\ndbname=pro' is not allowed"],
            id="line break in a value",
        ),
        pytest.param(
            "db_storage: relstorage\n",
            "db_relstorage_postgresql_dsn",
            ["db_relstorage_postgresql_dsn: required when db_storage is relstorage"],
            id="relstorage without a DSN",
        ),
    ],
)
def test_a_bad_setting_is_refused_naming_its_key(tmp_path, text, key, expected):
    path = write_config(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_config(path, {})

    assert raised.value.key == key
    assert raised.value.path == path
    assert raised.value.message.startswith(f"{key}: ")
    for fragment in expected:
        assert fragment in raised.value.message


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = write_config(tmp_path, "http_host: 127.0.0.1\nhttp_port: [8080\n")

    with pytest.raises(ConfigError) as raised:
        load_config(path, {})

    assert raised.value.key is None
    assert str(raised.value).startswith(f"{path}: line 3, column 1: ")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- http_port\n- 8080\n", "list"), ("8080\n", "int"), ("pro\n", "str")],
)
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, text, kind):
    path = write_config(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_config(path, {})

    assert raised.value.message == (
        f"the file must be a mapping of keys to values, not a {kind}"
    )


def test_a_missing_file_is_refused(tmp_path):
    path = tmp_path / "absent.yaml"

    with pytest.raises(ConfigError) as raised:
        load_config(path, {})

    assert str(raised.value) == (
        f"{path}: cannot read the file: No such file or directory"
    )


@pytest.mark.parametrize("value", ["yes", "true", "2", "on"])
def test_a_bad_pro_demo_is_refused_naming_the_variable(tmp_path, value):
    path = write_config(tmp_path, "")

    with pytest.raises(ConfigError) as raised:
        load_config(path, {"PRO_DEMO": value})

    assert raised.value.key == "PRO_DEMO"
    assert raised.value.message == (
        f"PRO_DEMO: {value!r} is not allowed; use one of: 1, 0"
    )


@pytest.mark.parametrize("value", ["http", "0", "65536", "80.5", "-1"])
def test_a_bad_pro_http_port_is_refused_naming_the_variable(tmp_path, value):
    path = write_config(tmp_path, "")

    with pytest.raises(ConfigError) as raised:
        load_config(path, {"PRO_HTTP_PORT": value})

    assert raised.value.key == "PRO_HTTP_PORT"
    assert raised.value.message.startswith(f"PRO_HTTP_PORT: {value!r} is not allowed")
