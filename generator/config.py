"""The project's configuration: `[tool.dixagen]` of its pyproject.toml, which says
which specs become which subpackages of the generated distribution, and under
which names and version it is published."""

from __future__ import annotations

import keyword
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .release.version import Version


@dataclass
class ProjectConfig:
    root: Path
    out: Path
    distribution: str
    package: str
    version: str
    description: str
    apis: dict[str, Path]
    license: str = "MIT"  # an SPDX expression, the generated distribution's licence
    urls: dict[str, str] | None = None  # [project.urls] of the generated distribution
    # Spellings the APIs are known to use where their schemas say otherwise, by
    # format: a pattern of the values accepted as that format (Dixa's
    # `2021-12-01T12:46:36.581Z[GMT]` for a `date-time`). Examples that differ
    # only by them are listed by `dixagen validate` as information, not
    # printed by `generate`; the stub still answers a synthesized value for them.
    accepted_spellings: dict[str, str] | None = None
    # [tool.dixagen.stubs]: the stub server's table of effects of an API (`rendering/effects.py`).
    stubs: dict[str, Path] | None = None


class ConfigError(Exception):
    """The project's `[tool.dixagen]` is missing or wrong: a usage error, not a spec's."""


# What a generated package imports, or its stub server and tests do: a package
# of one of these names would shadow the library it needs.
SDK_DEPENDENCIES = frozenset(
    {
        "pydantic", "pydantic_core", "pydantic_settings", "annotated_types", "typing_inspection",
        "typing_extensions", "httpx", "httpx2", "httpcore", "h11", "h2", "anyio", "sniffio", "idna", "certifi",
        "fastapi", "starlette", "uvicorn", "openapi_schema_validator", "jsonschema", "jsonschema_specifications",
        "referencing", "rpds", "setuptools", "pip", "pytest", "mypy",
    }
)


def package_name_problem(name: str) -> str | None:
    """Why `name` cannot be the import name of a generated package, or None.

    It must be importable from any folder on any platform and must not hide
    another module: an ASCII identifier (a non-ASCII one is normalized by
    Python, NFKC, so `ℌ` imports as `H`), not a keyword, not a module of the
    standard library (`json` would shadow the one the SDK uses), not one of
    the SDK's dependencies."""
    if not name.isascii() or not name.isidentifier():
        return "is not an ASCII Python identifier (letters, digits and _, not starting with a digit)"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    top = name.lower()
    if name in sys.stdlib_module_names or top in sys.stdlib_module_names:
        return "is the name of a standard-library module, which the package would shadow"
    if top in SDK_DEPENDENCIES:
        return "is the name of a library the generated SDK depends on, which the package would shadow"
    return None


def package_name_for(spec: Path) -> str:
    """The package `generate --spec` makes of a spec without `--package`: its
    file name made an ASCII identifier, with `api_` in front where that name
    could not be a package of its own (`json.yaml` gives `api_json`)."""
    stem = "".join(c if c.isascii() and c.isalnum() else "_" for c in spec.stem.lower()).strip("_")
    return stem if package_name_problem(stem) is None else f"api_{stem}"


def load_config(root: Path) -> ProjectConfig:
    """`[tool.dixagen]` of the project's pyproject.toml."""
    path = root / "pyproject.toml"
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; run in the project folder or pass --spec and --out") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    section = data.get("tool", {}).get("dixagen")
    if not isinstance(section, dict) or not isinstance(section.get("apis"), dict):
        raise ConfigError(f"{path}: no [tool.dixagen] section with an [tool.dixagen.apis] table")
    version = str(section.get("version", "0.1.0"))
    try:
        Version.parse(version, f"{path}: [tool.dixagen]")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    spellings = section.get("accepted-spellings", {})
    if not isinstance(spellings, dict):
        raise ConfigError(f"{path}: [tool.dixagen.accepted-spellings] is not a table of format = pattern")
    for fmt, pattern in spellings.items():
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise ConfigError(f"{path}: [tool.dixagen.accepted-spellings] {fmt}: not a pattern ({exc})") from None
    package = str(section.get("package", "dixa_sdk"))
    problem = package_name_problem(package)
    if problem is not None:
        raise ConfigError(f"{path}: [tool.dixagen] package {package!r} {problem}")
    return ProjectConfig(
        root=root,
        out=root / str(section.get("out", "generated")),
        distribution=str(section.get("distribution", "dixa-sdk")),
        package=package,
        version=version,
        description=str(section.get("description", "Typed Python SDK for the Dixa APIs.")),
        apis={str(k): root / str(v) for k, v in section["apis"].items()},
        license=str(section.get("license", "MIT")),
        urls={str(k): str(v) for k, v in section.get("urls", {}).items()},
        accepted_spellings={str(k): str(v) for k, v in spellings.items()},
        stubs={str(k): root / str(v) for k, v in section.get("stubs", {}).items()},
    )


