"""The IR as JSON, with stable key order, for `dixagen ir` and for review."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .model import Api


def ir_to_data(api: Api) -> dict[str, Any]:
    data = dataclasses.asdict(api)
    for item in dataclasses.fields(api):
        if item.metadata.get("dump") is False:
            del data[item.name]
    return data


def ir_to_json(api: Api) -> str:
    return json.dumps(ir_to_data(api), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
