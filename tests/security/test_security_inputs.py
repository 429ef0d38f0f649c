"""Parsers of untrusted input, fuzzed, and the repository's deployment files
read for passwords that someone could log in with.

Each fuzz is bounded (about 200 examples) and asserts that the parser never
fails with anything but its own documented error.
"""

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from pathlib import Path
from pro.instance.config import _PARSERS
from pro.instance.config import load_config
from pro.instance.exceptions import ConfigError
from pro.instance.render import render_zope_conf
from pro.instance.render import render_zope_ini
from pro.security.request_limits import json_depth
import json
import re
import subprocess
import tempfile
import yaml


REPOSITORY = Path(__file__).resolve().parents[2]
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
    | st.sampled_from(["direct", "relstorage", "1gb", "64 MB", "on", "::", "$x", "%s"])
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_keys = st.sampled_from(sorted(_PARSERS)) | st.text(max_size=20)
_documents = st.dictionaries(_keys, _values, max_size=6)
_environ = st.dictionaries(
    st.sampled_from(["PRO_HTTP_PORT", "PRO_VAR_DIR", "PRO_DB_DSN", "PRO_DEMO"]),
    st.text(max_size=20),
    max_size=4,
)


def _load(text: str, environ: dict):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instance.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        config = load_config(path, environ)
        render_zope_conf(config)
        render_zope_ini(config)
        return config


class TestInstanceConfigurationFuzz:
    @FUZZ
    @given(document=_documents, environ=_environ)
    def test_any_settings_are_read_or_refused_with_a_config_error(
        self, document, environ
    ):
        try:
            text = yaml.safe_dump(document, allow_unicode=True)
        except yaml.YAMLError:
            return
        try:
            _load(text, environ)
        except ConfigError as error:
            assert str(error)

    @FUZZ
    @given(text=st.text(max_size=200))
    def test_any_text_is_read_or_refused_with_a_config_error(self, text):
        try:
            _load(text, {})
        except ConfigError as error:
            assert str(error)
        except UnicodeEncodeError:
            # Lone surrogates cannot be written as a file to begin with.
            pass


class TestJsonDepthFuzz:
    @FUZZ
    @given(
        value=st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=30,
        )
    )
    def test_the_measured_depth_is_the_real_one(self, value):
        assert json_depth(json.dumps(value).encode()) == _depth(value)

    @FUZZ
    @given(body=st.binary(max_size=300))
    def test_any_bytes_are_measured_without_an_error(self, body):
        assert json_depth(body) >= 0


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


# Where a deployment gets its settings and first users from.
DEPLOYMENT_FILES = (
    "instance.yaml",
    "instance-relstorage.yaml",
    "buildout.cfg",
    "Makefile",
    ".ci/run",
    "pyproject.toml",
    "docker/",
    "profiles/",
    "src/pro/instance/",
    "src/pro/profiles/",
    "src/pro/platform/setup.py",
    "src/pro/platform/demo.py",
    "src/pro/setuphandlers.py",
)
# A secret-looking setting, the value it is given, and a password inside a
# PostgreSQL DSN or a URL.
SECRET_SETTING = re.compile(
    r"(?P<key>[\w.-]*(?:passw(?:or)?d|passwd|secret|token|api[_-]?key)[\w-]*)"
    r"[\"']?\s*[:=]\s*(?P<value>\S.*)?$",
    re.IGNORECASE,
)
DSN_PASSWORD = re.compile(r"\bpassword=(?P<value>[^\s'\"]+)")
URL_PASSWORD = re.compile(r"://[^/\s:@]+:(?P<value>[^@\s/]+)@")
# Where a value comes from elsewhere: the environment, a placeholder.
FROM_ELSEWHERE = re.compile(r"^[\"']?(\$|%\(|\{\{|<|\*\*\*|[\"']?$)")


def _deployment_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", *DEPLOYMENT_FILES],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [REPOSITORY / name for name in listed]


def _literal_secrets(path: Path) -> list[str]:
    """Lines of ``path`` that write a password down instead of taking it
    from the environment or generating it."""
    if path.suffix == ".md":
        return []
    found = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.strip()
        if code.startswith(("#", ";", '"', "'", "*")) or not code:
            continue
        if _writes_a_password(code, python=path.suffix == ".py"):
            found.append(f"{path.relative_to(REPOSITORY)}:{number}: {code}")
    return found


def _writes_a_password(code: str, python: bool) -> bool:
    for pattern in (DSN_PASSWORD, URL_PASSWORD):
        for match in pattern.finditer(code):
            if not FROM_ELSEWHERE.match(match["value"]):
                return True
    setting = SECRET_SETTING.search(code)
    if setting is None or not setting["value"]:
        return False
    value = setting["value"].strip()
    if python:
        # In code only a string literal is written down; names and calls
        # take the value from somewhere else.
        # A message about the password, such as "(set)", is no password.
        return bool(re.match(r"^[rbf]?[\"'][^\"'{}()\s]+[\"']", value))
    return not FROM_ELSEWHERE.match(value)


class TestNoDefaultPasswords:
    def test_the_scan_reads_the_deployment_files(self):
        names = {path.name for path in _deployment_files()}

        assert {"instance.yaml", "compose.yaml", "bootstrap.py"} <= names

    def test_the_scan_finds_a_written_password(self, tmp_path):
        sample = tmp_path / "compose.yaml"
        sample.write_text(
            "POSTGRES_PASSWORD: hunter2\n"
            "PRO_DB_DSN: host=db user=pro password=geheim\n"
            "url: postgresql://pro:geheim@db/pro\n"
            "admin_password = 'admin'\n",
            encoding="utf-8",
        )
        original = REPOSITORY
        try:
            globals()["REPOSITORY"] = tmp_path
            found = _literal_secrets(sample)
        finally:
            globals()["REPOSITORY"] = original

        assert len(found) == 4, found

    def test_no_deployment_file_holds_a_password(self):
        found = [
            line for path in _deployment_files() for line in _literal_secrets(path)
        ]

        assert found == []

    def test_the_first_start_makes_a_random_password(self):
        bootstrap = (REPOSITORY / "src/pro/instance/bootstrap.py").read_text()

        assert "secrets." in bootstrap
