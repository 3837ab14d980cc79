"""Where things are: the checkout, the tests folder, and the fixture sites."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
