"""Fixtures for the pgvector store: a throw-away PostgreSQL server with pgvector, and settings for it.

Import the fixtures a test module needs (`from fixtures_pg import pg_server, pg_settings`); the server is
session-scoped, each test gets its own schema.
"""

from __future__ import annotations

import pytest

from conftest import pg_server  # noqa: F401 - the one throw-away server of the session, re-exported

psycopg = pytest.importorskip("psycopg", reason="psycopg (pgvector extra) is the client")


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
