"""IR in, IR out: the seam for testing one pass.

`ir_of` builds a small in-memory document's IR (no validation, no lints) and runs
the passes before the one under test; `run_pass` runs that one pass, so a test
states the IR a pass is given and asserts on what the pass wrote on it, without
the reading step or the passes after it in the way.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from generator.ir.build import build_api
from generator.ir.model import Api
from generator.ir.passes import PASSES
from generator.reading.load import Document, RefResolver

PASS_NAMES = [name for name, _ in PASSES]


def document(schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None,
             version: str = "3.0.3", **top: Any) -> dict[str, Any]:
    """A minimal OpenAPI document around `schemas` and `paths`."""
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths or {},
            "components": {"schemas": schemas or {}}, **top}


def ir_of(data: dict[str, Any], *, before: str | None = None, through: str | None = None,
          dialect: str = "auto") -> Api:
    """The IR of `data` with the passes run up to `before` (not run) or `through`
    (run); every pass when neither is given."""
    if before is not None and through is not None:
        raise ValueError("give `before` or `through`, not both")
    stop = PASS_NAMES.index(before) if before else PASS_NAMES.index(through) + 1 if through else len(PASSES)
    # The builder hashes the file's bytes (the release compares them), so the document is written once.
    path = Path(tempfile.mkdtemp(prefix="ir-")) / "openapi.json"
    path.write_text(json.dumps(data))
    root = Document(path, data)
    api = build_api(root, RefResolver(root))
    api.dialect = dialect
    api.document = data
    for _, run in PASSES[:stop]:
        run(api)
    return api


def run_pass(name: str, api: Api) -> Api:
    """Run the pass `name` on `api` (in place) and return it."""
    dict(PASSES)[name](api)
    return api
