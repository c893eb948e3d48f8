"""Polite fetching of published pages: robots.txt, a per-host rate limit, timeouts, redirects, a size cap.

Each page is fetched twice: as a browser and as a search-engine crawler, because hacked sites often show their
spam only to crawlers (cloaking). robots.txt is read for our own name (`jianfu`), the identity we answer for;
both fetches obey it. Knows nothing about detection; the caller scans what comes back.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from jianfu.errors import InputError

AGENTS = {
    "browser": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 "
               "Safari/537.36 jianfu/0.1",
    "spider": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html) jianfu/0.1",
}
ROBOTS_NAME = "jianfu"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    agent: str  # browser | spider
    fetched_at: datetime
    status_code: int | None
    final_url: str | None
    body: bytes | None
    error: str | None


def read_url_list(path: str | Path) -> list[str]:
    """URLs one a line; blank lines and # comments skipped; a line that is not http(s) names its line."""
    urls = []
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror or exc}", str(path)) from None
    for i, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if urlsplit(line).scheme not in ("http", "https") or not urlsplit(line).hostname:
            raise InputError(f"不是 http(s) 网址：{line}", str(path), i)
        urls.append(line)
    return urls


@dataclass(slots=True)
class Crawler:
    """Fetches URLs politely. `delay` is the minimum time between two requests to one host (seconds)."""

    delay: float = 1.0
    timeout: float = 15.0
    max_bytes: int = 5_000_000
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    def _wait(self, host: str) -> None:
        robots = self._robots.get(host)
        delay = max(self.delay, float((robots.crawl_delay(ROBOTS_NAME) if robots else None) or 0))
        last = self._last.get(host)
        if last is not None:
            remaining = last + delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self._last[host] = self.clock()

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            parser = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
            self._wait(parts.netloc)
            try:
                req = urllib.request.Request(f"{host}/robots.txt", headers={"User-Agent": AGENTS["browser"]})
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    parser.parse(resp.read(500_000).decode("utf-8", "replace").splitlines())
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    parser.disallow_all = True
                else:
                    parser.allow_all = True  # no robots.txt: everything allowed
            except (urllib.error.URLError, TimeoutError, OSError):
                parser = None  # unreachable: the page fetch will say so
            self._robots[host] = parser
        return self._robots[host]

    def allowed(self, url: str) -> bool:
        robots = self._robots_for(url)
        return robots is None or robots.can_fetch(ROBOTS_NAME, url)

    def fetch(self, url: str, agent: str) -> Fetched:
        now = datetime.now(UTC)
        if not self.allowed(url):
            return Fetched(url, agent, now, None, None, None, "robots.txt 不允许抓取")
        self._wait(urlsplit(url).netloc)
        req = urllib.request.Request(url, headers={"User-Agent": AGENTS[agent], "Accept": "text/html,*/*"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # follows redirects (up to 10)
                body = resp.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    return Fetched(url, agent, now, resp.status, resp.geturl(), None, f"页面超过 {self.max_bytes} 字节")
                return Fetched(url, agent, now, resp.status, resp.geturl(), body, None)
        except urllib.error.HTTPError as exc:
            return Fetched(url, agent, now, exc.code, exc.geturl(), None, f"HTTP {exc.code}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return Fetched(url, agent, now, None, None, None, f"无法访问：{reason}")

    def crawl(self, urls: list[str]) -> Iterator[tuple[Fetched, Fetched]]:
        """(browser, spider) fetches of each URL."""
        for url in urls:
            yield self.fetch(url, "browser"), self.fetch(url, "spider")
