"""Where the test suite's own files are: one place, so a test can live in any sub-folder."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent  # tests/
TEST_DATA = TESTS / "data"  # the bad-input corpus and small panels (made by make_test_files.py)
REPO = TESTS.parent  # the checkout
