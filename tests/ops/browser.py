"""Open an HTML file in Debian's chromium (headless, driven by Playwright) and report what it saw.

Skips the calling test when chromium or the playwright package is absent. Network is refused: any
request other than the file itself is recorded (a self-contained report makes none).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
# every chart's SVG: how many drawn mark items it holds, and its rendered size
CHARTS_JS = """() => [...document.querySelectorAll('figure.chart')].map(f => {
  const svg = f.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {name: f.dataset.chart, marks: svg ? svg.querySelectorAll('.role-mark > *').length : 0,
          width: box.width, height: box.height};
})"""


@dataclass(frozen=True)
class PageSeen:
    console_errors: list[str]
    foreign_requests: list[str]
    charts: list[dict]
    text: str
    screenshot: Path


def open_in_chromium(page_file: Path, screenshot_name: str) -> PageSeen:
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (scripts/setup.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / screenshot_name
    url = page_file.resolve().as_uri()
    errors: list[str] = []
    foreign: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on(
                "console", lambda message: errors.append(message.text) if message.type == "error" else None
            )
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: foreign.append(request.url) if request.url != url else None)
            page.goto(url, wait_until="load")
            charts = page.evaluate(CHARTS_JS)
            text = page.inner_text("body")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return PageSeen(errors, foreign, charts, text, screenshot)
