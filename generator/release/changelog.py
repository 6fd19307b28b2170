"""The generated distribution's CHANGELOG.md: one section per version, newest first.

A section is written once, when its version first appears, and kept as it is
afterwards: the changelog already in the output folder is the record of the
earlier versions, so regenerating unchanged specs leaves the file unchanged
and the golden output stays deterministic. A section's date is the day its
version was raised (`SOURCE_DATE_EPOCH` when set, for reproducible builds).

A section lists what `dixagen diff` found between the specs of the previous
version and the new ones: breaking changes first, then the possibly breaking
ones, then the rest, with description changes only counted. Each is one line
that leads with what calling code sees (the name of the generated Python API
added, removed or renamed, where there is one), then where in the spec, then
the change's kind (`dixagen diff`'s code for it).
"""

from __future__ import annotations

import datetime
import os
import re

from ..diff import Change
from .version import Release

FILE = "CHANGELOG.md"
_TITLE = "# Changelog"
_SECTION = re.compile(r"^## (\S+)", re.MULTILINE)
_LEVELS = (
    ("ERR", "Breaking changes: calling code must change"),
    ("WARN", "Possibly breaking changes"),
    ("INFO", "Other changes"),
)


def release_date() -> str:
    """Today (UTC), or the day `SOURCE_DATE_EPOCH` names."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def changelog(existing: str | None, release: Release, distribution: str, date: str) -> str:
    """`existing` with a section for `release.version` on top, unless it has one already."""
    earlier = _sections(existing)
    if any(_SECTION.match(section).group(1) == release.version for section in earlier):  # type: ignore[union-attr]
        assert existing is not None
        return existing
    header = f"{_TITLE}\n\nEvery version of `{distribution}`, newest first, with the API changes that raised it.\n"
    return "\n".join([header, _section(release, date), *earlier]).rstrip("\n") + "\n"


def _sections(text: str | None) -> list[str]:
    if not text:
        return []
    starts = [match.start() for match in _SECTION.finditer(text)]
    return [text[start:end].rstrip("\n") + "\n" for start, end in zip(starts, starts[1:] + [len(text)])]


_RENAMED = "Renamed import package: every import must change"
_LOST = "Gone from the Python API: calling code that uses these must change"
_GAINED = "New in the Python API: code that worked still works"
# The names a section lists of those the generator's output lost or gained; the rest are counted.
LOST_LISTED = 30


def _section(release: Release, date: str) -> str:
    out = [f"## {release.version} ({date})", ""]
    if release.previous in (None, release.version):  # the first generation, or a changelog begun now
        return "\n".join(out + ["The first version this changelog records.", ""])
    out += [f"From {release.previous}: {release.reason.split('; ', 1)[-1]}.", ""]
    apis = [f"- API `{name}` added." for name in release.added]
    apis += [f"- API `{name}` removed: its subpackage is gone." for name in release.removed]
    if apis:
        out += apis + [""]
    if release.renamed:
        was, now = release.renamed
        out += [f"### {_RENAMED}", ""]
        out += [
            f"- The distribution installs the import package `{now}`, no longer `{was}`: `import {was}` becomes "
            f"`import {now}`, and `from {was}.v1 import Client` becomes `from {now}.v1 import Client`. "
            "Environment variables, the error class and the pytest fixtures keep their names.",
            "",
        ]
    if release.lost:
        out += _names(_LOST, release.lost)
        out += _migrations(release.lost, release.moved)
    if release.gained:
        out += _names(_GAINED, release.gained)
    changes = [(api, change) for api, found in sorted(release.changes.items()) for change in found]
    for level, title in _LEVELS:
        listed = [(api, c) for api, c in changes if c.level == level and not c.is_description]
        described = [c for _, c in changes if c.level == level and c.is_description]
        if not listed and not described:
            continue
        out += [f"### {title}", ""]
        out += [_item(api, change) for api, change in listed]
        if described:
            out.append(f"- {len(described)} description change{'s' * (len(described) != 1)} (documentation only).")
        out.append("")
    return "\n".join(out)


_ITER = re.compile(r"^(?P<owner>.+)\.(?P<method>\w+)_iter$")


def _names(title: str, names: tuple[str, ...]) -> list[str]:
    """A section listing names of the Python API, the first `LOST_LISTED` of them."""
    out = [f"### {title}", "", *(f"- `{name}`" for name in names[:LOST_LISTED])]
    if len(names) > LOST_LISTED:
        out.append(f"- and {len(names) - LOST_LISTED} more.")
    return [*out, ""]


def _migrations(lost: tuple[str, ...], moved: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """How calling code moves off the names the generator itself retired (not
    the specs): a class or a method it renamed (`moved`: what to write
    instead), and the `<method>_iter` twins of list methods, gone since a list
    method returns a page that iterates across pages."""
    out: list[str] = []
    gone = set(lost)
    for was, now in moved:
        if was not in gone:
            continue
        if ".client." in was:
            api, _, call = was.partition(".client.")
            out.append(f"- `client.{call}(...)` is now `client.{now.partition('.client.')[2]}(...)` (`{api}`).")
        else:
            out.append(f"- `{was}` is now `{now}`.")
    twins = [match for match in map(_ITER.match, lost) if match is not None]
    if twins:
        first = twins[0]
        owner, method = first.group("owner").rsplit(".", 1)[-1], first.group("method")
        out.append(
            f"- List methods return a page (`SyncPage`, `AsyncPage`) and their `_iter` twins are gone: "
            f"`for item in client.{owner}.{method}_iter(...)` becomes `for item in client.{owner}.{method}(...)` "
            "(iterating a page yields every item of every page, as the `_iter` method did; "
            "`async for` on the page the async method returns). Code that used the list a method "
            "returned uses the page's `.items`, and `.next_page_params()` is where the next page starts."
        )
    return ["### Migrating", "", *out, ""] if out else []


def _item(api: str, change: Change) -> str:
    """One line: what calling code sees first (the Python name, where the change
    has one), then where in the spec, then the change's kind, each said once:
    `- `dixa_sdk.v1.models.Attachments added` (schema `Attachments`; `schema-added`)`."""
    where = f"`{change.operation}`" if change.operation else f"schema `{change.schema}`" if change.schema else ""
    if change.python:
        return f"- `{change.python}` ({where + '; ' if where else ''}`{change.kind}`)"
    return f"- **{api}** {where + ': ' if where else ''}{change.message} (`{change.kind}`)"
