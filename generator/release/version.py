"""Release: the distribution's version, taken from the specs.

Dixa's documents carry no release number (`info.version` is `v1` or `beta`),
and one distribution holds several APIs, so the version cannot be copied from
them. It follows what they say instead: the output remembers the version it
was generated as (`MANIFEST.json`, with the class names that a schema's key
alone does not give, which the next generation keeps) and a copy of each spec
it was generated from (`<package>/<api>/openapi.yaml`). When a spec's content changes, the new
version is the previous one raised by what the change does to the package's
users, as `dixagen diff` judges it (semantic versioning):

- each API's changes raise it as `diff.verdict` judges them, the rule that
  `dixagen diff` prints: a breaking change (level `ERR`, or an API gone)
  raises the major number; anything else the diff reports (new operations,
  fields, enum values, deprecations; an API added) the minor; a change of
  wording only (the descriptions, or nothing the diff sees) the patch;
- while the major number is 0, each rule moves one place right: breaking
  raises the minor number, the rest the patch (the usual 0.x convention);
- specs that did not change keep the version, so regenerating is stable;
- output that takes names away from the Python API (`rendering.surface`)
  counts as a breaking change too, whether a spec or a new generator took
  them (a model module moved, a method renamed), so a regenerated package
  never breaks its users' code under the same major number (0.x: the same
  minor);
- `version` in `[tool.dixagen]` is a floor: raising it by hand takes effect as
  written.

A previous spec that can no longer be read (it referred to other files) is
counted as a breaking change: a version too high is a nuisance, one too low
breaks users' pins.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import SpecError
from ..diff import Change, diff_apis
from ..diff.verdict import Bump, bump, lost_name_changes
from ..ir.model import Api
from ..rendering.package import MANIFEST, spec_copy_name
from ..rendering.surface import shipped_methods
from ..reading.read import read_api

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str, where: str) -> Version:
        match = _VERSION.match(text.strip())
        if not match:
            raise ValueError(f"{where}: version {text!r} is not of the form MAJOR.MINOR.PATCH")
        major, minor, patch = (int(group) for group in match.groups())
        return cls(major, minor, patch)

    def raised(self, bump: Bump) -> Version:
        if bump is Bump.NONE:
            return self
        if self.major == 0:  # 0.x: breaking changes move the minor number
            bump = Bump(max(bump - 1, Bump.PATCH))
        if bump is Bump.MAJOR:
            return Version(self.major + 1, 0, 0)
        if bump is Bump.MINOR:
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class Previous:
    """What an earlier generation left in the output folder."""

    version: Version
    hashes: dict[str, str]  # API name -> sha256 of its spec
    specs: dict[str, Path]  # API name -> the copy of its spec
    package: str = ""  # the import package it was generated as, where it differs from today's
    # API name -> the class names it shipped that a spec's key alone does not give (`Api.kept_names`).
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    # API name -> the client methods it shipped (`resource.method`), from its `OPERATIONS`.
    methods: dict[str, frozenset[str]] = field(default_factory=dict)
    # The previous specs as read (None: unreadable), each read once, when first asked for.
    _read: dict[str, Api | None] = field(default_factory=dict, repr=False, compare=False)

    def api(self, name: str) -> Api | None:
        """The IR of the API `name` as the previous release read it (its copy of
        the spec, its recorded names); None where it had no such API or its spec
        can no longer be read (it referred to other files)."""
        if name not in self._read:
            try:
                self._read[name] = read_api(
                    self.specs[name], strict=False, validate=False, kept_names=self.names.get(name)
                ).api
            except (SpecError, OSError, KeyError):
                self._read[name] = None
        return self._read[name]

    def keys(self, name: str, spec: Path) -> frozenset[str] | None:
        """The named types (`Api.types` keys) the previous release had for the API
        `name`, where `spec` changed since; None where it did not change, or no
        previous spec is at hand: then no type is new."""
        if name not in self.hashes or not self.specs.get(name):
            return None
        try:
            if hashlib.sha256(spec.read_bytes()).hexdigest() == self.hashes[name]:
                return None
        except OSError:
            return None
        old = self.api(name)
        return frozenset(old.types) if old is not None else None


def read_previous(out: Path, package: str) -> Previous | None:
    """The version and specs of the output already in `out`, if any can be read,
    and its import package: the manifest's, or (for a manifest that predates
    the field) the one folder of `out` that holds a runtime."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        version = Version.parse(str(manifest["version"]), str(out / MANIFEST))
        apis = manifest["apis"]
        hashes = {str(name): str(entry["sha256"]) for name, entry in apis.items()}
        was = str(manifest.get("package") or _package_in(out) or package)
        specs = {
            str(name): out / was / str(name) / spec_copy_name(str(entry.get("spec", "")))
            for name, entry in apis.items()
        }
        names = {str(name): _names(entry.get("names")) for name, entry in apis.items()}
        methods = {str(name): shipped_methods(out / was / str(name) / "client" / "__init__.py") for name in apis}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Previous(version, hashes, specs, was if was != package else "", names, methods)


def _names(recorded: object) -> dict[str, str]:
    """The class names an API's manifest entry records, by schema key: a
    manifest from before they were recorded (or edited into another shape)
    records none, and the names are decided afresh."""
    if not isinstance(recorded, dict):
        return {}
    return {key: name for key, name in recorded.items() if isinstance(key, str) and isinstance(name, str)}


def _package_in(out: Path) -> str | None:
    found = sorted(path.parent.parent.name for path in out.glob("*/_runtime/__init__.py"))
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Release:
    version: str
    reason: str  # one line for the person generating: why this version
    previous: str | None = None  # the version the output had, if any
    # What raised it, per API: the diff's changes, or an empty list for an API added or removed.
    changes: dict[str, list[Change]] = field(default_factory=dict)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # Names of the generated Python API the generator's output no longer has.
    lost: tuple[str, ...] = ()
    # Names of the generated Python API the output has and the previous one had not.
    gained: tuple[str, ...] = ()
    # The import package the previous version had and today's, where it was renamed.
    renamed: tuple[str, str] | None = None
    # Names of the Python API the generator renamed (old, new), for the migration notes.
    moved: tuple[tuple[str, str], ...] = ()


_WHY = {
    Bump.MAJOR: "breaking changes",
    Bump.MINOR: "additions or other changes the diff reports",
    Bump.PATCH: "changes of wording only",
}


def _api_bump(previous: Previous, name: str, api: Api, package: str) -> tuple[Bump, list[Change] | None]:
    """How far one API's changes raise the version, and the changes (None where unchanged)."""
    if name not in previous.hashes:
        return Bump.MINOR, []
    if previous.hashes[name] == api.spec_sha256:
        return Bump.NONE, None
    old = previous.api(name)
    if old is None:
        return Bump.MAJOR, []
    module = f"{package}.{name}"
    changes = diff_apis(old, api, old_package=module, new_package=module)
    shipped = previous.methods.get(name)
    if shipped:  # the previous spec read today may name a method otherwise than the release did
        changes = [change for change in changes if not _never_shipped(change, shipped, module)]
    # A spec whose text changed raises the patch at least, even where the diff sees nothing.
    return max(bump(changes), Bump.PATCH), changes


def _never_shipped(change: Change, shipped: frozenset[str], module: str) -> bool:
    """Whether `change` renames or moves a client method the previous release did
    not have: a generator that names methods otherwise reads the previous spec
    with today's names. What users had is renamed in the migration notes (the
    previous output's names against the new), so this change would only name
    a method no release shipped."""
    if change.kind not in ("python-method-renamed", "python-method-moved") or not change.python:
        return False
    old = change.python.split(" → ")[0].removeprefix(f"{module}.client.")
    return old not in shipped


def _listed(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def release_version(
    floor: str,
    previous: Previous | None,
    apis: dict[str, Api],
    package: str = "api",
    lost: tuple[str, ...] = (),
    moved: tuple[tuple[str, str], ...] = (),
    gained: tuple[str, ...] = (),
) -> Release:
    """The version to generate as: the previous one raised by the specs' changes,
    by the names of the Python API the output `lost` (major) and by those it
    `gained` (minor: code that worked still works), and never below `floor`.
    `package` names the generated modules in the changes."""
    least = Version.parse(floor, "[tool.dixagen] version")
    if previous is None:
        return Release(str(least), "the first generation: [tool.dixagen] version")
    removed = tuple(sorted(set(previous.hashes) - set(apis)))
    added = tuple(sorted(set(apis) - set(previous.hashes)))
    bumps = {name: Bump.MAJOR for name in removed}
    changes: dict[str, list[Change]] = {}
    for name, api in apis.items():
        bumps[name], found = _api_bump(previous, name, api, package)
        if found is not None and name not in added:
            changes[name] = found
    # Names the diff already reports gone are said once, there; the rest were
    # taken by the generator, and judged as the diff judges a lost name.
    said = [change for found in changes.values() for change in found]
    gone = lost_name_changes((f"{package}.{name}" for name in lost), said)
    lost = tuple(change.python.removesuffix(" removed").removeprefix(f"{package}.") for change in gone if change.python)
    # A renamed import package breaks every import of the previous one.
    # Names gained where the specs' changes raise the minor version already are
    # theirs to report; else they are the generator's additions.
    if max(bumps.values(), default=Bump.NONE) >= Bump.MINOR:
        gained = ()
    raised = max(
        [*bumps.values(), bump(gone), Bump.MAJOR if previous.package else Bump.NONE, Bump.MINOR if gained else Bump.NONE]
    )
    derived = previous.version.raised(raised)
    was = str(previous.version)
    renamed = (previous.package, package) if previous.package else None
    if least > derived:
        return Release(
            str(least), "raised by hand: [tool.dixagen] version", was, changes, added, removed, lost, gained, renamed, moved
        )
    if raised is Bump.NONE:
        return Release(str(derived), "the specs did not change", was)
    changed = [name for name, b in bumps.items() if b is not Bump.NONE]
    why = [f"{_WHY[max(bumps[name] for name in changed)]} in {', '.join(changed)}"] if changed else []
    if previous.package:
        why.append(f"the import package was renamed from `{previous.package}` to `{package}`")
    if lost:
        why.append(f"the generated Python API lost {len(lost)} name{'s' * (len(lost) != 1)}")
    if gained:
        why.append(f"the generated Python API gained {len(gained)} name{'s' * (len(gained) != 1)}")
    return Release(
        str(derived), f"was {was}; {_listed(why)}", was, changes, added, removed, lost, gained, renamed, moved
    )
