"""Imports point down the floors of architecture.md (import-linter, pyproject.toml)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_app_imports_a_floor_above_its_own():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"],  # reads [tool.importlinter] from pyproject.toml in cwd
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_promise_engine_imports_no_app_above_it():
    """No ignore_imports entry may start in sla: the engine knows no module or contract."""
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    ignored = config.split("ignore_imports", 1)[1].split("]", 1)[0]
    assert '"aftersales.sla' not in ignored
