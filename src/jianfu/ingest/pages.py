"""Published pages on disk: `.html`/`.htm` files, extracted `.txt` text, or directories of them.

Government sites still serve GB2312/GBK; a page's own `<meta charset>` wins over guessing, and GB2312/GBK
are read as GB18030 (their superset, which is what browsers do). Knows nothing about detection.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jianfu.errors import InputError
from jianfu.ingest.encoding import detect_bytes_encoding

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
TEXT_SUFFIXES = (".txt",)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950", "utf8": "utf-8"}


@dataclass(frozen=True, slots=True)
class Page:
    file: str  # as reported: relative to the directory given, or the path given
    path: str  # where it was read
    kind: str  # "html" or "txt"
    source: str


def page_kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "txt"
    return None


def decode_page(data: bytes, kind: str) -> str:
    """Bytes of a page → text: BOM, then the page's declared charset, then a guess."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return data.decode(detect_bytes_encoding(data[:4]), errors="replace").lstrip("\ufeff")
    if kind == "html":
        m = _META_CHARSET.search(data[:4096])
        if m:
            name = m.group(1).decode("ascii", "ignore").lower()
            name = _SUPERSETS.get(name, name)
            try:
                return data.decode(name, errors="replace")
            except LookupError:
                pass  # an unknown charset name: guess instead
    return data.decode(detect_bytes_encoding(data[:65536], truncated=len(data) > 65536), errors="replace")


def iter_pages(paths: list[str]) -> Iterator[Page]:
    """Pages under `paths` in a stable order; a named file of another type is an input error."""
    for given in paths:
        if os.path.isdir(given):
            found = []
            for root, dirs, files in os.walk(given):
                dirs.sort()
                for name in sorted(files):
                    if page_kind(name):
                        found.append(os.path.join(root, name))
            for path in found:
                yield _read(path, os.path.relpath(path, given))
        elif os.path.isfile(given):
            if page_kind(given) is None:
                raise InputError("不是网页文件（应为 .html/.htm 或 .txt）", given)
            yield _read(given, given)
        else:
            raise InputError("文件或目录不存在", given)


def _read(path: str, shown: str) -> Page:
    kind = page_kind(path) or "html"
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror or exc}", path) from None
    return Page(shown.replace(os.sep, "/"), path, kind, decode_page(data, kind))
