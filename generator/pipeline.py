"""The one orchestrator: specs in, formatted files out, in memory.

Data flows one way through the stages, each a folder:

    reading/   load → validate (in a worker) → build the IR (ir/build) → passes (ir/passes)
    rendering/ the package's files, read off the IR; each renderer only reads it
    release/   the version and changelog, stamped onto the rendered files
    output/    format with ruff, then `cli` writes the tree atomically

Every file is rendered once; the version (which depends on what the rendered
files take away from the previous release) is stamped afterwards into the few
files that name it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .config import ConfigError, ProjectConfig
from .diagnostics import Diagnostic
from .ir.model import Api
from .output.format import Formatting
from .output.write import read_tree
from .reading.read import Reading
from .release.changelog import FILE as CHANGELOG
from .release.changelog import changelog, release_date
from .rendering.surface import gained_names, lost_names, renamed_names
from .release.version import read_previous, release_version
from .rendering.effects import EFFECTS_FILE, EffectsError, effects_file
from .rendering.package import ApiPackage, distribution, single_package, single_pyproject, stamp, static_paths


def project_files(
    config: ProjectConfig,
    *,
    strict: bool | None = None,
    dialect: str = "auto",
    warn: Callable[[list[Diagnostic]], None] = lambda _: None,
    inform: Callable[[str], None] = lambda _: None,
    ref_roots: tuple[Path, ...] = (),
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[Path, dict[str, str]]:
    """Render (and format) every file of the project's distribution, in memory.
    Specs are validated while they are built, rendered and formatted (`Reading`);
    `progress` is told each stage as it starts."""
    progress("reading the specs")
    roots = (config.root, *ref_roots)  # a project's specs may share files anywhere in the project
    # The previous release, read first: the class names it shipped are kept (`Api.kept_names`).
    previous = read_previous(config.out, config.package)
    with Reading(
        config.apis,
        strict=True if strict is None else strict,
        dialect=dialect,  # type: ignore[arg-type]
        accepted=config.accepted_spellings,
        ref_roots=roots,
        kept_names=previous.names if previous is not None else None,
        known_types={name: previous.keys(name, path) for name, path in config.apis.items()} if previous else None,
    ) as reading:
        entries = [
            ApiPackage(
                api_name,
                reading.apis[api_name].api,
                spec_path.relative_to(config.root).as_posix(),
                spec_path.read_text(encoding="utf-8"),
            )
            for api_name, spec_path in config.apis.items()
        ]
        apis = {entry.name: entry.api for entry in entries}
        files = distribution(package=config.package, apis=entries, progress=progress)
        for api_name, table in (config.stubs or {}).items():
            if api_name not in apis:
                raise ConfigError(f"{config.root / 'pyproject.toml'}: [tool.dixagen.stubs] names no API {api_name!r}")
            try:
                files[f"{config.package}/{api_name}/{EFFECTS_FILE}"] = effects_file(table, apis[api_name])
            except EffectsError as exc:
                raise ConfigError(str(exc)) from None

        def stamped(version: str) -> dict[str, str]:
            return stamp(
                distribution=config.distribution,
                package=config.package,
                version=version,
                description=config.description,
                apis=entries,
                license=config.license,
                urls=config.urls or {},
            )

        release = release_version(config.version, previous, apis, config.package)
        version_files = stamped(release.version)
        if previous is not None:
            old = read_tree(config.out)
            if previous.package:  # compare names as if the package had kept its name; the rename is said apart
                old = {_moved(path, previous.package, config.package): text for path, text in old.items()}
            new = {**files, **version_files}
            lost = tuple(lost_names(old, new, config.package))
            # A folder missing on disk (deleted by hand) is no sign that the previous
            # release lacked its names: names count as gained only in folders it has.
            folders = {path.rpartition("/")[0] for path in old}
            kept = {path: text for path, text in new.items() if path.rpartition("/")[0] in folders}
            gained = tuple(gained_names(old, kept, config.package))
            if lost or gained:
                moved = tuple(renamed_names(old, files, config.package)) if lost else ()
                release = release_version(
                    config.version, previous, apis, config.package, lost, moved=moved, gained=gained
                )
                version_files = stamped(release.version)
        files.update(version_files)
        files[CHANGELOG] = changelog(read_if_present(config.out / CHANGELOG), release, config.distribution, release_date())
        progress(f"formatting {len(files)} files and validating the specs")
        with Formatting(files, static_paths(files, config.package)) as formatting:
            for loaded in reading.finish().values():
                warn(loaded.warnings)
            formatted = formatting.result()
    for name, entry in apis.items():
        inform(_dialect_line(name, entry))
    inform(f"version {release.version} ({release.reason})")
    return config.out, formatted


def _moved(path: str, was: str, package: str) -> str:
    top, _, rest = path.partition("/")
    return f"{package}/{rest}" if top == was and rest else path


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
    ref_roots: tuple[Path, ...] = (),
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[dict[str, str], str]:
    """Render (and format) one spec as the package `package`, in memory, its
    paths relative to the package's folder, and the pyproject.toml that goes
    beside that folder: `generate --spec`."""
    progress(f"reading {spec.name}")
    with Reading({package: spec}, strict=strict, dialect=dialect, ref_roots=ref_roots) as reading:  # type: ignore[arg-type]
        files = single_package(package, reading.apis[package].api, progress)
        progress(f"formatting {len(files)} files and validating {spec.name}")
        with Formatting(files, static_paths(files, package)) as formatting:
            warn(reading.finish()[package].warnings)
            formatted = formatting.result()
    inform(_dialect_line(package, reading.apis[package].api))
    pyproject = single_pyproject(package, reading.apis[package].api, reading.apis[package].api.source)
    return {path.split("/", 1)[1]: text for path, text in formatted.items()}, pyproject
