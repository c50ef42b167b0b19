"""The code's shape, checked: no Python file over 400 lines, tests included (a module that grows
past it is split by feature, as participants/ateliers/ and pos/journal/ were)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "app",
    "inventory",
    "participants",
    "pos",
    "labels",
    "hardware",
    "reports",
    "tests",
    "bench",
)
MAX_LINES = 400


def test_no_python_file_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
