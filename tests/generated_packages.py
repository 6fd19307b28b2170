"""Specs generated into importable packages under one folder, for tests that
drive a generated client or stub server (`tests/test_client_*.py`)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator.rendering.package import single_package
from generator.reading.read import read_api

Load = Callable[..., ModuleType]


@contextmanager
def generated_packages(root: Path) -> Iterator[Load]:
    """`load(name, spec_text, strict=False)` generates the spec as package `name`
    under `root` and imports its client; on leaving, the packages are forgotten."""
    names: list[str] = []
    sys.path.insert(0, str(root))

    def load(name: str, text: str, *, strict: bool = False) -> ModuleType:
        spec = root / f"{name}.yaml"
        spec.write_text(text)
        for relative, source in single_package(name, read_api(spec, strict=strict).api).items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source)
        names.append(name)
        return importlib.import_module(f"{name}.client")

    try:
        yield load
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m.split(".")[0] in names]:
            del sys.modules[module]
