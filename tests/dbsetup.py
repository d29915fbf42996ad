"""The databases the tests run on: SQLite files by default, PostgreSQL when TEST_DATABASE_URL is set.

    TEST_DATABASE_URL=postgresql://user:password@127.0.0.1:5432/dbname make test

The URL names an existing database on the PostgreSQL server that the suite may use to connect (it is left alone);
its user must be allowed to create databases. The suite builds one seeded template database per session and gives
every test its own copy (`CREATE DATABASE ... TEMPLATE ...`, dropped after the test). All the databases it creates
are named `pytest_<pid>_...`, so that two runs can share a server. `.ci/run` starts a throwaway server for this.
"""
import itertools
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

ENV = "TEST_DATABASE_URL"


def postgres_url() -> URL | None:
    """The server to run on, from TEST_DATABASE_URL (with the psycopg 3 driver), or None for SQLite."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    url = make_url(value)
    if url.get_backend_name() != "postgresql":
        raise RuntimeError(f"{ENV} must be a postgresql:// URL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql+psycopg")


class PostgresServer:
    """Creates and drops the suite's databases through one AUTOCOMMIT connection to the maintenance database."""

    _counter = itertools.count(1)

    def __init__(self, url: URL):
        self.url = url
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        with self.engine.connect() as connection:
            version = connection.execute(text("SHOW server_version_num")).scalar_one()
        self.version = int(version)

    def new_name(self, label: str) -> str:
        return f"pytest_{os.getpid()}_{label}_{next(self._counter)}"

    def uri(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"'
            if self.version >= 150000:
                # Copying the files is much faster than WAL-logging every page for a database this small.
                sql += " STRATEGY FILE_COPY"
        with self.engine.connect() as connection:
            connection.execute(text(sql))
        return self.uri(name)

    def drop(self, name: str) -> None:
        force = " WITH (FORCE)" if self.version >= 130000 else ""
        with self.engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))

    def close(self) -> None:
        self.engine.dispose()


class SqliteTemplate:
    """A seeded SQLite file; each test gets a copy of it in its own folder."""

    def __init__(self, folder: Path):
        self.path = folder / "template.db"
        self.uri = f"sqlite:///{self.path}"

    def copy(self, folder: Path) -> str:
        database = folder / "app.db"
        shutil.copy(self.path, database)
        return f"sqlite:///{database}"

    def discard(self, uri: str) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresTemplate:
    """A PostgreSQL template database; each test gets a database created from it and dropped after the test."""

    def __init__(self, server: PostgresServer):
        self.server = server
        self.name = server.new_name("template")
        self.uri = server.create(self.name)
        self.copies: dict[str, str] = {}

    def copy(self, folder: Path) -> str:
        # The template must have no open connection here: the fixture disposes of its engine after seeding.
        name = self.server.new_name("test")
        uri = self.server.create(name, template=self.name)
        self.copies[uri] = name
        return uri

    def discard(self, uri: str) -> None:
        self.server.drop(self.copies.pop(uri))

    def close(self) -> None:
        for name in self.copies.values():
            self.server.drop(name)
        self.server.drop(self.name)
        self.server.close()


def make_template(folder: Path) -> SqliteTemplate | PostgresTemplate:
    """An empty database to seed once per session: a file in `folder`, or a database on TEST_DATABASE_URL's server."""
    url = postgres_url()
    return PostgresTemplate(PostgresServer(url)) if url else SqliteTemplate(folder)


@contextmanager
def empty_database(folder: Path):
    """The URI of a new empty database (a file in `folder`, or on TEST_DATABASE_URL's server), dropped afterwards."""
    url = postgres_url()
    if url is None:
        yield f"sqlite:///{folder / 'empty.db'}"
        return
    server = PostgresServer(url)
    name = server.new_name("empty")
    try:
        yield server.create(name)
    finally:
        server.drop(name)
        server.close()
