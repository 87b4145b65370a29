"""Take the citizen guide's screenshots from a running demo (phone-sized, Debian chromium).

    TONGBAN_VAR_DIR=$(mktemp -d) tongban migrate && tongban seed_demo   # a fresh demo
    tongban runserver 127.0.0.1:8000 &
    .venv/bin/python docs/tools/screenshots.py http://127.0.0.1:8000 docs/images

Saves one PNG per public page (search, guide). Pages behind the login are not captured yet.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tongban.testing.browser import CHROMIUM, CHROMIUM_ARGS, PHONE


def main(base_url: str, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = browser.new_context(
            base_url=base_url, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
        ).new_page()

        def shot(name):
            phone.screenshot(path=str(target / f"citizen-{name}.png"), full_page=False)

        phone.goto("/services/?q=开个体户")
        shot("search")
        phone.get_by_role("link", name="个体工商户设立登记").first.click()
        shot("guide")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
