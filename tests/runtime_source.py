"""The static runtime imported straight from `templates/runtime`, for tests.

The runtime is copied into every generated package as `<package>/_runtime/`;
tests that import it from `generated/` see an edit only after `make
generate`. `runtime()` imports `templates/runtime` itself as a package under
its own name (`runtime_source`), so that its relative imports resolve and an
edit is seen by the next test run.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SOURCE = Path(__file__).resolve().parents[1] / "templates" / "runtime"
NAME = "runtime_source"


def runtime(module: str = "") -> ModuleType:
    """The runtime package (`runtime()`) or one of its modules (`runtime("client.retries")`)."""
    if NAME not in sys.modules:
        spec = importlib.machinery.ModuleSpec(NAME, None, is_package=True)
        spec.submodule_search_locations = [str(SOURCE)]
        package = importlib.util.module_from_spec(spec)
        sys.modules[NAME] = package
    return importlib.import_module(f"{NAME}.{module}" if module else NAME)
