"""Shared fixtures: detectors are built once per session (loading rules and the model is not free)."""

from __future__ import annotations

import pytest

from jianfu.config import Settings
from jianfu.detect.messages import MessageDetector


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(workers=1)


@pytest.fixture(scope="session")
def detector(settings: Settings) -> MessageDetector:
    return MessageDetector.build(settings)


@pytest.fixture(scope="session")
def rules_only(settings: Settings) -> MessageDetector:
    return MessageDetector.build(settings, use_model=False)
