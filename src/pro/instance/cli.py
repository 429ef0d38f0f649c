"""The ``pro-instance`` command: render, serve, back up, restore or pack an instance.

Every subcommand reads the same YAML file (``--config``, ``instance.yaml`` in
the working directory by default) and the ``PRO_*`` environment variables. A
refused configuration is reported as one line on standard error, with exit
status 2, and nothing is written; a failed backup, restore or pack likewise,
with status 1.
"""

from collections.abc import Callable
from pathlib import Path
from pro.instance.config import InstanceConfig
from pro.instance.config import load_config
from pro.instance.config import SETTING_NAMES
from pro.instance.exceptions import BackupError
from pro.instance.exceptions import ConfigError
from pro.instance.render import write_instance
import argparse
import os
import re
import sys


EXIT_CONFIG_ERROR = 2
EXIT_FAILED = 1

_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")
_URI_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def main(argv: list[str] | None = None) -> int:
    """Run one ``pro-instance`` subcommand and return its exit status.

    The console script passes the result to ``sys.exit``: 0 on success, 2 when
    the command line or the configuration is refused.

    :param argv: the arguments after the program name; ``sys.argv[1:]`` if
        ``None``.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        # argparse exits on --help and on a bad command line; returning the
        # status keeps main() callable from tests and other code.
        return exc.code if isinstance(exc.code, int) else EXIT_CONFIG_ERROR

    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"error: {exc.path or args.config}: {exc.message}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED


def render(config_path: Path) -> int:
    """Write ``zope.conf`` and ``zope.ini`` for the configuration."""
    config = load_config(config_path, os.environ)
    etc_dir = write_instance(config)
    _report_rendered(etc_dir)
    return 0


def bootstrap(config_path: Path) -> int:
    """Render the instance, then create the Plone site if it is missing."""
    config = load_config(config_path, os.environ)

    # Imported late: it loads Zope and Plone, which render and show never need.
    from pro.instance.bootstrap import bootstrap as bootstrap_site

    etc_dir = write_instance(config)
    _report_rendered(etc_dir)
    bootstrap_site(config, config.zope_conf_path)
    return 0


def serve(config_path: Path) -> int:
    """Bootstrap, then hand the process over to Zope's WSGI server.

    The bootstrap closes the database before the server opens it, so a
    FileStorage is never held by two processes.
    """
    bootstrap(config_path)
    config = load_config(config_path, os.environ)
    runwsgi = Path(sys.executable).with_name("runwsgi")
    # execv drops what Python still buffers; into a pipe or a file that is all
    # the bootstrap printed, the generated admin password included.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(runwsgi, [str(runwsgi), str(config.zope_ini_path)])
    return 0  # pragma: no cover - execv does not return


def show(config_path: Path) -> int:
    """Print the resolved settings, one ``key = value`` line each.

    Secrets stay out of terminals and CI logs: the admin password is only said
    to be set or not, and a password in the PostgreSQL DSN is masked.
    """
    config = load_config(config_path, os.environ)
    for name, value in _shown_settings(config):
        print(f"{name} = {value}")
    return 0


def backup(config_path: Path) -> int:
    """Write a backup of the database and the files beside it."""
    from pro.instance.backup import backup as make_backup

    config = load_config(config_path, os.environ)
    made = make_backup(config, config_path)
    print(f"Backed up into {made.path}")
    return 0


def restore(config_path: Path, folder: Path) -> int:
    """Restore a backup folder into the instance's empty database."""
    from pro.instance.backup import restore as restore_backup

    config = load_config(config_path, os.environ)
    restored = restore_backup(config, folder)
    print(f"Restored {restored.path}; start the instances now")
    return 0


def pack(config_path: Path) -> int:
    """Pack the database with zodbpack, removing unreachable objects."""
    from pro.instance.pack import pack as pack_database

    config = load_config(config_path, os.environ)
    conf = pack_database(config)
    print(f"Packed the database with {conf}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pro-instance",
        description="Render and start the Zope instance of the PRO platform.",
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)
    subcommands: list[tuple[str, Callable[[Path], int], str]] = [
        ("render", render, "write etc/zope.conf and etc/zope.ini"),
        ("bootstrap", bootstrap, "render, then create the Plone site if missing"),
        ("serve", serve, "bootstrap, then serve with runwsgi"),
        ("show", show, "print the resolved settings"),
        ("backup", backup, "back up the RelStorage database and the files beside it"),
        ("pack", pack, "pack the RelStorage database with zodbpack"),
    ]
    for name, run, summary in subcommands:
        command = _subcommand(commands, name, summary)
        command.set_defaults(run=lambda args, run=run: run(args.config))

    command = _subcommand(
        commands, "restore", "restore a backup folder into an empty database"
    )
    command.add_argument(
        "--from",
        dest="backup",
        type=Path,
        required=True,
        help="the backup folder, as printed by the backup command",
    )
    command.set_defaults(run=lambda args: restore(args.config, args.backup))
    return parser


def _subcommand(commands, name: str, summary: str) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=summary, description=summary)
    command.add_argument(
        "--config",
        type=Path,
        default=Path("instance.yaml"),
        help="the instance YAML file (default: %(default)s)",
    )
    return command


def _report_rendered(etc_dir: Path) -> None:
    print(f"Rendered {etc_dir / 'zope.conf'} and zope.ini")


def _shown_settings(config: InstanceConfig) -> list[tuple[str, str]]:
    settings = []
    for name in SETTING_NAMES:
        value = getattr(config, name)
        if name == "db_relstorage_postgresql_dsn" and value is not None:
            value = _masked_dsn(value)
        settings.append((name, _shown(value)))

    password = "(set)" if config.admin_password else "(generated on first start)"
    settings.append(("demo", _shown(config.demo)))
    settings.append(("admin_password", password))
    return settings


def _masked_dsn(dsn: str) -> str:
    """Hide the password in a keyword (``password=...``) or URI form DSN."""
    dsn = _KEYWORD_PASSWORD.sub(r"\1***", dsn)
    return _URI_PASSWORD.sub(r"\1***@", dsn)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(not set)"
    if isinstance(value, tuple):
        return " ".join(value) or "(none)"
    return str(value)
