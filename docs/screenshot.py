"""Screenshot an HTML view in headless Chromium (Debian's /usr/bin/chromium), offline.

    python docs/screenshot.py out/seed.html docs/seed-graph.png [NODE-NAME]

With NODE-NAME, that node is selected first, so the side panel shows its facts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def main(html: str, png: str, select: str | None = None) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("http*://**", lambda route: route.abort())
        page.goto(Path(html).resolve().as_uri())
        page.wait_for_function("window.mhDrawn === true && window.mhStabilized === true", timeout=30_000)
        if select:
            page.evaluate("name => window.mhHighlight(window.mhNodes.get({filter: n => n.nz === name})[0].id)",
                          select)
        page.wait_for_timeout(1000)
        page.screenshot(path=png)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
