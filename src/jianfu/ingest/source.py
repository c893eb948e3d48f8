"""The opened input file and the raw units it yields.

A unit is whatever one worker needs to build one message with no I/O: a raw JSONL line (`str`),
a `CsvRow`, a paste block, or a dict for whole-document JSON formats. Units must pickle cheaply,
because the scanner ships them in batches to worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Unit = tuple[int | None, Any]


class CsvRow(NamedTuple):
    """One CSV record with its file's header (pickle memoises the shared header within a batch)."""

    header: tuple[str, ...]
    values: list[str]


class Broken(NamedTuple):
    """A unit `units()` could not even cut out (bad CSV quoting, unreadable day file, ...).

    `units()` never raises for one bad record; it yields this, and `parse_unit` turns it into an
    InputError at the same file and line, so the problem travels with the other records.
    """

    reason: str


@dataclass
class Source:
    """An input file opened for reading: its detected format and encoding, and its units."""

    file: str  # path as given
    format: str
    encoding: str | None  # None for containers (Slack ZIP/directory)
    skipped: int = 0  # records dropped inside units() (e.g. WeCom duplicate msgids)
    reader: Callable[[Source], Iterator[Unit]] | None = field(default=None, repr=False, compare=False)

    def units(self) -> Iterator[Unit]:
        """Yield (line_number, raw_unit), streaming; line is None where a document has no lines."""
        if self.reader is None:
            raise ValueError(f"Source for {self.file} was built without a reader; use open_source()")
        self.skipped = 0
        yield from self.reader(self)
