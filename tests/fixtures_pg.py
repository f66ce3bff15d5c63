"""Fixtures for the pgvector store: a throw-away PostgreSQL server with pgvector, and settings for it.

Import the fixtures a test module needs (`from fixtures_pg import pg_server, pg_settings`); the server is
session-scoped, each test gets its own schema.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

pgserver = pytest.importorskip("pgserver", reason="pgserver (test extra) provides the PostgreSQL server")
psycopg = pytest.importorskip("psycopg", reason="psycopg (pgvector extra) is the client")


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL cluster with pgvector, on a Unix socket in a temporary folder; stopped and deleted
    at the end.

    pgserver runs initdb and pg_ctl; as root it runs them as a system user `pgserver` (PostgreSQL refuses to run as
    root) and opens the folder's parents to it. The folder is not under pytest's tmp_path: every pytest run resets
    /tmp/pytest-of-<user> to mode 0700, which would lock that user out while another pytest runs beside this one.
    """
    folder = Path(tempfile.mkdtemp(prefix="docqa-test-pg-"))
    folder.chmod(0o755)
    server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_settings(settings, pg_server, request):
    """Settings for the pgvector store, each test in its own schema."""
    schema = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:50]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return settings.model_copy(update={"store": "pgvector", "pg_dsn": pg_server, "pg_schema": schema})


def rows(settings, sql, *args):
    """Run `sql` (tables written `S.name`) in the settings' schema; its rows."""
    with psycopg.connect(settings.pg_dsn, autocommit=True) as conn:
        return conn.execute(sql.replace("S.", settings.pg_schema + "."), args).fetchall()
