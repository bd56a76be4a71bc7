"""The README is the front door: its first commands and its settings table must be true."""

from __future__ import annotations

import re

from pipelines.paths import REPO_ROOT
from pipelines.settings import ENV_PREFIX, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_exactly_the_two_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None
    assert README.index("```bash") < README.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_settings_table_lists_every_setting_with_its_default() -> None:
    for name, field in Settings.model_fields.items():
        row = re.search(rf"^\| `{ENV_PREFIX}{name.upper()}` \| (.*?) \|", README, re.M)
        assert row, f"README settings table lacks {ENV_PREFIX}{name.upper()}"
        default = field.default
        if default is None:
            assert row.group(1) == "(unset)"
        elif name != "data_dir":
            assert row.group(1) == f"`{default}`", f"{name}: README says {row.group(1)}"
