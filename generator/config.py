"""The project's configuration: `[tool.dixagen]` of its pyproject.toml, which says
which specs become which subpackages of the generated distribution, and under
which names and version it is published."""

from __future__ import annotations

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
    # [tool.dixagen.stubs]: the stub server's table of effects of an API (`rendering/effects.py`).
    stubs: dict[str, Path] | None = None


class ConfigError(Exception):
    """The project's `[tool.dixagen]` is missing or wrong: a usage error, not a spec's."""


def package_name_for(spec: Path) -> str:
    """The package `generate --spec` makes of a spec without `--package`: its file name, made an identifier."""
    stem = "".join(c if c.isalnum() else "_" for c in spec.stem.lower()).strip("_")
    return stem if stem.isidentifier() else f"api_{stem}"


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
    return ProjectConfig(
        root=root,
        out=root / str(section.get("out", "generated")),
        distribution=str(section.get("distribution", "dixa-sdk")),
        package=str(section.get("package", "dixa")),
        version=version,
        description=str(section.get("description", "Typed Python SDK for the Dixa APIs.")),
        apis={str(k): root / str(v) for k, v in section["apis"].items()},
        license=str(section.get("license", "MIT")),
        urls={str(k): str(v) for k, v in section.get("urls", {}).items()},
        stubs={str(k): root / str(v) for k, v in section.get("stubs", {}).items()},
    )


