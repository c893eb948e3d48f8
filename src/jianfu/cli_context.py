"""Per-run objects shared by the command groups: the Rich consoles and the registry service."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from jianfu.config import Settings


def console(stderr: bool = False) -> Console:
    """One console per command run, made when it runs (so its width follows COLUMNS at that time)."""
    obj = click.get_current_context().ensure_object(dict)
    key = "err_console" if stderr else "console"
    if key not in obj:
        obj[key] = Console(stderr=stderr)
    return obj[key]  # type: ignore[no-any-return]


def service(ctx: click.Context) -> Any:
    """The RegistryService on the group's database, opened once per run and closed with it."""
    from jianfu.lifecycle.service import RegistryService
    from jianfu.store.db import default_url, open_store

    obj = ctx.ensure_object(dict)
    if "service" not in obj:
        settings: Settings = obj["settings"]
        store = open_store(default_url(settings))
        ctx.call_on_close(store.dispose)
        obj["service"] = RegistryService(store, settings)
    return obj["service"]


def store_group(name: str, help: str) -> click.Group:
    """A command group whose commands share one database and settings file (`--db`, `--config`)."""
    from pathlib import Path

    @click.group(name, help=help)
    @click.option("--db", "database_url", envvar="JIANFU_DATABASE_URL",
                  help="Database URL (default: SQLite in the user's data dir; postgresql://… for PostgreSQL).")
    @click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML settings file.")
    @click.pass_context
    def group(ctx: click.Context, database_url: str | None, config: Path | None) -> None:
        ctx.ensure_object(dict)["settings"] = Settings.load(config, database_url=database_url)

    return group
