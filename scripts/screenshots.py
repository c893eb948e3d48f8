"""Screenshots of the main pages for the README: `python scripts/screenshots.py [BASE_URL]`.

Run against the demo (`jianfu serve`, default http://127.0.0.1:8000); writes docs/screenshots/*.png.
Uses Debian's chromium through Playwright (no browser download).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(base_url=base, viewport={"width": 1400, "height": 900})
        page.goto("/clue")
        page.screenshot(path=OUT / "clue.png", full_page=True)
        page.goto("/login")
        page.fill("input[name=username]", "jianfu")
        page.fill("input[name=password]", "jianfu-demo")
        page.click("form[action='/login'] button")
        page.wait_for_selector("#chart-heat[data-ready='1']")
        page.screenshot(path=OUT / "overview.png", full_page=True)
        page.goto("/findings?order=worst")
        page.screenshot(path=OUT / "findings.png")
        page.locator("table.findings tbody tr td a").first.click()
        page.screenshot(path=OUT / "finding.png", full_page=True)
        page.goto("/registry?kind=app")
        page.screenshot(path=OUT / "registry.png")
        page.goto("/scans")
        page.screenshot(path=OUT / "scans.png")
        browser.close()
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
