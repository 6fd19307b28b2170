"""Helpers for checking wire data against generated models."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import ModuleType
from typing import Any, Literal
from uuid import UUID

from pydantic import TypeAdapter

from generator.ir.model import Api, Type
from generator.rendering.pytypes import Annotator

from .conftest import ROOT

import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "generated")) if str(ROOT / "generated") not in sys.path else None
from dixa_sdk._runtime.models import DateTime  # noqa: E402

_ZONE_ID = re.compile(r"\[[^\[\]]*\]$")


def _instant(text: str) -> datetime | None:
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", text):
        return None
    try:
        return datetime.fromisoformat(_ZONE_ID.sub("", text).replace("Z", "+00:00"))
    except ValueError:
        return None


def differences(sent: Any, back: Any, path: str = "") -> tuple[list[str], list[str]]:
    """(differences, re-spellings) between a payload and what the models gave back.

    A re-spelling is a date-time written differently for the same instant, or a
    number that the example sends where its schema says string (the models
    hold it as that string)."""
    diffs: list[str] = []
    spelled: list[str] = []
    if isinstance(sent, dict) and isinstance(back, dict):
        if sent.keys() != back.keys():
            diffs.append(f"{path or '/'}: keys {sorted(sent)} became {sorted(back)}")
        for key in sent.keys() & back.keys():
            d, s = differences(sent[key], back[key], f"{path}/{key}")
            diffs += d
            spelled += s
    elif isinstance(sent, list) and isinstance(back, list):
        if len(sent) != len(back):
            diffs.append(f"{path}: {len(sent)} items became {len(back)}")
        for index, (a, b) in enumerate(zip(sent, back)):
            d, s = differences(a, b, f"{path}/{index}")
            diffs += d
            spelled += s
    elif isinstance(sent, str) and isinstance(back, str) and sent != back:
        a, b = _instant(sent), _instant(back)
        if a is not None and b is not None and a == b and (a.tzinfo is None) == (b.tzinfo is None):
            spelled.append(f"{path}: {sent} as {back}")
        else:
            diffs.append(f"{path}: {sent!r} became {back!r}")
    elif isinstance(sent, (int, float)) and not isinstance(sent, bool) and isinstance(back, str) and back == str(sent):
        spelled.append(f"{path}: number {sent} as string {back!r}")
    elif sent != back or type(sent) is bool is not type(back) is bool:
        diffs.append(f"{path}: {sent!r} became {back!r}")
    return diffs, spelled


def adapter_for(api: Api, module: ModuleType, type_: Type) -> TypeAdapter[Any]:
    """A TypeAdapter for any IR type, built from the generated module's names."""
    annotation = Annotator(api).annotation(type_)
    namespace = {"UUID": UUID, "date": date, "Any": Any, "Literal": Literal, "DateTime": DateTime}
    return TypeAdapter(eval(annotation, namespace, _ModuleNames(module)))  # noqa: S307 - our own generated names


class _ModuleNames(dict[str, Any]):
    """The names of a models package, each looked up on use: the package loads
    a model's module the first time it is asked for it."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__()
        self.module = module

    def __missing__(self, name: str) -> Any:
        try:
            return getattr(self.module, name)
        except AttributeError:
            raise KeyError(name) from None


def untyped_tagged(value: Any, path: str = "") -> list[str]:
    """Where a parse result holds a `_type`-tagged object that no model typed.

    Walks models (their fields and kept unknown fields), lists and dicts at every
    depth. A dict carrying `_type` is such an object, and so is an `UnknownVariant`
    (a tag the models do not know)."""
    from pydantic import BaseModel

    from dixa_sdk._runtime.models import UnknownVariant

    found: list[str] = []
    if isinstance(value, UnknownVariant):
        found.append(f"{path or '/'}: unknown variant {(value.model_extra or {}).get('_type')!r}")
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += untyped_tagged(getattr(value, name), f"{path}/{name}")
        for key, item in (value.model_extra or {}).items():
            found += untyped_tagged(item, f"{path}/{key}")
    elif isinstance(value, dict):
        if "_type" in value:
            found.append(f"{path or '/'}: {value['_type']!r} left as a dict")
        for key, item in value.items():
            found += untyped_tagged(item, f"{path}/{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += untyped_tagged(item, f"{path}/{index}")
    return found
