"""One settings object. Every field has a default and help text; the engine and the app receive it.

Values can come from a TOML file (`jianfu --config FILE`) or from `JIANFU_*` environment variables
(for example `JIANFU_TIMEZONE=Asia/Urumqi`). Nothing reads settings from module globals.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, Field


class Settings(BaseModel):
    timezone: str = Field("Asia/Shanghai", description="Zone for times that carry no offset.")
    working_hours: list[tuple[str, str]] = Field(
        default=[("08:30", "12:00"), ("14:00", "18:00")],
        description="Working-hour intervals on working days (taxonomy.md default).",
    )
    holiday_country: str = Field(
        "CN", description="Statutory holidays and make-up working days (调休) come from `holidays` for this country."
    )
    finding_threshold: float = Field(0.5, description="Minimum score for a rule finding to be reported.")
    model_threshold: float | None = Field(
        None, description="Override the model's decision threshold (chosen by cross-validation at training)."
    )
    short_deadline_minutes: int = Field(
        60, description="A reply or task deadline this close raises severity (MSG-06 default, policy-rules.md)."
    )
    workers: int = Field(0, description="Scan worker processes; 0 = one per CPU core.")
    chunk_size: int = Field(2000, description="Messages per batch sent to a worker.")
    rules_paths: list[str] = Field(default_factory=list, description="Extra rule YAML files or folders.")
    data_dir: str = Field(
        default_factory=lambda: platformdirs.user_data_dir("jianfu", appauthor=False),
        description="Where jianfu keeps its database and uploads (the platform's per-user data dir).",
    )
    database_url: str | None = Field(
        None,
        description="Registry database, e.g. postgresql://user@host/db; default a SQLite file in data_dir.",
    )

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        """Defaults, then a TOML file, then JIANFU_* environment variables, then explicit overrides."""
        values: dict[str, Any] = {}
        if path is not None:
            with open(path, "rb") as fh:
                values.update(tomllib.load(fh))
        for name in cls.model_fields:
            env = os.environ.get(f"JIANFU_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
