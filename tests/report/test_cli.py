"""``nightshift report`` as a typer command (registered in a throw-away app here)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipelines.cli.report_cmd import report
from pipelines.errors import NightshiftError
from pipelines.settings import Settings

pytestmark = pytest.mark.usefixtures("report_rows")


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command()(report)
    return app


def test_writes_the_html_file(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "rpt2.html"
    result = CliRunner().invoke(app, ["--store", "RPT2", "--date", "2033-03-14", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    page = out.read_text(encoding="utf-8")
    assert "Bodega &lt;Sur&gt; &amp; Norte" in page and "data:image/png;base64," in page


def test_default_path_is_under_the_data_dir(app: typer.Typer, settings: Settings) -> None:
    result = CliRunner().invoke(app, ["--store", "RPT1", "--date", "2033-03-14"])
    assert result.exit_code == 0, result.output
    expected = settings.data_dir / "reports" / "2033-03-14" / "staffing-RPT1.html"
    assert expected.is_file()
    expected.unlink()


def test_unknown_store_and_bad_date(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    result = CliRunner().invoke(app, ["--store", "NOPE", "--date", "2033-03-14", "--out", str(out)])
    assert isinstance(result.exception, NightshiftError)  # main() prints it as one line
    assert "unknown store 'NOPE'" in str(result.exception)
    assert not out.exists()

    result = CliRunner().invoke(app, ["--store", "RPT1", "--date", "14/03/2033"])
    assert result.exit_code == 2 and "Invalid value" in result.output
