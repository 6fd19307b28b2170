"""What `generate` writes, in memory: the project's distribution, where
`[tool.dixagen]` in pyproject.toml says which specs become which subpackages
under `generated/`, or one spec as a package of its own (`--spec`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .diagnostics import Diagnostic
from .format import Formatting
from .ir import Api
from .package import ApiPackage, distribution, single_package, single_pyproject, static_paths
from .pipeline import Reading
from .changelog import FILE as CHANGELOG
from .changelog import changelog, release_date
from .release import Version, read_previous, release_version
from .surface import lost_names
from .write import read_tree


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
    )



def project_files(
    config: ProjectConfig,
    *,
    strict: bool | None = None,
    dialect: str = "auto",
    warn: Callable[[list[Diagnostic]], None] = lambda _: None,
    inform: Callable[[str], None] = lambda _: None,
) -> tuple[Path, dict[str, str]]:
    """Render (and format) every file of the project's distribution, in memory.
    Specs are validated while they are built, rendered and formatted (`Reading`)."""
    with Reading(config.apis, strict=True if strict is None else strict, dialect=dialect) as reading:  # type: ignore[arg-type]
        entries = [
            ApiPackage(
                api_name,
                reading.apis[api_name].api,
                spec_path.relative_to(config.root).as_posix(),
                spec_path.read_text(encoding="utf-8"),
            )
            for api_name, spec_path in config.apis.items()
        ]
        previous = read_previous(config.out, config.package)
        apis = {entry.name: entry.api for entry in entries}
        release = release_version(config.version, previous, apis, config.package)

        def render(version: str) -> dict[str, str]:
            return distribution(
                distribution=config.distribution,
                package=config.package,
                version=version,
                description=config.description,
                apis=entries,
                license=config.license,
                urls=config.urls or {},
            )

        files = render(release.version)
        lost = tuple(lost_names(read_tree(config.out), files, config.package)) if previous is not None else ()
        if lost:
            release = release_version(config.version, previous, apis, config.package, lost)
            files = render(release.version)
        files[CHANGELOG] = changelog(read_if_present(config.out / CHANGELOG), release, config.distribution, release_date())
        with Formatting(files, static_paths(files, config.package)) as formatting:
            for loaded in reading.finish().values():
                warn(loaded.warnings)
            formatted = formatting.result()
    for name, entry in apis.items():
        inform(_dialect_line(name, entry))
    inform(f"version {release.version} ({release.reason})")
    return config.out, formatted


def _dialect_line(name: str, api: Api) -> str:
    """Which dialect the unions and enums of `name` were read in, and why (`--dialect` overrides)."""
    return f"{name}: {api.dialect} dialect ({api.dialect_reason})"


def read_if_present(path: Path) -> str | None:
    """The text of `path`, or None where it is absent or unreadable (a first generation)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def spec_files(
    spec: Path,
    package: str,
    *,
    strict: bool = False,
    dialect: str = "auto",
    warn: Callable[[list[Diagnostic]], None] = lambda _: None,
    inform: Callable[[str], None] = lambda _: None,
) -> tuple[dict[str, str], str]:
    """Render (and format) one spec as the package `package`, in memory, its
    paths relative to the package's folder, and the pyproject.toml that goes
    beside that folder: `generate --spec`."""
    with Reading({package: spec}, strict=strict, dialect=dialect) as reading:  # type: ignore[arg-type]
        files = single_package(package, reading.apis[package].api)
        with Formatting(files, static_paths(files, package)) as formatting:
            warn(reading.finish()[package].warnings)
            formatted = formatting.result()
    inform(_dialect_line(package, reading.apis[package].api))
    pyproject = single_pyproject(package, reading.apis[package].api, reading.apis[package].api.source)
    return {path.split("/", 1)[1]: text for path, text in formatted.items()}, pyproject
