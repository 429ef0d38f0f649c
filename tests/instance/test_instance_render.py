"""Rendering zope.conf and zope.ini, proved by Zope's and PasteDeploy's parsers."""

from configparser import ConfigParser
from paste.deploy import appconfig
from paste.deploy import loadserver
from pathlib import Path
from pro.instance.config import InstanceConfig
from pro.instance.exceptions import ConfigError
from pro.instance.render import render_zope_conf
from pro.instance.render import render_zope_ini
from pro.instance.render import write_instance
from Zope2.Startup.options import ZopeWSGIOptions
import dataclasses
import logging
import logging.config
import pytest
import stat


def direct_config(var_dir: Path, **changes) -> InstanceConfig:
    return dataclasses.replace(InstanceConfig(var_dir=var_dir), **changes)


def relstorage_config(var_dir: Path, **changes) -> InstanceConfig:
    changes.setdefault("db_relstorage_postgresql_dsn", "host=db dbname=pro")
    return direct_config(var_dir, db_storage="relstorage", **changes)


def parse_zope_conf(path: Path):
    """Load ``path`` with Zope's own schema, as ``runwsgi`` does at start-up."""
    return ZopeWSGIOptions(configfile=str(path))().configroot


@pytest.fixture
def restored_logging():
    """Undo what logging.config.fileConfig does to the process's loggers."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    yield
    for handler in root.handlers:
        if handler not in saved[1]:
            handler.close()
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]


def test_a_direct_instance_parses_with_zopes_schema(tmp_path):
    config = direct_config(tmp_path / "var")

    etc_dir = write_instance(config)
    root = parse_zope_conf(etc_dir / "zope.conf")

    var_dir = str(tmp_path / "var")
    assert root.instancehome == var_dir
    assert root.clienthome == var_dir
    assert root.debug_mode is False
    assert root.verbose_security is False
    assert root.security_policy_implementation == "C"
    assert root.default_zpublisher_encoding == "utf-8"
    assert root.environment == {
        "CHAMELEON_CACHE": f"{var_dir}/cache",
        "zope_i18n_compile_mo_files": "true",
    }
    assert root.dos_protection.form_disk_limit == 1024**3
    [database] = root.databases
    assert database.name == "main"
    assert database.config.mount_points == ["/"]
    assert database.config.cache_size == 30000
    assert database.config.pool_size == 7
    blobstorage = database.config.storage.config
    assert blobstorage.blob_dir == f"{var_dir}/blobstorage"
    assert blobstorage.base.config.path == f"{var_dir}/filestorage/Data.fs"


def test_a_relstorage_instance_parses_without_connecting_to_postgresql(tmp_path):
    config = relstorage_config(
        tmp_path / "var",
        db_blob_cache_size=500 * 1024**2,
        db_relstorage_cache_local_mb=300,
        db_relstorage_cache_prefix="pro-acc",
    )

    etc_dir = write_instance(config)
    root = parse_zope_conf(etc_dir / "zope.conf")

    relstorage = root.databases[0].config.storage.config
    assert relstorage.keep_history is False
    assert relstorage.shared_blob_dir is False
    assert relstorage.blob_dir == str(tmp_path / "var" / "blobcache")
    assert relstorage.blob_cache_size == 500 * 1024**2
    assert relstorage.cache_local_mb == 300
    assert relstorage.cache_prefix == "pro-acc"
    assert relstorage.create_schema is True
    assert relstorage.adapter.config.dsn == "host=db dbname=pro"


def test_the_relstorage_text_holds_the_documented_lines(tmp_path):
    text = render_zope_conf(relstorage_config(tmp_path))

    assert text.index("%import relstorage") < text.index("<relstorage>")
    for line in [
        "  <relstorage>",
        "    keep-history false",
        "    shared-blob-dir false",
        "    blob-cache-size 1073741824",
        "    cache-local-mb 200",
        "    cache-prefix pro",
        "    create-schema true",
        "    <postgresql>",
        "      dsn host=db dbname=pro",
    ]:
        assert line in text.splitlines()
    assert "<filestorage>" not in text


def test_the_product_config_carries_pros_own_settings(tmp_path):
    config = direct_config(
        tmp_path / "var",
        site_id="platform",
        mail_smtp_host="smtp.example.org",
        mail_smtp_port=587,
        mail_from_address="web@example.org",
        mail_from_name="Gemeente Voorbeeld",
    )

    root = parse_zope_conf(write_instance(config) / "zope.conf")

    assert root.product_config["pro"] == {
        "site_id": "platform",
        "var_dir": str(tmp_path / "var"),
        "mail_smtp_host": "smtp.example.org",
        "mail_smtp_port": "587",
        "mail_from_address": "web@example.org",
        "mail_from_name": "Gemeente Voorbeeld",
    }


def test_verbose_security_switches_to_the_python_security_policy(tmp_path):
    config = direct_config(tmp_path / "var", debug_mode=True, verbose_security=True)

    root = parse_zope_conf(write_instance(config) / "zope.conf")

    assert root.debug_mode is True
    assert root.verbose_security is True
    assert root.security_policy_implementation == "PYTHON"


def test_dollar_and_percent_signs_reach_zope_unchanged(tmp_path):
    var_dir = tmp_path / "var$HOME$(USER)"
    dsn = "host=db password='pa$$ w%rd' $(USER)"
    config = relstorage_config(var_dir, db_relstorage_postgresql_dsn=dsn)

    etc_dir = write_instance(config)
    root = parse_zope_conf(etc_dir / "zope.conf")
    settings = appconfig(f"config:{etc_dir / 'zope.ini'}", name="zope")

    assert root.instancehome == str(var_dir)
    assert root.databases[0].config.storage.config.adapter.config.dsn == dsn
    assert settings["zope_conf"] == str(var_dir / "etc" / "zope.conf")


@pytest.mark.parametrize(
    "changes",
    [
        {"mail_from_name": "PRO\ninstancehome /tmp"},
        {"db_relstorage_postgresql_dsn": "host=db\r\n</postgresql>"},
        {"http_host": "127.0.0.1\n[server:evil]"},
    ],
)
def test_a_value_with_a_line_break_is_refused_and_nothing_is_written(tmp_path, changes):
    config = relstorage_config(tmp_path / "var", **changes)

    with pytest.raises(ConfigError) as raised:
        write_instance(config)

    [key] = changes
    assert raised.value.key == key
    assert "without line breaks" in raised.value.message
    assert not (tmp_path / "var").exists()


def test_a_var_dir_with_a_percent_sign_is_refused(tmp_path):
    config = direct_config(tmp_path / "100%")

    with pytest.raises(ConfigError) as raised:
        write_instance(config)

    assert raised.value.key == "var_dir"
    assert "without '%'" in raised.value.message
    assert not (tmp_path / "100%").exists()


def test_a_percent_sign_in_the_host_reaches_waitress_unchanged(tmp_path):
    config = direct_config(tmp_path / "var", http_host="fe80::1%eth0")
    ini = write_instance(config) / "zope.ini"

    parser = ConfigParser()
    parser.read(ini)

    assert parser["server:main"]["listen"] == "[fe80::1%eth0]:8080"


def test_zope_ini_serves_zope_conf_with_waitress(tmp_path):
    config = direct_config(tmp_path / "var", http_port=9123, wsgi_threads=8)
    ini = write_instance(config) / "zope.ini"

    parser = ConfigParser()
    parser.read(ini)

    assert parser["app:zope"]["use"] == "egg:Zope#main"
    assert parser["app:zope"]["zope_conf"] == str(config.zope_conf_path)
    assert parser["server:main"]["use"] == "egg:waitress#main"
    assert parser["server:main"]["listen"] == "127.0.0.1:9123"
    assert parser["server:main"]["threads"] == "8"
    assert parser["server:main"]["clear_untrusted_proxy_headers"] == "false"
    assert parser["server:main"]["max_request_body_size"] == str(1024**3)
    assert parser["pipeline:main"]["pipeline"].split() == [
        "stats",
        "ram_cache",
        "egg:Zope#httpexceptions",
        "request_limits",
        "zope",
    ]
    assert parser["filter:stats"]["use"] == ("call:pro.stats.middleware:filter_factory")
    assert parser["filter:request_limits"]["paste.filter_factory"] == (
        "pro.security.request_limits:filter_factory"
    )
    assert parser["filter:ram_cache"]["use"] == "call:pro.caching.front:filter_factory"
    assert parser["filter:ram_cache"]["max_entries"] == "5000"


def test_the_ram_cache_in_front_of_zope_can_be_left_out(tmp_path):
    config = direct_config(tmp_path / "var", ram_cache_in_front=False)
    ini = write_instance(config) / "zope.ini"

    parser = ConfigParser()
    parser.read(ini)

    assert "ram_cache" not in parser["pipeline:main"]["pipeline"].split()


def test_pastedeploy_loads_the_server_section(tmp_path):
    ini = write_instance(direct_config(tmp_path / "var")) / "zope.ini"

    # Loading only builds the runner; nothing listens until it is called.
    server = loadserver(f"config:{ini}")

    assert callable(server)


def test_an_ipv6_address_is_bracketed_in_listen(tmp_path):
    text = render_zope_ini(direct_config(tmp_path, http_host="::", http_port=8080))

    assert "listen = [::]:8080" in text.splitlines()


def test_the_logging_sections_write_to_the_log_file_and_stderr(
    tmp_path, restored_logging, capsys
):
    config = direct_config(tmp_path / "var")
    ini = write_instance(config) / "zope.ini"

    logging.config.fileConfig(ini, disable_existing_loggers=False)
    logging.getLogger("pro.instance.test").info("instance log line")
    for handler in logging.getLogger().handlers:
        handler.flush()

    log_file = config.log_dir / "instance.log"
    assert "INFO    [pro.instance.test] instance log line" in log_file.read_text()
    assert "instance log line" in capsys.readouterr().err
    assert logging.getLogger("pro").level == logging.INFO


def test_write_instance_creates_the_folders_for_filestorage(tmp_path):
    config = direct_config(tmp_path / "var")

    etc_dir = write_instance(config)

    assert etc_dir == tmp_path / "var" / "etc"
    for folder in ["etc", "log", "cache", "blobstorage", "filestorage"]:
        assert (tmp_path / "var" / folder).is_dir()
    assert not (tmp_path / "var" / "blobcache").exists()


def test_write_instance_creates_the_blob_cache_for_relstorage(tmp_path):
    write_instance(relstorage_config(tmp_path / "var"))

    assert (tmp_path / "var" / "blobcache").is_dir()
    assert not (tmp_path / "var" / "filestorage").exists()


def test_write_instance_replaces_the_files_and_leaves_no_temporary_files(tmp_path):
    write_instance(direct_config(tmp_path / "var", http_port=8080))

    etc_dir = write_instance(direct_config(tmp_path / "var", http_port=8090))

    assert sorted(path.name for path in etc_dir.iterdir()) == ["zope.conf", "zope.ini"]
    assert "listen = 127.0.0.1:8090" in (etc_dir / "zope.ini").read_text()


def test_the_rendered_files_are_readable_by_their_owner_only(tmp_path):
    etc_dir = write_instance(relstorage_config(tmp_path / "var"))

    for name in ["zope.conf", "zope.ini"]:
        mode = stat.S_IMODE((etc_dir / name).stat().st_mode)
        assert mode == 0o600
