"""Fixtures of the platform tests (see support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jianfu.config import Settings
from jianfu.store.db import open_store
from jianfu.web.app import build_services, create_app
from webapp.support import Platform, seed_platform


@pytest.fixture
def platform(db_url: str, tmp_path: Path, detector) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    settings = Settings(workers=1, data_dir=str(tmp_path / "data"), database_url=db_url)
    store = open_store(db_url)
    services = build_services(settings, store)
    services.scans._detector = detector  # the session's detector: loading the model once is enough
    services.overview.ttl = 0  # tests read their own writes
    seed_platform(services)
    app = create_app(settings, services)
    with TestClient(app) as client:
        yield Platform(services, client)
    store.dispose()
