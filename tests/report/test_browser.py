"""The written HTML file as a person sees it: rendered by headless Chromium.

Two independent checks that the chart really loads from its data: URI. The screenshot must
contain the chart's forecast-band colour (which nothing else on the page uses), and the same
page with the image source broken must not; and a copy of the page with a one-line script
reports the image's decoded width through ``document.title`` in ``--dump-dom`` output. The
"why this week" lines are checked the same way, in Spanish and English: laid out (non-empty
boxes) and worded as the manager reads them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine

from pipelines.report.chart import BAND_COLOUR
from pipelines.report.deliver import write_report
from pipelines.settings import Settings
from tests.report.seed import BUSINESS_DATE

pytestmark = pytest.mark.usefixtures("report_rows")

BAND_RGB = tuple(int(BAND_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
PROBE = (
    "<script>window.addEventListener('load', function () {"
    " document.title = 'chart-width:' + document.getElementById('chart').naturalWidth; });"
    "</script></body>"
)


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _screenshot(binary: str, page: Path, tmp_path: Path) -> Image.Image:
    shot = tmp_path / f"{page.stem}.png"
    _chromium(
        binary, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,2000",
        page.as_uri(),
    )  # fmt: skip
    return Image.open(shot).convert("RGB")


def _near(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.fixture
def written(engine: Engine, settings: Settings, tmp_path: Path) -> Path:
    return write_report(engine, settings, "RPT1", BUSINESS_DATE, tmp_path / "out" / "r.html")


def test_rendered_page_is_not_blank_and_shows_the_chart(
    chromium: str, written: Path, tmp_path: Path
) -> None:
    html = written.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html and "cid:" not in html

    image = _screenshot(chromium, written, tmp_path)
    pixels = list(image.getdata())
    non_white = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
    assert non_white > 0.03, f"page looks blank: {non_white:.1%} non-white pixels"
    assert len(set(pixels)) > 100  # text antialiasing and the chart, not a flat page
    band = sum(1 for p in pixels if _near(p, BAND_RGB))
    assert band > 3000, f"chart band colour found on {band} pixels only: image did not load"

    broken = tmp_path / "broken.html"
    broken.write_text(re.sub(r'src="data:[^"]+"', 'src="missing.png"', html), encoding="utf-8")
    missing = sum(
        1 for p in _screenshot(chromium, broken, tmp_path).getdata() if _near(p, BAND_RGB)
    )
    assert missing < 50  # the colour check really depends on the image


def test_chart_image_decodes_in_the_browser(chromium: str, written: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text(
        written.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8"
    )
    done = _chromium(
        chromium, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom",
        probe.as_uri(),
    )  # fmt: skip
    assert "<title>chart-width:900</title>" in done.stdout, done.stdout[:500]


WHY_PROBE = (
    "<script>window.addEventListener('load', function () {"
    " var box = document.getElementById('why').getBoundingClientRect();"
    " var lines = Array.prototype.map.call(document.querySelectorAll('li.why'),"
    "   function (li) { return li.getBoundingClientRect().height > 0 ? li.textContent : ''; });"
    " document.title = 'why:' + Math.round(box.height) + ':' + lines.join('|'); });"
    "</script></body>"
)
WHY_LINES = {
    "es": "viernes 18/03: +25 % vs un viernes normal — quincena y víspera de feriado|"
    "domingo 20/03: −20 % vs un domingo normal — lluvia",
    "en": "Friday 18/03: +25% vs a normal Friday — payday and eve of a holiday|"
    "Sunday 20/03: −20% vs a normal Sunday — rain",
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_why_this_week_lines_are_laid_out_in_the_browser(
    chromium: str, engine: Engine, settings: Settings, tmp_path: Path, language: str
) -> None:
    configured = settings.model_copy(update={"report_language": language})
    page = write_report(engine, configured, "RPT1", BUSINESS_DATE, tmp_path / f"{language}.html")
    probe = tmp_path / f"why-{language}.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", WHY_PROBE), encoding="utf-8"
    )
    done = _chromium(
        chromium, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom",
        probe.as_uri(),
    )  # fmt: skip
    title = re.search(r"<title>why:(\d+):(.*)</title>", done.stdout)
    assert title, done.stdout[:500]
    assert int(title.group(1)) > 0  # the section heading takes room on the page
    assert title.group(2) == WHY_LINES[language]
