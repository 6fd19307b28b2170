"""The one orchestrator: specs in, formatted files out, in memory (the
project's distribution, `--check`), or written out as they are rendered
(`generate --spec`: `write_spec`).

Data flows one way through the stages, each a folder:

    reading/   load → validate → build the IR (ir/build) → passes (ir/passes)
    rendering/ the package's files, read off the IR; each renderer only reads it
    release/   the version and changelog, stamped onto the rendered files
    output/    format with ruff, then the tree is swapped in atomically

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
from .ir.wire import shared as shared_wire
from .output.format import Formatting, InPlace
from .output.write import Staging, read_tree
from .reading.read import Reading
from .release.changelog import FILE as CHANGELOG
from .release.changelog import changelog, release_date
from .rendering.surface import gained_names, lost_names, renamed_names
from .release.version import read_previous, release_version
from .rendering.effects import EFFECTS_FILE, EffectsError, effects_file
from .rendering.package import (
    ApiPackage,
    distribution,
    single_package,
    single_package_parts,
    single_pyproject,
    stamp,
    static_paths,
)


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
    Specs are validated as they are read, before they are built (`Reading`);
    `progress` is told each stage as it starts."""
    progress("reading the specs")
    roots = (config.root, *ref_roots)  # a project's specs may share files anywhere in the project
    # The previous release, read first: the class names it shipped are kept (`Api.kept_names`).
    previous = read_previous(config.out, config.package)
    with shared_wire(), Reading(
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
        files = distribution(package=config.package, apis=entries, progress=progress, settled=reading.settle)
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
        progress(f"formatting {len(files)} files")
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
    with shared_wire(), Reading({package: spec}, strict=strict, dialect=dialect, ref_roots=ref_roots) as reading:  # type: ignore[arg-type]
        files = single_package(package, reading.apis[package].api, progress, reading.settle)
        progress(f"formatting {len(files)} files of {spec.name}")
        with Formatting(files, static_paths(files, package)) as formatting:
            warn(reading.finish()[package].warnings)
            formatted = formatting.result()
    inform(_dialect_line(package, reading.apis[package].api))
    pyproject = single_pyproject(package, reading.apis[package].api, reading.apis[package].api.source)
    return {path.split("/", 1)[1]: text for path, text in formatted.items()}, pyproject


def write_spec(
    spec: Path,
    package: str,
    target: Path,
    *,
    strict: bool = False,
    dialect: str = "auto",
    warn: Callable[[list[Diagnostic]], None] = lambda _: None,
    inform: Callable[[str], None] = lambda _: None,
    ref_roots: tuple[Path, ...] = (),
    progress: Callable[[str], None] = lambda _: None,
    check_path: Callable[[str], None] = lambda _: None,
) -> tuple[int, str]:
    """`spec_files`, written to `target` as it is rendered: each renderer's
    files go to a folder beside `target` as soon as it is done (the Python
    ones to ruff's folder in it), so neither the package's texts nor their
    formatted copies are ever all held; the folder is swapped in for `target`
    once the spec is validated and the files formatted, and removed where
    either fails. `check_path` sees each path (relative to `target`) before
    it is written. Returns how many files were written, and the
    pyproject.toml that goes beside `target`."""
    progress(f"reading {spec.name}")
    with Staging(target) as staging, InPlace(staging) as formatting:
        pyproject, dialect_line, count = _render_into(
            spec, package, staging, formatting, strict=strict, dialect=dialect, warn=warn, ref_roots=ref_roots,
            progress=progress, check_path=check_path,
        )
        # The IR and the document are gone by now: only ruff's work is left.
        formatting.finish()
        progress(f"writing {count} files")
        staging.commit()
    inform(dialect_line)
    return count, pyproject


def _render_into(
    spec: Path,
    package: str,
    staging: Staging,
    formatting: InPlace,
    *,
    strict: bool,
    dialect: str,
    warn: Callable[[list[Diagnostic]], None],
    ref_roots: tuple[Path, ...],
    progress: Callable[[str], None],
    check_path: Callable[[str], None],
) -> tuple[str, str, int]:
    """Read (and validate), render into `staging` and `formatting`, and start
    ruff on what is left; the pyproject.toml, the dialect's line and the
    number of files. The IR is not held past this call."""
    with shared_wire(), Reading({package: spec}, strict=strict, dialect=dialect, ref_roots=ref_roots) as reading:  # type: ignore[arg-type]
        api = reading.apis[package].api
        pyproject = single_pyproject(package, api, api.source)
        dialect_line = _dialect_line(package, api)
        runtime = f"{package}/_runtime/"  # the static runtime, formatted already (`static_paths`)
        count = 0
        for part in single_package_parts(package, api, progress, reading.settle):
            for path, text in part.items():
                relative = path.split("/", 1)[1]
                check_path(relative)
                if path.endswith(".py") and not path.startswith(runtime):
                    formatting.add(relative, str(text))
                else:
                    staging.write(relative, text)
            count += len(part)
            formatting.start()  # ruff formats these while the next part is rendered
        del api, part
        progress(f"formatting {count} files of {spec.name}")
        warn(reading.finish()[package].warnings)
    return pyproject, dialect_line, count
