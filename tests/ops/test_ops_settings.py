"""The operations settings of ``instance.yaml``: which caching proxies to purge."""

from pathlib import Path
from pro.instance.cli import main
from pro.instance.config import load_config
from pro.instance.exceptions import ConfigError
import pytest


def config_from(tmp_path: Path, text: str, environ: dict[str, str] | None = None):
    path = tmp_path / "instance.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ or {})


@pytest.mark.parametrize(
    ("text", "proxies"),
    [
        ("", ()),
        ("caching_proxies: []\n", ()),
        ("caching_proxies: http://varnish:6081\n", ("http://varnish:6081",)),
        (
            "caching_proxies: [http://cache-1:6081/, https://cache-2.example]\n",
            ("http://cache-1:6081", "https://cache-2.example"),
        ),
    ],
)
def test_caching_proxies_are_read_as_base_urls(tmp_path, text, proxies):
    assert config_from(tmp_path, text).caching_proxies == proxies


def test_pro_caching_proxies_overrides_the_file(tmp_path):
    config = config_from(
        tmp_path,
        "caching_proxies: [http://varnish:6081]\n",
        {"PRO_CACHING_PROXIES": "http://a:6081 http://b:6081"},
    )

    assert config.caching_proxies == ("http://a:6081", "http://b:6081")


@pytest.mark.parametrize(
    "value",
    [
        "varnish:6081",
        "ftp://varnish",
        "http://varnish:6081/pro",
        "http://varnish?purge=1",
        "[42]",
        "{host: varnish}",
    ],
)
def test_a_caching_proxy_that_is_not_a_base_url_is_refused_naming_the_key(
    tmp_path, value
):
    with pytest.raises(ConfigError) as refused:
        config_from(tmp_path, f"caching_proxies: {value}\n")

    assert refused.value.key == "caching_proxies"
    assert "http://varnish:6081" in refused.value.message


def test_a_bad_pro_caching_proxies_is_refused_naming_the_variable(tmp_path):
    with pytest.raises(ConfigError) as refused:
        config_from(tmp_path, "", {"PRO_CACHING_PROXIES": "varnish"})

    assert refused.value.key == "PRO_CACHING_PROXIES"


@pytest.mark.parametrize(
    ("command", "status", "message"),
    [
        ("backup", 1, "backups are made of RelStorage databases"),
        ("pack", 2, "packing with zodbpack is set up for relstorage"),
    ],
)
def test_backup_and_pack_of_a_filestorage_instance_are_refused_saying_what_to_do(
    tmp_path, capsys, command, status, message
):
    config = tmp_path / "instance.yaml"
    config.write_text("db_storage: direct\n", encoding="utf-8")

    assert main([command, "--config", str(config)]) == status

    error = capsys.readouterr().err
    assert message in error
    assert not (tmp_path / "var" / "backups").exists()


def test_restore_needs_the_backup_folder(tmp_path, capsys):
    assert main(["restore", "--config", str(tmp_path / "instance.yaml")]) == 2
    assert "--from" in capsys.readouterr().err


def test_the_proxies_are_shown_as_resolved(tmp_path, capsys):
    config = tmp_path / "instance.yaml"
    config.write_text("caching_proxies: [http://a:6081, http://b:6081]\n")

    assert main(["show", "--config", str(config)]) == 0

    assert "caching_proxies = http://a:6081 http://b:6081" in capsys.readouterr().out
