"""lib.imports.hidden_modules: optional libraries look absent to one import, then come back."""

from __future__ import annotations

import importlib
import sys

import pytest

from aftersales.lib.imports import hidden_modules


def test_a_hidden_module_cannot_be_imported_inside_the_block_and_can_after():
    sys.modules.pop("colorsys", None)
    with hidden_modules("colorsys"), pytest.raises(ImportError):
        importlib.import_module("colorsys")
    assert importlib.import_module("colorsys").rgb_to_hsv


def test_a_module_already_imported_is_left_alone():
    import json

    with hidden_modules("json"):
        assert importlib.import_module("json") is json
