"""Where the repository's non-Python assets live (SQL, expectation suites, DAGs).

They sit next to the package rather than inside it so analysts and reviewers find them at the
top of the repository; the project is installed in editable mode (locally and in the Docker
image), so these paths are stable.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
DAGS_DIR = REPO_ROOT / "dags"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
