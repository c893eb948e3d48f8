"""The `jianfu` command. `main(argv) -> int` is the entry point; each command is a thin call.

Exit codes (contracts.md): 0 success, 1 a problem with the input (named with file and line),
2 wrong usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from jianfu.activity_cli import activity
from jianfu.config import Settings
from jianfu.errors import JianfuError
from jianfu.registry_cli import registry
from jianfu.serve_cli import serve, users
from jianfu.web_cli import web

DEMO_DIR = Path(__file__).parent / "data" / "demo" / "chats"
DATA_DIR = Path(__file__).resolve().parents[2] / "data"

err_console = Console(stderr=True)


class DefaultGroup(click.Group):
    """A group that runs `default_command` when the first argument is not a sub-command."""

    def __init__(self, *args: object, default_command: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.default_command = default_command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def _settings(config: Path | None, workers: int | None = None) -> Settings:
    return Settings.load(config, workers=workers)


config_option = click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                             help="TOML settings file.")


@click.group(cls=DefaultGroup, default_command="serve",
             help="减负 jianfu: find and end fingertip formalism (指尖上的形式主义).")
def app() -> None:
    pass


@app.group("eval", cls=DefaultGroup, default_command="messages",
           help="Measure detection quality on labelled data.")
def eval_group() -> None:
    pass


@app.command()
@config_option
def demo(config: Path | None) -> None:
    """Scan the bundled demo chats and print the report."""
    files = sorted(str(p) for p in DEMO_DIR.iterdir() if p.is_file())
    _scan(files, None, None, None, False, False, None, config, quiet=False)


@app.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write findings JSONL (contracts.md §1).")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Write an XLSX report.")
@click.option("--format", "-f", "fmt", help="Override format sniffing.")
@click.option("--strict", is_flag=True, help="Stop at the first malformed record.")
@click.option("--explain", is_flag=True, help="Add each finding's explanation.")
@click.option("--workers", "-j", type=int, help="Worker processes (0 = one per core).")
@click.option("--quiet", "-q", is_flag=True, help="No terminal report.")
@config_option
def scan(files: tuple[Path, ...], out: Path | None, xlsx: Path | None, fmt: str | None, strict: bool,
         explain: bool, workers: int | None, quiet: bool, config: Path | None) -> None:
    """Find formalism demands in work-group chat exports (files or folders)."""
    from jianfu.ingest import FORMATS

    if fmt is not None and fmt not in FORMATS:
        raise click.BadParameter(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", param_hint="--format")
    paths: list[str] = []
    for f in files:
        if f.is_dir() and not (f / "channels.json").exists():  # a Slack export folder is one input
            paths.extend(str(p) for p in sorted(f.rglob("*")) if p.is_file())
        else:
            paths.append(str(f))
    _scan(paths, out, xlsx, fmt, strict, explain, workers, config, quiet)


def _scan(paths: list[str], out: Path | None, xlsx: Path | None, fmt: str | None, strict: bool, explain: bool,
          workers: int | None, config: Path | None, quiet: bool) -> None:
    from jianfu.report.terminal import print_summary, progress
    from jianfu.scan import scan_files

    settings = _settings(config, workers)
    console = Console()
    report = None
    if xlsx is not None:
        from jianfu.report.xlsx import XlsxReport

        report = XlsxReport(xlsx)
    show_progress = not quiet and err_console.is_terminal
    total = sum(_count_lines(p) for p in paths) if show_progress else None
    with progress(total, err_console, unit="messages") as advance:
        outcome = scan_files(paths, settings, fmt=fmt, out=out, strict=strict, explain=explain,
                             on_result=report.add if report is not None else None,
                             on_units=advance if show_progress else None)
    if report is not None:
        report.close(outcome.summary, outcome.config)
    if not quiet:
        print_summary(outcome.summary, console, outcome.config)
    if outcome.summary.problems:
        err_console.print(f"[yellow]{outcome.summary.problems} 条记录无法读取（见报告；--strict 遇错即停）[/]")


def _count_lines(path: str) -> int:
    """Lines in a file, read in blocks: the progress bar's total (a unit is a line or more)."""
    p = Path(path)
    if not p.is_file():
        return 0
    count = 0
    with p.open("rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n")
    return count


@app.command()
@click.argument("text")
@click.option("--at", help="When it was sent (ISO time).")
@config_option
def explain(text: str, at: str | None, config: Path | None) -> None:
    """Show every rule's decision on one message, like `detect-secrets scan --string`."""
    from jianfu.detect.explain import explain_text

    explain_text(text, at, _settings(config), Console())


@eval_group.command("messages")
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--rules-only", is_flag=True, help="Measure the rules without the model.")
@click.option("--errors", type=int, default=0, help="Print up to N misclassified messages.")
@config_option
def eval_messages(data: tuple[str, ...], rules_only: bool, errors: int, config: Path | None) -> None:
    """Precision, recall and F1 per code, macro-F1, and the hard-negative false-positive rate."""
    from jianfu.evaluate.quality import evaluate_messages, print_quality

    result = evaluate_messages(list(data), _settings(config), use_model=not rules_only)
    print_quality(result, Console(), errors)


@eval_group.command("duplicates")
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--gold", type=click.Path(exists=True, dir_okay=False),
              help="Gold clusters (contracts.md §2 format); default: a per-row gold_cluster field or DATA.gold.json.")
@click.option("--errors", type=int, default=0, help="Print up to N wrong pairs.")
def eval_duplicates(data: tuple[str, ...], gold: str | None, errors: int) -> None:
    """Pair precision, recall and F1 of the DUPLICATE_TOOL clusters on a labelled registry."""
    from jianfu.evaluate.duplicates_quality import duplicates_quality_table

    console = Console()
    for path in data:
        console.print(duplicates_quality_table(path, gold, show_errors=errors))


@eval_group.command("activity")
@click.argument("directories", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--errors", type=int, default=0, help="Print up to N misjudged tools with their reasons.")
@config_option
def eval_activity(directories: tuple[str, ...], errors: int, config: Path | None) -> None:
    """Per-status precision, recall and F1 of activity health on labelled directories."""
    from jianfu.evaluate.activity_quality import activity_quality_table, errors_table, evaluate_activity

    console = Console()
    for directory in directories:
        result = evaluate_activity(directory, _settings(config))
        console.print(activity_quality_table(result))
        if errors:
            console.print(errors_table(result, errors))


@eval_group.command("web")
@click.argument("directories", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--errors", type=int, default=0, help="Print up to N misjudged pages.")
def eval_web(directories: tuple[str, ...], errors: int) -> None:
    """Page- and span-level precision/recall of the published-content scanner on labelled directories."""
    from jianfu.evaluate.web_quality import evaluate_web, web_quality_table

    console = Console()
    for directory in directories:
        result = evaluate_web(directory)
        console.print(web_quality_table(result))
        for line in result.errors[:errors]:
            console.print(escape(line), highlight=False)


@app.command()
@click.argument("data", default=str(DATA_DIR / "messages" / "train.jsonl"),
                type=click.Path(exists=True, dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Model file to write.")
def train(data: str, out: Path | None) -> None:
    """Train the message model on the train split and write it into the package."""
    from jianfu.detect.messages import MessageDetector
    from jianfu.detect.model import DEFAULT_MODEL
    from jianfu.detect.train import Example, train_model
    from jianfu.evaluate.quality import read_labelled

    examples = [Example(m, labels, hard) for m, labels, hard in read_labelled([data])]
    detector = MessageDetector.build(_settings(None), use_model=False)
    model, cv = train_model(examples, detector, out or DEFAULT_MODEL, source=Path(data).name)
    console = Console()
    console.print(f"trained on {len(examples)} messages → {out or DEFAULT_MODEL} ({model.version})")
    console.print(f"5-fold CV on the train split: C={cv.c} thresholds code/demand={cv.threshold}/{cv.threshold_demand} "
                  f"macro-F1={cv.macro_f1:.3f} "
                  f"hard-negative FP={cv.hard_negative_fp:.3f}")
    for code, f1 in cv.per_code_f1.items():
        console.print(f"  {code:22} CV F1 {f1:.3f}")


app.add_command(registry)
app.add_command(serve)
app.add_command(users)
app.add_command(activity)
app.add_command(web)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit code."""
    try:
        app.main(args=argv if argv is not None else sys.argv[1:], standalone_mode=False, prog_name="jianfu")
    except JianfuError as exc:
        err_console.print(f"[red]错误 error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        return 1
    return 0


def run() -> None:
    sys.exit(main())
