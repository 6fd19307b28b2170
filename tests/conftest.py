"""Shared fixtures: the repository, the shared reference data, and generated packages."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UPSTREAM_BETA = SHARED / "upstream" / "dixa-api-beta.yaml"
SPECS = {
    "v1": ROOT / "specs" / "dixa-v1.yaml",
    "beta": ROOT / "specs" / "dixa-beta.yaml",
    "integrations": ROOT / "specs" / "integrations-v1.yaml",
}


# The committed generated/ tree is importable as `dixa` in every test.
if str(ROOT / "generated") not in sys.path:
    sys.path.insert(0, str(ROOT / "generated"))


def need_shared(path: Path) -> Path:
    """Skip (with the reason) where the shared reference data is absent, as in a user's own clone."""
    if not path.exists():
        pytest.skip(f"{path} is not present (reference data that lives beside the repository)")
    return path


@pytest.fixture(scope="session")
def generated_package() -> object:
    """The committed `generated/` tree, importable as `dixa`."""
    path = str(ROOT / "generated")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("dixa")


# Figures tests want shown at the end of the run (counts of examples checked, ...).
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter: object) -> None:  # pragma: no cover - output only
    if REPORT:
        terminalreporter.write_sep("-", "figures")  # type: ignore[attr-defined]
        for line in sorted(REPORT):
            terminalreporter.write_line(line)  # type: ignore[attr-defined]
