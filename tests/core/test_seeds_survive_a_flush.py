"""Every data migration that seeds configuration is written again after a transactional test
empties the database (tests/conftest.py), so no later test on that worker runs without it."""

from __future__ import annotations

from pathlib import Path

import aftersales
from tests.conftest import SEED_MIGRATIONS


def test_every_seeding_migration_is_reseeded_after_a_flush():
    root = Path(aftersales.__file__).parent
    seeding = {
        f"aftersales.{path.parent.parent.name}.migrations.{path.stem}"
        for path in root.glob("*/migrations/0*.py")
        if "\ndef seed(" in path.read_text(encoding="utf-8")
    }
    assert seeding <= {module for module, _function in SEED_MIGRATIONS}
