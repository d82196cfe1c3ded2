"""The demo report in a real browser: Debian's headless Chromium renders it (screenshot not
blank, title present) without a single network request."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"  # Debian's package (setup.sh); Playwright's own browsers are not installed


def png_pixels(png: bytes) -> bytes:
    """The decompressed image data of a PNG (filter bytes included): enough to tell blank from drawn."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, offset = b"", 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        if kind == b"IDAT":
            data += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return zlib.decompress(data)


def test_demo_report_renders_in_headless_chromium_offline(demo_run, tmp_path):
    page_path = demo_run.result("DEMO/report/DEMO.report.html")
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--headless"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_path.as_uri(), wait_until="load")
        title = page.title()
        text = page.inner_text("body")
        svgs = page.locator("svg").count()
        png = page.screenshot(path=tmp_path / "report.png", full_page=True)
        browser.close()
    assert title == "presis tumour report — DEMO"
    assert (
        "Clinically relevant findings" in text and "EGFR" in text and svgs == 3
    )  # VAF and coverage plots, copy-number log2 plot
    pixels = png_pixels(png)
    assert len(png) > 50_000 and len(set(pixels)) > 50  # drawn text, tables and plots, not a blank page
    assert requests == [page_path.as_uri()]  # the page itself; no font, script, image or stylesheet fetched
