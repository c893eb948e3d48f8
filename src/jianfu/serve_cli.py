"""`jianfu serve` (the main job: the platform, by default on the bundled demo) and `jianfu users`."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from jianfu.cli_context import console as _console
from jianfu.config import Settings


@click.command("serve")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Serve the bundled 清河市 demo (its own SQLite file, seeded on first start).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--db", "database_url", envvar="JIANFU_DATABASE_URL",
              help="Database URL (default: SQLite in the data dir; postgresql://… in production).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML settings file.")
@click.option("--seed-only", is_flag=True, help="Prepare the database (and demo) and exit without serving.")
@click.option("--workers", type=int, default=0, show_default=True,
              help="Server processes; 0 = one per CPU core (sessions, CSRF and jobs live in the database).")
def serve(demo: bool, host: str, port: int, database_url: str | None, config: Path | None, seed_only: bool,
          workers: int) -> None:
    """Start the web platform (Simplified Chinese UI, JSON API under /api)."""
    import os
    import time

    import uvicorn

    from jianfu.store.db import default_url, open_store
    from jianfu.web.app import build_services, create_app
    from jianfu.workflow import demo as demo_data

    settings = Settings.load(config, database_url=database_url)
    url = settings.database_url or (f"sqlite:///{Path(settings.data_dir) / 'demo.db'}" if demo
                                    else default_url(settings))
    out = _console()
    store = open_store(url)
    if demo and demo_data.is_empty(store):
        out.print(f"首次启动：正在生成示例地市“清河市”的数据（{store.url}）…", highlight=False)
        started = time.monotonic()
        demo_data.seed(store, settings, log=lambda m: out.print(f"  {m}", highlight=False))
        out.print(f"示例数据已就绪，用时 {time.monotonic() - started:.0f} 秒。", highlight=False)
    if demo:
        out.print("示例账号（密码均为 jianfu-demo）：jianfu 监督管理（清河市）、shenhe 审核人员、"
                  "liuxi 单位管理员（柳溪县委宣传部）", highlight=False)
    if seed_only:
        store.dispose()
        return
    workers = workers or os.cpu_count() or 1
    out.print(f"减负平台已启动：http://{host}:{port}/   匿名反映问题：http://{host}:{port}/clue", highlight=False)
    # No access log: the clue channel must not leave reporters' addresses in a log file.
    if workers == 1:
        uvicorn.run(create_app(settings, build_services(settings, store)), host=host, port=port, access_log=False,
                    log_level="warning")
        return
    store.dispose()
    os.environ["JIANFU_DATABASE_URL"] = url  # each worker process builds the same app from the environment
    os.environ["JIANFU_DATA_DIR"] = settings.data_dir
    if config is not None:
        os.environ["JIANFU_CONFIG_FILE"] = str(config)
    uvicorn.run("jianfu.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                access_log=False, log_level="warning")


@click.group("users", help="Platform accounts.")
def users() -> None:
    pass


@users.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["supervisor", "unit_admin", "reviewer"]))
@click.option("--unit", "unit_id", required=True, help="Unit id from the registry (e.g. QH-C03-D03).")
@click.option("--name", "display_name", help="Name shown in the UI.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters.")
@click.option("--db", "database_url", envvar="JIANFU_DATABASE_URL", help="Database URL.")
def add_user(username: str, role: str, unit_id: str, display_name: str | None, password: str,
             database_url: str | None) -> None:
    """Create an account (the password is stored as an argon2id hash)."""
    from jianfu.store.db import default_url, open_store
    from jianfu.workflow.accounts import AccountService

    settings = Settings.load(None, database_url=database_url)
    store = open_store(default_url(settings))
    try:
        user = AccountService(store).create_user(username, password, role=role, unit_id=unit_id,
                                                 display_name=display_name, actor=getpass.getuser())
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        store.dispose()
    _console().print(f"已创建账号 {user.username}（{user.role}，{user.unit_name}）", highlight=False)
