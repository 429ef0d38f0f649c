"""The pro-instance command line: render, bootstrap and show."""

from pathlib import Path
from pro.instance.cli import main
import os
import pytest
import subprocess
import sys
import types


PRO_VARIABLES = [
    "PRO_HTTP_PORT",
    "PRO_VAR_DIR",
    "PRO_DB_DSN",
    "PRO_ADMIN_PASSWORD",
    "PRO_DEMO",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Keep the developer's or CI's own PRO_* variables out of these tests."""
    for name in PRO_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def bootstrap_calls(monkeypatch):
    """Stand in for pro.instance.bootstrap, which needs a whole Zope."""
    calls = []
    module = types.ModuleType("pro.instance.bootstrap")
    module.bootstrap = lambda config, zope_conf: calls.append((config, zope_conf))
    monkeypatch.setitem(sys.modules, "pro.instance.bootstrap", module)
    return calls


def write_config(folder: Path, text: str) -> Path:
    path = folder / "instance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def files_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def test_render_writes_both_files_and_says_where(tmp_path, capsys):
    config = write_config(tmp_path, "http_port: 8090\n")

    status = main(["render", "--config", str(config)])

    etc_dir = tmp_path / "var" / "etc"
    assert status == 0
    assert capsys.readouterr().out == f"Rendered {etc_dir}/zope.conf and zope.ini\n"
    assert "listen = 127.0.0.1:8090" in (etc_dir / "zope.ini").read_text()
    assert (etc_dir / "zope.conf").is_file()


def test_render_reads_instance_yaml_in_the_working_directory_by_default(
    tmp_path, monkeypatch
):
    write_config(tmp_path, "")
    monkeypatch.chdir(tmp_path)

    assert main(["render"]) == 0
    assert (tmp_path / "var" / "etc" / "zope.conf").is_file()


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        pytest.param(
            "http_prot: 8080\n",
            {},
            "http_prot: unknown key; did you mean 'http_port'?",
            id="unknown key",
        ),
        pytest.param(
            "db_storage: zeo\n",
            {},
            "db_storage: 'zeo' is not allowed; use one of: direct, relstorage",
            id="bad choice",
        ),
        pytest.param(
            "wsgi_threads: many\n",
            {},
            "wsgi_threads: 'many' is not allowed",
            id="bad type",
        ),
        pytest.param(
            "db_storage: relstorage\n",
            {},
            "db_relstorage_postgresql_dsn: required when db_storage is relstorage",
            id="missing DSN",
        ),
        pytest.param(
            "http_port: [8080\n",
            {},
            "line 2, column 1: ",
            id="YAML syntax error",
        ),
        pytest.param(
            "- 8080\n",
            {},
            "the file must be a mapping of keys to values, not a list",
            id="not a mapping",
        ),
        pytest.param(
            "",
            {"PRO_DEMO": "yes"},
            "PRO_DEMO: 'yes' is not allowed; use one of: 1, 0",
            id="bad PRO_DEMO",
        ),
        pytest.param(
            "",
            {"PRO_HTTP_PORT": "eighty"},
            "PRO_HTTP_PORT: 'eighty' is not allowed",
            id="bad PRO_HTTP_PORT",
        ),
    ],
)
@pytest.mark.parametrize("command", ["render", "bootstrap", "show"])
def test_a_refused_configuration_prints_one_line_and_writes_nothing(
    tmp_path, monkeypatch, capsys, bootstrap_calls, command, text, environ, message
):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    config = write_config(tmp_path, text)

    status = main([command, "--config", str(config)])

    output = capsys.readouterr()
    assert status == 2
    assert output.out == ""
    [line] = output.err.splitlines()
    assert line.startswith(f"error: {config}: {message}")
    assert files_under(tmp_path) == [config]
    assert bootstrap_calls == []


def test_a_missing_configuration_file_is_reported_as_one_line(tmp_path, capsys):
    config = tmp_path / "absent.yaml"

    status = main(["render", "--config", str(config)])

    assert status == 2
    assert capsys.readouterr().err == (
        f"error: {config}: cannot read the file: No such file or directory\n"
    )
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("argv", [[], ["deploy"], ["render", "--colour"]])
def test_a_bad_command_line_returns_status_2(argv, capsys):
    assert main(argv) == 2
    assert "usage: pro-instance" in capsys.readouterr().err


def test_help_returns_status_0(capsys):
    assert main(["--help"]) == 0
    assert "render" in capsys.readouterr().out


def test_bootstrap_renders_then_hands_config_and_zope_conf_over(
    tmp_path, capsys, bootstrap_calls
):
    config = write_config(tmp_path, "site_id: platform\n")

    status = main(["bootstrap", "--config", str(config)])

    zope_conf = tmp_path / "var" / "etc" / "zope.conf"
    assert status == 0
    [(given_config, given_zope_conf)] = bootstrap_calls
    assert given_config.site_id == "platform"
    assert given_zope_conf == zope_conf
    assert zope_conf.is_file()
    assert capsys.readouterr().out.startswith(f"Rendered {zope_conf}")


def test_show_prints_every_setting_as_key_equals_value(tmp_path, capsys):
    config = write_config(tmp_path, "http_port: 8090\ndebug_mode: true\n")

    status = main(["show", "--config", str(config)])

    lines = capsys.readouterr().out.splitlines()
    settings = dict(line.split(" = ", 1) for line in lines)
    assert status == 0
    assert settings["http_port"] == "8090"
    assert settings["debug_mode"] == "true"
    assert settings["var_dir"] == str(tmp_path / "var")
    assert settings["db_blob_cache_size"] == str(1024**3)
    assert settings["db_relstorage_postgresql_dsn"] == "(not set)"
    assert settings["demo"] == "true"
    assert files_under(tmp_path) == [config]


@pytest.mark.parametrize(
    ("password", "shown"),
    [("s3cret!", "(set)"), (None, "(generated on first start)")],
)
def test_show_never_prints_the_admin_password(
    tmp_path, monkeypatch, capsys, password, shown
):
    if password is not None:
        monkeypatch.setenv("PRO_ADMIN_PASSWORD", password)
    config = write_config(tmp_path, "")

    main(["show", "--config", str(config)])

    output = capsys.readouterr().out
    assert f"admin_password = {shown}\n" in output
    assert password is None or password not in output


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [
        ("host=db password=s3cret user=pro", "host=db password=*** user=pro"),
        ("host=db password = 's3 cret' user=pro", "host=db password = *** user=pro"),
        ("postgresql://pro:s3cret@db/pro", "postgresql://pro:***@db/pro"),
        ("host=db user=pro", "host=db user=pro"),
    ],
)
def test_show_masks_the_password_in_the_dsn(tmp_path, monkeypatch, capsys, dsn, shown):
    monkeypatch.setenv("PRO_DB_DSN", dsn)
    config = write_config(tmp_path, "db_storage: relstorage\n")

    main(["show", "--config", str(config)])

    assert f"db_relstorage_postgresql_dsn = {shown}\n" in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        [str(Path(sys.executable).parent / "pro-instance")],
        [sys.executable, "-m", "pro.instance"],
    ],
    ids=["console script", "python -m"],
)
def test_the_installed_command_exits_with_mains_status(tmp_path, command):
    config = write_config(tmp_path, "db_storage: zeo\n")
    environ = {
        name: value for name, value in os.environ.items() if name not in PRO_VARIABLES
    }

    failed = subprocess.run(
        [*command, "render", "--config", str(config)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )
    write_config(tmp_path, "")
    rendered = subprocess.run(
        [*command, "render", "--config", str(config)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )

    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1
    assert failed.stderr.startswith(f"error: {config}: db_storage: 'zeo'")
    assert rendered.returncode == 0
    assert rendered.stdout.startswith("Rendered ")
    assert (tmp_path / "var" / "etc" / "zope.ini").is_file()
