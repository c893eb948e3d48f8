"""Shared fixtures: detectors are built once per session (loading rules and the model is not free), and
real databases for the storage tests: a SQLite file and a PostgreSQL database per test.

PostgreSQL is the machine's server at 127.0.0.1:5432 (trust auth; `.ci/run` starts it). Each xdist
worker migrates one template database once; every test gets a fresh copy of it (CREATE DATABASE …
TEMPLATE), so tests are isolated and the migration itself is exercised on both backends.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import psycopg
import pytest

from jianfu.config import Settings
from jianfu.detect.messages import MessageDetector
from jianfu.store.db import Store, make_engine, open_store, upgrade

PG_ADMIN = os.environ.get("JIANFU_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
_counter = itertools.count()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(workers=1)


@pytest.fixture(scope="session")
def detector(settings: Settings) -> MessageDetector:
    return MessageDetector.build(settings)


@pytest.fixture(scope="session")
def rules_only(settings: Settings) -> MessageDetector:
    return MessageDetector.build(settings, use_model=False)



def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # fail, never skip: both backends are required
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} ({exc}); .ci/run starts it")


def _pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template(worker_id: str) -> Iterator[str]:
    name = f"jianfu_tpl_{worker_id}_{os.getpid()}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(_pg_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    name = f"{pg_template}_{next(_counter)}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield _pg_url(name)
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jianfu.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.dispose()
