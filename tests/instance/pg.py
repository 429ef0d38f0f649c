"""Find a PostgreSQL server for the tests and make throwaway databases on it.

The server is looked for in the order pytest-postgresql uses: a connection
string in ``PRO_TEST_DSN``; else the local server on 127.0.0.1:5432, as the
user ``postgres`` and then as the current user; else a cluster of our own,
made with the installed ``initdb`` and ``pg_ctl`` in a temporary folder on a
free port and removed afterwards. PostgreSQL refuses to run as root, so as root
that cluster runs as the ``postgres`` user through ``runuser``.

Every run gets a database of its own with a unique name, dropped afterwards,
so a run never sees another's tables and leaves nothing behind.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from pro.instance.process import free_port
from psycopg2 import sql
from psycopg2.extensions import make_dsn
from psycopg2.extensions import parse_dsn
import getpass
import glob
import os
import psycopg2
import pwd
import secrets
import shutil
import subprocess
import tempfile


LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 5432
INSTALL_HINT = (
    "no PostgreSQL server found: install one with 'apt-get install postgresql' "
    "or set PRO_TEST_DSN to a libpq connection string"
)
_CONNECT_TIMEOUT = 3
_CLUSTER_START_TIMEOUT = 60


class NoPostgreSQL(Exception):
    """No server could be found or started; the message says why."""


@dataclass(frozen=True)
class PostgreSQLServer:
    """A server the tests may create and drop databases on.

    :param admin_dsn: connects to a database that is not dropped, for
        creating and dropping the test databases.
    :param origin: where the server came from, for messages.
    """

    admin_dsn: str
    origin: str

    def dsn(self, dbname: str) -> str:
        """The connection string of database ``dbname`` on this server."""
        return make_dsn(self.admin_dsn, dbname=dbname)


@contextmanager
def postgresql_server() -> Iterator[PostgreSQLServer]:
    """Find or start a PostgreSQL server, and stop it again if it was started.

    :raises NoPostgreSQL: when there is no server at all, with the reason.
    """
    configured = os.environ.get("PRO_TEST_DSN", "")
    if configured:
        yield _configured_server(configured)
        return

    local = _local_server()
    if local is not None:
        yield local
        return

    with _throwaway_cluster() as server:
        yield server


def unique_database_name() -> str:
    """A database name no other run uses, valid without quoting."""
    return f"pro_test_{os.getpid()}_{secrets.token_hex(4)}"


def create_database(server: PostgreSQLServer, name: str) -> str:
    """Create the empty database ``name`` and return its connection string."""
    with _admin_connection(server) as connection:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.dsn(name)


def drop_database(server: PostgreSQLServer, name: str) -> None:
    """Drop ``name``, ending the sessions a stopped test may have left open."""
    with _admin_connection(server) as connection:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
            )


@contextmanager
def _admin_connection(server: PostgreSQLServer):
    connection = psycopg2.connect(server.admin_dsn)
    # CREATE and DROP DATABASE cannot run inside a transaction block.
    connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()


def _configured_server(dsn: str) -> PostgreSQLServer:
    settings = parse_dsn(dsn)
    # Without a dbname libpq would use the user's name, which need not exist.
    if "dbname" not in settings:
        dsn = make_dsn(dsn, dbname="postgres")
    if "connect_timeout" not in settings:
        dsn = make_dsn(dsn, connect_timeout=_CONNECT_TIMEOUT)
    error = _connection_error(dsn)
    if error is not None:
        # The DSN itself is not repeated: it may hold a password.
        raise NoPostgreSQL(f"PRO_TEST_DSN is set, but connecting failed: {error}")
    return PostgreSQLServer(admin_dsn=dsn, origin="PRO_TEST_DSN")


def _local_server() -> PostgreSQLServer | None:
    for user in dict.fromkeys(["postgres", getpass.getuser()]):
        dsn = make_dsn(
            host=LOCAL_HOST,
            port=LOCAL_PORT,
            user=user,
            dbname="postgres",
            connect_timeout=_CONNECT_TIMEOUT,
        )
        if _connection_error(dsn) is None:
            return PostgreSQLServer(
                admin_dsn=dsn, origin=f"{LOCAL_HOST}:{LOCAL_PORT} as {user}"
            )
    return None


def _connection_error(dsn: str) -> str | None:
    """Why connecting to ``dsn`` fails, on one line, or ``None`` if it works."""
    try:
        psycopg2.connect(dsn).close()
    except psycopg2.OperationalError as error:
        return " ".join(str(error).split())
    return None


@contextmanager
def _throwaway_cluster() -> Iterator[PostgreSQLServer]:
    with private_cluster() as cluster:
        yield cluster.server


class PrivateCluster:
    """A PostgreSQL cluster of our own, in a temporary folder on a free port.

    Tests that stop or restart PostgreSQL use one, so the machine's shared
    server is never touched. :meth:`restart` keeps the data and the port.
    """

    def __init__(self) -> None:
        self.bin_dir = _postgresql_bin_dir()
        self.run_as = _cluster_user()
        self.folder = Path(tempfile.mkdtemp(prefix="pro-postgresql-"))
        self.data_dir = self.folder / "data"
        self.port = free_port(LOCAL_HOST)
        self.server = PostgreSQLServer(
            admin_dsn=make_dsn(
                host=LOCAL_HOST, port=self.port, user="postgres", dbname="postgres"
            ),
            origin=f"throwaway cluster in {self.folder}",
        )

    def create(self) -> None:
        if self.run_as is not None:
            shutil.chown(self.folder, user=self.run_as)
        self._pg("initdb", "--auth=trust", "--no-sync", "-U", "postgres")
        self.start()

    def start(self) -> None:
        # The socket goes into the temporary folder too: the system's socket
        # folder may not be writable, and this cluster must not shadow it.
        options = (
            f"-c listen_addresses={LOCAL_HOST} -p {self.port} -k {self.folder} "
            "-c fsync=off"
        )
        self._ctl(
            "start",
            "-w",
            "-t",
            str(_CLUSTER_START_TIMEOUT),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode, "-w")

    def restart(self) -> None:
        """Stop the server, ending every session, and start it again."""
        self.stop()
        self.start()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _ctl(self, *arguments: str) -> None:
        self._pg("pg_ctl", *arguments)

    def _pg(self, program: str, *arguments: str) -> None:
        _run_as(
            self.run_as, self.bin_dir / program, *arguments, "-D", str(self.data_dir)
        )


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """Make, start and finally remove a :class:`PrivateCluster`.

    :raises NoPostgreSQL: when the PostgreSQL binaries are missing or fail.
    """
    cluster = PrivateCluster()
    try:
        cluster.create()
        try:
            yield cluster
        finally:
            cluster.stop(mode="immediate")
    finally:
        cluster.remove()


def _postgresql_bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: (
            int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0
        ),
    )
    if not candidates:
        raise NoPostgreSQL(INSTALL_HINT)
    return Path(candidates[-1]).parent


def _cluster_user() -> str | None:
    """The user to run the cluster as: ``None`` for the current one."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise NoPostgreSQL(
            "PostgreSQL cannot run as root and there is no 'postgres' user to "
            "start a throwaway cluster as; " + INSTALL_HINT
        ) from None
    if shutil.which("runuser") is None:
        raise NoPostgreSQL(
            "PostgreSQL cannot run as root and 'runuser' is missing to start a "
            "throwaway cluster as 'postgres'; " + INSTALL_HINT
        )
    return "postgres"


def _run_as(user: str | None, program: Path, *arguments: str) -> None:
    command = [str(program), *arguments]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise NoPostgreSQL(
            f"{program.name} failed with status {result.returncode}: "
            f"{(result.stderr or result.stdout).strip()}"
        )
