"""Examples the stub does not answer: those that the spec as the wire speaks
it refuses (validation's lints find them, `reading.lints`), marked on their
`Response` (by name) or `Body` (by index) with the reason.

Not one of the ordered passes: it writes what validation found, so it runs
where the lints do (reading a spec to generate or validate it), not when a
spec is read for the diff or the release version, which do not look at examples.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Body, Response


def mark(found: Iterable[tuple[Response | Body, str | int, str]]) -> None:
    for owner, key, reason in found:
        if isinstance(owner, Response) and isinstance(key, str):
            owner.off_schema[key] = reason
        elif isinstance(owner, Body) and isinstance(key, int):
            owner.off_schema[key] = reason
