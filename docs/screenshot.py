"""Screenshot an HTML view in headless Chromium (Debian's /usr/bin/chromium), offline.

    python docs/screenshot.py out/seed.html docs/seed-graph.png
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def main(html: str, png: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("http*://**", lambda route: route.abort())
        page.goto(Path(html).resolve().as_uri())
        page.wait_for_timeout(9000)  # the layout settles, then physics switches off
        page.screenshot(path=png)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
