"""Read ``instance.yaml`` and the environment into one checked configuration.

Every key is optional. A value is checked when the file is read, not when Zope
starts, so a typing mistake is reported with the key's name instead of as a
ZConfig traceback on a production host. ``PRO_HTTP_PORT``, ``PRO_VAR_DIR``,
``PRO_DB_DSN`` and ``PRO_CACHING_PROXIES`` (URLs separated by spaces) override
the file, because containers and CI set them per process;
``PRO_ADMIN_PASSWORD`` and ``PRO_DEMO`` exist only in the environment, so a
secret never has to be written into a file. An empty environment variable
counts as unset, which is what ``${NAME:-}`` in a compose file produces.
"""

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from pro.instance.exceptions import ConfigError
from typing import Any
from urllib.parse import urlsplit
import difflib
import os
import re
import yaml


Parser = Callable[[str, Any], Any]

STORAGES = ("direct", "relstorage")

_SITE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SIZE = re.compile(r"(?P<number>\d+)\s*(?P<unit>[kmg]b)?", re.IGNORECASE)
_SIZE_UNITS = {None: 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_PORT_RANGE = "a whole number from 1 to 65535"


@dataclass(frozen=True)
class InstanceConfig:
    """The resolved settings of one Zope instance, paths made absolute.

    Field names are the keys of ``instance.yaml``. The folder layout below
    ``var_dir`` is fixed and exposed as properties, so the renderer, the
    command line and the bootstrap agree on where things live.
    """

    var_dir: Path
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    wsgi_threads: int = 4
    debug_mode: bool = False
    verbose_security: bool = False
    db_storage: str = "direct"
    db_cache_size: int = 30000
    db_pool_size: int = 7
    db_blob_cache_size: int = 1024**3
    db_relstorage_postgresql_dsn: str | None = field(default=None, repr=False)
    db_relstorage_keep_history: bool = False
    db_relstorage_cache_local_mb: int = 200
    db_relstorage_cache_prefix: str = "pro"
    db_relstorage_create_schema: bool = True
    mail_smtp_host: str = "localhost"
    mail_smtp_port: int = 25
    mail_from_address: str = "noreply@localhost"
    mail_from_name: str = "PRO"
    caching_proxies: tuple[str, ...] = ()
    ram_cache_in_front: bool = True
    ram_cache_entries: int = 5000
    backup_dir: Path | None = None
    pack_days: int = 1
    site_id: str = "pro"
    admin_password: str | None = field(default=None, repr=False)
    demo: bool = True

    def __post_init__(self) -> None:
        if self.backup_dir is None:
            object.__setattr__(self, "backup_dir", self.var_dir / "backups")

    @property
    def zodbpack_conf_path(self) -> Path:
        return self.etc_dir / "zodbpack.conf"

    @property
    def etc_dir(self) -> Path:
        return self.var_dir / "etc"

    @property
    def zope_conf_path(self) -> Path:
        return self.etc_dir / "zope.conf"

    @property
    def zope_ini_path(self) -> Path:
        return self.etc_dir / "zope.ini"

    @property
    def filestorage_path(self) -> Path:
        return self.var_dir / "filestorage" / "Data.fs"

    @property
    def blobstorage_dir(self) -> Path:
        """Where FileStorage keeps blobs; the only copy of them."""
        return self.var_dir / "blobstorage"

    @property
    def blobcache_dir(self) -> Path:
        """Where RelStorage caches blobs whose only copy is in PostgreSQL."""
        return self.var_dir / "blobcache"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def cache_dir(self) -> Path:
        """Chameleon's compiled templates."""
        return self.var_dir / "cache"


def load_config(path: Path, environ: Mapping[str, str]) -> InstanceConfig:
    """Read ``path`` and ``environ`` into an :class:`InstanceConfig`.

    A relative ``var_dir`` in the file is taken from the file's folder, so the
    same file works from any working directory; a relative ``PRO_VAR_DIR`` is
    taken from the working directory, as a shell user expects.

    :param path: the YAML file; it must exist, but may be empty.
    :param environ: usually ``os.environ``; passed in so tests need not patch it.
    :returns: the checked configuration.
    :raises ConfigError: naming the key or variable at fault, with ``path`` set.
    """
    path = Path(path)
    try:
        return _load(path, environ)
    except ConfigError as exc:
        exc.path = path
        raise


def _load(path: Path, environ: Mapping[str, str]) -> InstanceConfig:
    document = _read_yaml(path)
    _refuse_unknown_keys(document)

    values = {key: _PARSERS[key](key, value) for key, value in document.items()}
    values.update(_environment_overrides(environ))
    values["var_dir"] = _var_dir(path, values.get("var_dir", "var"), environ)
    if "backup_dir" in values:
        values["backup_dir"] = _folder_from_file(path, values["backup_dir"])
    config = InstanceConfig(**values)

    _require_dsn_for_relstorage(config)
    return config


def _read_yaml(path: Path) -> dict[Any, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(None, f"cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(None, "the file is not UTF-8 text") from exc

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(None, _describe_yaml_error(exc)) from exc

    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(
            None,
            f"the file must be a mapping of keys to values, not a "
            f"{type(document).__name__}",
        )
    return document


def _describe_yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "invalid YAML"
    if mark is None:
        return f"invalid YAML: {problem}"
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _refuse_unknown_keys(document: Mapping[Any, Any]) -> None:
    for key in document:
        if key in _PARSERS:
            continue
        name = str(key)
        close = difflib.get_close_matches(name, _PARSERS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(
            name,
            f"{name}: unknown key; {hint}allowed keys: {', '.join(_PARSERS)}",
        )


def _var_dir(config_path: Path, value: str, environ: Mapping[str, str]) -> Path:
    override = _from_environment(environ, "PRO_VAR_DIR")
    if override is not None:
        var_dir = Path(override).expanduser()
    else:
        var_dir = config_path.parent / Path(value).expanduser()
    # abspath folds "./" and "../" without following symbolic links, so the
    # rendered paths are the ones the operator wrote.
    return Path(os.path.abspath(var_dir))


def _folder_from_file(config_path: Path, value: str) -> Path:
    return Path(os.path.abspath(config_path.parent / Path(value).expanduser()))


def _environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}

    port = _from_environment(environ, "PRO_HTTP_PORT")
    if port is not None:
        overrides["http_port"] = _port_from_text("PRO_HTTP_PORT", port)

    dsn = _from_environment(environ, "PRO_DB_DSN")
    if dsn is not None:
        overrides["db_relstorage_postgresql_dsn"] = _text()("PRO_DB_DSN", dsn)

    proxies = _from_environment(environ, "PRO_CACHING_PROXIES")
    if proxies is not None:
        overrides["caching_proxies"] = _url_list("PRO_CACHING_PROXIES", proxies.split())

    overrides["admin_password"] = _from_environment(environ, "PRO_ADMIN_PASSWORD")

    demo = _from_environment(environ, "PRO_DEMO") or "1"
    if demo not in ("1", "0"):
        raise ConfigError("PRO_DEMO", _not_allowed("PRO_DEMO", demo, "one of: 1, 0"))
    overrides["demo"] = demo == "1"

    return overrides


def _require_dsn_for_relstorage(config: InstanceConfig) -> None:
    if config.db_storage != "relstorage":
        return
    if config.db_relstorage_postgresql_dsn is None:
        raise ConfigError(
            "db_relstorage_postgresql_dsn",
            "db_relstorage_postgresql_dsn: required when db_storage is relstorage; "
            "set it in the file or in PRO_DB_DSN, for example "
            "'host=db dbname=pro user=pro'",
        )


def _from_environment(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "")
    return value if value != "" else None


def _port_from_text(name: str, text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise ConfigError(name, _not_allowed(name, text, _PORT_RANGE))
    return number


def _not_allowed(key: str, value: Any, allowed: str) -> str:
    return f"{key}: {value!r} is not allowed; use {allowed}"


def _whole_number(minimum: int, maximum: int | None = None) -> Parser:
    if maximum is None:
        allowed = f"a whole number of at least {minimum}"
    else:
        allowed = f"a whole number from {minimum} to {maximum}"

    def parse(key: str, value: Any) -> int:
        # bool is a subclass of int; "true" for a port is a mistake, not 1.
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if not is_int or value < minimum or (maximum is not None and value > maximum):
            raise ConfigError(key, _not_allowed(key, value, allowed))
        return value

    return parse


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, _not_allowed(key, value, "one of: true, false"))
    return value


def _choice(*choices: str) -> Parser:
    def parse(key: str, value: Any) -> str:
        if value not in choices:
            raise ConfigError(
                key, _not_allowed(key, value, f"one of: {', '.join(choices)}")
            )
        return value

    return parse


def _text(
    pattern: re.Pattern[str] | None = None, allowed: str = "a one-line text"
) -> Parser:
    def parse(key: str, value: Any) -> str:
        # zope.conf and zope.ini are line based: a line break would end the
        # value and let the rest be read as a directive of its own.
        is_line = isinstance(value, str) and value.strip() != ""
        if not is_line or "\n" in value or "\r" in value:
            raise ConfigError(key, _not_allowed(key, value, allowed))
        if pattern is not None and pattern.fullmatch(value) is None:
            raise ConfigError(key, _not_allowed(key, value, allowed))
        return value

    return parse


def _optional_text(key: str, value: Any) -> str | None:
    return None if value is None else _text()(key, value)


def _email_address(key: str, value: Any) -> str:
    allowed = "an e-mail address such as noreply@example.org"
    address = _text(allowed=allowed)(key, value)
    local, _, domain = address.rpartition("@")
    if not local or not domain or " " in address:
        raise ConfigError(key, _not_allowed(key, value, allowed))
    return address


def _byte_size(key: str, value: Any) -> int:
    allowed = "a number of bytes or a size such as 500mb or 1gb"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _SIZE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(key, _not_allowed(key, value, allowed))
    unit = match["unit"].lower() if match["unit"] else None
    return int(match["number"]) * _SIZE_UNITS[unit]


def _url_list(key: str, value: Any) -> tuple[str, ...]:
    allowed = "a list of base URLs such as [http://varnish:6081]"
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(key, _not_allowed(key, value, allowed))
    for url in value:
        parts = urlsplit(url) if isinstance(url, str) else None
        is_base_url = (
            parts is not None
            and parts.scheme in ("http", "https")
            and parts.hostname
            and parts.path in ("", "/")
            and not parts.query
        )
        if not is_base_url:
            raise ConfigError(key, _not_allowed(key, url, allowed))
    return tuple(url.rstrip("/") for url in value)


_PARSERS: dict[str, Parser] = {
    "http_host": _text(re.compile(r"\S+"), "a host name or address"),
    "http_port": _whole_number(1, 65535),
    "wsgi_threads": _whole_number(1),
    "var_dir": _text(allowed="a folder path"),
    "debug_mode": _boolean,
    "verbose_security": _boolean,
    "db_storage": _choice(*STORAGES),
    "db_cache_size": _whole_number(0),
    "db_pool_size": _whole_number(1),
    "db_blob_cache_size": _byte_size,
    "db_relstorage_postgresql_dsn": _optional_text,
    "db_relstorage_keep_history": _boolean,
    "db_relstorage_cache_local_mb": _whole_number(0),
    "db_relstorage_cache_prefix": _text(),
    "db_relstorage_create_schema": _boolean,
    "mail_smtp_host": _text(re.compile(r"\S+"), "a host name"),
    "mail_smtp_port": _whole_number(1, 65535),
    "mail_from_address": _email_address,
    "mail_from_name": _text(),
    "caching_proxies": _url_list,
    "ram_cache_in_front": _boolean,
    "ram_cache_entries": _whole_number(1),
    "backup_dir": _text(allowed="a folder path"),
    "pack_days": _whole_number(0),
    "site_id": _text(
        _SITE_ID, "letters, digits, '.', '_' and '-', starting with a letter or digit"
    ),
}

SETTING_NAMES: tuple[str, ...] = tuple(_PARSERS)
"""The keys ``instance.yaml`` accepts, in the order its documentation uses."""
