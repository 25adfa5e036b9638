"""Draw the home-screen icons of the web app manifest (luoshi/web/static/web/icons/) from the
seal of the favicon: 落 in white on the brand red. Run once after changing the design:

    .venv/bin/python tools/make_icons.py

It renders with the machine's chromium (through Playwright, as the browser tests do), so the
glyph is drawn by the same CJK font the pages use; the PNGs are committed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "luoshi" / "web" / "static" / "web" / "icons"
BRAND = "#9e1b1f"
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'

# name → (size in px, corner radius as a share of the size, glyph size as a share of the size)
ICONS = {
    "icon-192.png": (192, 0.16, 0.62),
    "icon-512.png": (512, 0.16, 0.62),
    # Maskable: the platform cuts its own shape, so the red fills the square and the glyph
    # stays inside the safe zone (the middle 80 %).
    "icon-maskable-512.png": (512, 0.0, 0.5),
    "apple-touch-icon.png": (180, 0.0, 0.6),
}


def page_html(size: int, radius: float, glyph: float) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
    html, body {{ margin: 0; background: transparent; }}
    div {{ width: {size}px; height: {size}px; border-radius: {radius * size}px; background: {BRAND};
           color: #fff; font: 700 {glyph * size}px/1 {FONT}; display: grid; place-items: center; }}
    span {{ transform: translateY(-3%); }}
    </style></head><body><div><span>落</span></div></body></html>"""


def main() -> None:
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        for name, (size, radius, glyph) in ICONS.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_html(size, radius, glyph))
            page.locator("div").screenshot(path=str(OUT / name), omit_background=True)
            page.close()
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
