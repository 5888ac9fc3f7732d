"""The lock file installs on any machine: every line is a pinned name from the package index."""

import re
from pathlib import Path

LOCK = Path(__file__).resolve().parents[2] / "requirements.lock"
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!_-]+$")


def test_every_locked_requirement_is_pinned_from_the_index():
    lines = [line.strip() for line in LOCK.read_text().splitlines()]
    wrong = [line for line in lines if line and not line.startswith("#") and not PINNED.match(line)]
    # A line such as "pytest-env @ file:///tmp/…whl" (what `pip freeze` writes for a package
    # installed from a local wheel) breaks `make install` on every other machine.
    assert wrong == []
