"""Start a real Zope instance of PRO in a child process, the way ``make run`` does.

End-to-end tests and benchmarks need the platform as an operator gets it:
``pro-instance serve`` renders the instance, bootstraps the database and then
execs the WSGI server, so the child's process id ends up being the server's.
:class:`ZopeProcess` wraps that in a context manager that picks a free port on
127.0.0.1, waits until the server answers HTTP and stops it again, each step
bounded in time, so a broken start fails a test instead of hanging it.

The caller's own ``PRO_*`` variables are not passed on: a developer's
``PRO_DB_DSN`` must never point a test at a real database by accident.
Neither is ``PYTHONUNBUFFERED``, so the child buffers its output as it does
for an operator.
"""

from collections.abc import Mapping
from pathlib import Path
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


HOST = "127.0.0.1"

# Bootstrapping a new database with the demo sites takes most of a minute on a
# small machine; a start that needs three times that is broken, not slow.
START_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0
_POLL_INTERVAL = 0.25
_OUTPUT_TAIL_LINES = 40

# A proxy from the environment must not be asked for an address on this host.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ZopeStartError(RuntimeError):
    """``pro-instance serve`` exited, or did not answer HTTP in time.

    The message ends with the last lines the process printed, which is where
    the cause is: a refused setting, a traceback, a port already in use.
    """


def free_port(host: str = HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now.

    The port is only free when asked; another process may take it before the
    server binds it, which on a test machine is rare enough to accept.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def pro_instance_command() -> list[str]:
    """The ``pro-instance`` command of the running Python environment."""
    script = Path(sys.executable).with_name("pro-instance")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "pro.instance"]


class ZopeProcess:
    """One ``pro-instance serve`` child process, served on ``127.0.0.1``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with ZopeProcess(Path("instance.yaml"), environ={"PRO_DEMO": "0"}) as zope:
            urllib.request.urlopen(zope.url + "/pro")

    :param config: the instance YAML file passed as ``--config``.
    :param var_dir: the instance's variable-data folder (``PRO_VAR_DIR``). When
        ``None`` a temporary one is made and removed again on :meth:`stop`; pass
        a folder to keep the database for a later start.
    :param environ: extra environment variables, such as ``PRO_DEMO`` or
        ``PRO_ADMIN_PASSWORD``; they win over the port and folder chosen here.
    :param port: the HTTP port (``PRO_HTTP_PORT``); a free one when ``None``.
    :param ready_path: the path whose HTTP answer, of any status, means the
        server is up.
    :param start_timeout: seconds to wait for that answer.
    :param stop_timeout: seconds to wait for the server to exit on SIGTERM
        before it is killed.
    """

    def __init__(
        self,
        config: Path,
        *,
        var_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
        port: int | None = None,
        ready_path: str = "/",
        start_timeout: float = START_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
    ) -> None:
        # Absolute, because the child runs in the config's folder.
        self.config = Path(config).absolute()
        self.port = port if port is not None else free_port()
        self.ready_path = ready_path
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.launched_at: float | None = None
        self.ready_seconds: float | None = None
        self.returncode: int | None = None

        self._given_var_dir = None if var_dir is None else Path(var_dir).absolute()
        self._extra_environ = dict(environ or {})
        # Made on start, so an instance that is never started leaves nothing.
        self._scratch: Path | None = None
        self._output: str | None = None
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's root URL, without a trailing slash."""
        return f"http://{HOST}:{self.port}"

    @property
    def var_dir(self) -> Path:
        """The instance's variable-data folder."""
        if self._given_var_dir is not None:
            return self._given_var_dir
        if self._scratch is None:
            raise RuntimeError("the temporary var folder is made on start")
        return self._scratch / "var"

    @property
    def pid(self) -> int:
        """The process id; after the exec it is the WSGI server's own."""
        if self._process is None:
            raise RuntimeError("the Zope process was not started")
        return self._process.pid

    @property
    def output(self) -> str:
        """Everything the process wrote to standard output and error so far."""
        if self._output is not None:
            return self._output
        if self._scratch is None:
            return ""
        try:
            return self._output_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> "ZopeProcess":
        """Launch ``pro-instance serve`` and wait until it answers HTTP.

        :returns: ``self``, with :attr:`launched_at` set to the
            ``time.monotonic()`` of the launch and :attr:`ready_seconds` to the
            time from there to the first answer.
        :raises ZopeStartError: when the process exits first or does not
            answer within :attr:`start_timeout`; it is stopped either way.
        """
        return self.launch().wait_until_ready()

    def launch(self) -> "ZopeProcess":
        """Launch ``pro-instance serve`` without waiting for it.

        Lets a caller start several servers, or do other work, while each
        starts; :meth:`wait_until_ready` waits for the answer.
        """
        if self._process is not None:
            raise RuntimeError("a ZopeProcess can be started only once")

        self._scratch = Path(tempfile.mkdtemp(prefix="pro-zope-"))
        command = [*pro_instance_command(), "serve", "--config", str(self.config)]
        self.launched_at = time.monotonic()
        try:
            self._launch(command)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_ready(self) -> "ZopeProcess":
        """Wait until the launched server answers HTTP; see :meth:`start`."""
        if self._process is None:
            raise RuntimeError("the Zope process was not launched")
        if self.ready_seconds is not None:
            return self
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        self.ready_seconds = time.monotonic() - self.launched_at
        return self

    def stop(self) -> int | None:
        """Stop the server with SIGTERM, killing it if it does not exit in time.

        Safe to call more than once. The output stays readable afterwards.

        :returns: the exit status, or ``None`` when it was never started.
        """
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self.stop_timeout)
        if process is not None:
            self.returncode = process.returncode

        if self._scratch is not None and self._output is None:
            self._output = self.output
            shutil.rmtree(self._scratch, ignore_errors=True)
        return self.returncode

    def __enter__(self) -> "ZopeProcess":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _output_path(self) -> Path:
        return self._scratch / "output.log"

    def _launch(self, command: list[str]) -> None:
        with open(self._output_path, "ab") as output:
            # The child keeps its own copy of the descriptor; appending means
            # that reading the file here never moves where the child writes.
            self._process = subprocess.Popen(
                command,
                cwd=self.config.parent,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def _environment(self) -> dict[str, str]:
        # Without PYTHONUNBUFFERED the child's output into a file is buffered,
        # as it is under ``make run | tee`` or systemd, so output lost before
        # the exec into the server shows here too.
        environ = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("PRO_") and name != "PYTHONUNBUFFERED"
        }
        environ["PRO_HTTP_PORT"] = str(self.port)
        environ["PRO_VAR_DIR"] = str(self.var_dir)
        environ.update(self._extra_environ)
        return environ

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            status = self._process.poll()
            if status is not None:
                raise ZopeStartError(
                    f"pro-instance serve exited with status {status} before "
                    f"answering on {self.url}{self.ready_path}\n{self._tail()}"
                )
            if self._answers():
                return
            time.sleep(_POLL_INTERVAL)
        raise ZopeStartError(
            f"pro-instance serve did not answer on {self.url}{self.ready_path} "
            f"within {self.start_timeout:.0f} s\n{self._tail()}"
        )

    def _answers(self) -> bool:
        # The URL is built here from 127.0.0.1 and a port number, never taken
        # from input, so opening it cannot reach another scheme or host.
        request = urllib.request.Request(self.url + self.ready_path)  # noqa: S310
        try:
            with _DIRECT.open(request, timeout=5):
                return True
        except urllib.error.HTTPError:
            return True
        except (OSError, http.client.HTTPException):
            # Refused or cut off: the server is not listening, or not yet
            # speaking HTTP.
            return False

    def _tail(self) -> str:
        lines = self.output.splitlines()[-_OUTPUT_TAIL_LINES:]
        return "\n".join(lines)
