"""One judgement of a change, for the diff and for the release alike.

`dixagen diff` prints a level per change and `--fail-on ERR` gates on it;
`generate` raises the distribution's version from the same changes. Both read
the level from the one table of kinds (`model.KINDS`) and turn it into a bump
here, so that a change the diff calls breaking is the change that raises the
major number, and nothing else is:

- `ERR` (breaking) raises the major number (the minor while it is 0);
- any other change the diff reports raises the minor (the patch while 0.x);
- a change of wording only (descriptions) raises the patch.

Whatever takes a public name away from the generated Python API (a module,
class, field, enum member, client method or argument) breaks code that uses
it, whatever the wire does: the kinds that do so are `ERR` in the table, and
`python_losses` checks the rendered code of both sides for any name lost that
no such change already reports (`python-name-removed`), so that the diff
cannot miss a loss that `generate` would count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import IntEnum

from ..ir.model import Api
from ..rendering.client.resources import client_files
from ..rendering.models import render_models
from ..rendering.surface import lost_names
from .model import Change


class Bump(IntEnum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


# The bump a change of each level makes; descriptions alone make a patch.
LEVEL_BUMPS = {"ERR": Bump.MAJOR, "WARN": Bump.MINOR, "INFO": Bump.MINOR}
BUMP_WORDS = {Bump.MAJOR: "major", Bump.MINOR: "minor", Bump.PATCH: "patch", Bump.NONE: "none"}


def change_bump(change: Change) -> Bump:
    """How far one change raises the version."""
    return Bump.PATCH if change.is_description else LEVEL_BUMPS[change.level]


def bump(changes: Iterable[Change]) -> Bump:
    """How far a set of changes raises the version: the furthest any of them does."""
    return max((change_bump(change) for change in changes), default=Bump.NONE)


# -- names lost from the Python API -----------------------------------------------------------

_ROOT, _API = "_pkg", "api"  # where both sides are rendered to compare their names


def python_losses(old: Api, new: Api, old_package: str, new_package: str, changes: list[Change]) -> list[Change]:
    """A `python-name-removed` change for every public name of the Python API
    generated from `old` that the one generated from `new` has not, unless a
    breaking change in `changes` already says it went."""
    prefix = f"{_ROOT}/{_API}"
    runtime = f"{_ROOT}._runtime"
    before = {**render_models(old, prefix, runtime), **client_files(prefix, old, runtime)}
    after = {**render_models(new, prefix, runtime), **client_files(prefix, new, runtime)}
    lost = [f"{old_package}.{name.removeprefix(_API + '.')}" for name in lost_names(before, after, _ROOT)]
    return lost_name_changes(lost, changes)


def lost_name_changes(lost: Iterable[str], changes: list[Change]) -> list[Change]:
    """`python-name-removed` for each lost name (fully qualified: `dixa_sdk.v1.models.Agent.name`)
    that no breaking change in `changes` names; a name's module form
    (`models.agent.Agent`) and arguments (`get(agent_id)`) count as their class
    and method."""
    said = " ".join(change.python or "" for change in changes if change.level == "ERR")
    out: list[Change] = []
    for name in lost:
        if any(re.search(r"(?<![\w.])" + re.escape(known) + r"(?![\w.(])", said) for known in _forms(name)):
            continue
        out.append(Change(kind="python-name-removed", message=f"`{name}` is gone from the generated Python API",
                          pointer="", side="old", python=f"{name} removed"))
    return out


def _forms(name: str) -> list[str]:
    """`name` and what reporting it gone would also report: the class of a field
    or member, the method of an argument, without the module a class is in."""
    method = re.sub(r"\(.*\)$", "", name)
    if "client" in name.split("."):  # `list_iter`, the twin of a list method, goes with it
        twin = re.sub(r"_iter(?=\(|$)", "", name)
        return list(dict.fromkeys([method, name, re.sub(r"\(.*\)$", "", twin), twin]))
    parts = name.split(".")
    if "models" in parts:
        at = parts.index("models")
        if at + 1 < len(parts) and parts[at + 1][:1].islower():  # `models.agent.Agent`: the module form
            parts = parts[: at + 1] + parts[at + 2 :]
        forms = [".".join(parts[: i + 1]) for i in range(at + 1, len(parts))]
        if at + 1 < len(parts) and re.fullmatch(r"\w+Dict\d*", parts[at + 1]):
            # A body's TypedDict (`SmsDict`) goes with its model (`Sms`).
            model = re.sub(r"Dict\d*$", "", parts[at + 1])
            forms.append(".".join([*parts[: at + 1], model]))
        return forms
    return [".".join(parts)]
