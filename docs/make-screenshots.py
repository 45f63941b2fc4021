"""Render each example's HTML timeline in headless Chromium to docs/timeline-<example>.png.

python docs/make-screenshots.py        (needs chromium: sudo apt-get install -y chromium)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"  # the examples' `# today:` date
SIZE = {"clean": "1000,1250", "messy": "1000,1250", "multi": "1000,1760"}


def main() -> int:
    import os

    from etiquette_lint.cli import main as cli

    os.chdir(ROOT)  # the page shows paths as the user typed them: examples/...

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("needs chromium: sudo apt-get install -y chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        for example, size in SIZE.items():
            page = Path(tmp) / f"{example}.html"
            args = ["timeline", f"examples/{example}", "--today", TODAY, "--format", "html"]
            if cli([*args, "--output", str(page)]) not in (0, 1):
                return 2
            target = ROOT / "docs" / f"timeline-{example}.png"
            subprocess.run(
                [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                    "--force-device-scale-factor=1",
                    f"--user-data-dir={tmp}/profile",
                    f"--window-size={size}",
                    f"--screenshot={target}",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
            )
            print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
