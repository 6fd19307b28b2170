"""The `dixagen` command line.

Exit status: 0 success, 1 an invalid spec or a stale `generated/` (`--check`),
2 a usage error. Problems are printed one per line with file, line and JSON
pointer; never a traceback (set DIXAGEN_DEBUG=1 to see one for a generator bug).
"""

from __future__ import annotations

import os
from collections import Counter
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .diagnostics import Diagnostic, SpecError, terminal_safe
from .config import ConfigError, ProjectConfig, load_config, package_name_for, package_name_problem
from .ir.dump import ir_to_json
from .limits import MAX_FILE_NAME_BYTES
from .output.write import diff_tree, recover, write_tree
from .pipeline import project_files, read_if_present, spec_files, write_spec
from .progress import Progress
from .reading.read import read_api

DIALECTS = click.Choice(["auto", "tapir", "plain"])
# A `$ref` reads files under the spec's own folder; this option allows more folders.
ALLOW_REFS = click.option(
    "--allow-refs-under", "ref_roots", multiple=True, metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Also let $refs read files under DIR (repeatable); by default only the spec's folder.",
)


def _fail(diagnostics: list[Diagnostic], code: int = 1) -> NoReturn:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)
    sys.exit(code)


# Warnings of one group that `generate` prints before it only counts the rest.
FOLD_AFTER = 2


def _warn(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def _warn_folded(diagnostics: list[Diagnostic]) -> None:
    """The warnings, each group's after the first FOLD_AFTER counted in one
    line that says where to read them all: a spec's twenty examples that fail
    the same way are one finding, not twenty lines on every run. Information
    (an accepted spelling) is left to `dixagen validate`."""
    counts: Counter[tuple[str, str]] = Counter()
    for diagnostic in diagnostics:
        if diagnostic.severity == "info":
            continue
        if diagnostic.group:
            counts[(diagnostic.file, diagnostic.group)] += 1
            if counts[(diagnostic.file, diagnostic.group)] > FOLD_AFTER:
                continue
        click.echo(str(diagnostic), err=True)
    for (file, group), count in counts.items():
        if count > FOLD_AFTER:
            click.echo(
                terminal_safe(
                    f"{file}: warning: {count - FOLD_AFTER} more {group} (`dixagen validate {file}` lists every one)"
                ),
                err=True,
            )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dixagen")
def main() -> None:
    """Generate a typed Python SDK from OpenAPI documents."""


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@ALLOW_REFS
def validate(specs: tuple[Path, ...], ref_roots: tuple[Path, ...]) -> None:
    """Load and validate SPECS; exit 0 when all are valid.

    In a project folder, examples in the spellings its `[tool.dixagen]` accepts
    are listed as information."""
    failed = False
    accepted = _accepted_spellings(Path("."))
    for spec in specs:
        try:
            loaded = read_api(spec, strict=True, accepted=accepted, ref_roots=ref_roots)
        except SpecError as exc:
            _warn(exc.diagnostics)
            failed = True
        else:
            _warn(loaded.warnings)
            click.echo(f"{spec}: valid")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option("--strict/--no-strict", default=False, help="Refuse a spec with validation problems.")
@click.option("--dialect", type=DIALECTS, default="auto", help="How unions and enums are spelled.")
@ALLOW_REFS
def ir(spec: Path, strict: bool, dialect: str, ref_roots: tuple[Path, ...]) -> None:
    """Print the normalized intermediate representation of SPEC as JSON.

    The spec's schema problems are printed as warnings; its examples are not
    checked (`dixagen validate` does)."""
    try:
        loaded = read_api(spec, strict=strict, dialect=dialect, lint=False, ref_roots=ref_roots)  # type: ignore[arg-type]
    except SpecError as exc:
        _fail(exc.diagnostics)
    _warn(loaded.warnings)
    click.echo(ir_to_json(loaded.api), nl=False)


@main.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff when the output is stale.")
@click.option("--spec", type=click.Path(path_type=Path), help="Generate this one spec (with --out).")
@click.option("--out", type=click.Path(path_type=Path), help="Folder to write the package into (with --spec).")
@click.option("--package", "package_name", default=None, help="Import name of the package (with --spec).")
@click.option("--strict/--no-strict", default=None, help="Refuse specs with validation problems.")
@click.option("--dialect", type=DIALECTS, default="auto", help="How unions and enums are spelled.")
@click.option("--project", type=click.Path(path_type=Path, file_okay=False), default=".", help="Project folder.")
@ALLOW_REFS
def generate(
    check: bool,
    spec: Path | None,
    out: Path | None,
    package_name: str | None,
    strict: bool | None,
    dialect: str,
    project: Path,
    ref_roots: tuple[Path, ...],
) -> None:
    """Regenerate every package of the project, or one spec with --spec/--out."""
    if (spec is None) != (out is None):
        raise click.UsageError("--spec and --out go together")
    if package_name is not None and spec is None:
        raise click.UsageError("--package needs --spec and --out")
    project_file: tuple[Path, str] | None = None  # pyproject.toml beside a --spec package
    with Progress() as progress:

        def warn(diagnostics: list[Diagnostic]) -> None:
            with progress.above():
                _warn_folded(diagnostics)

        def inform(line: str) -> None:
            with progress.above():
                _inform(line)

        try:
            if spec is not None and out is not None:
                name = package_name or package_name_for(spec)
                problem = package_name_problem(name)
                if problem is not None:
                    raise click.UsageError(f"--package {terminal_safe(repr(name))} {problem}")
                recover(out / name)
                target = out / name
                if check:
                    files, pyproject = spec_files(
                        spec, name, strict=bool(strict), dialect=dialect, warn=warn, inform=inform,
                        ref_roots=ref_roots, progress=progress.stage,
                    )
                else:  # written as it is rendered: Microsoft Graph's package is never all in memory
                    try:
                        written, pyproject = write_spec(
                            spec, name, target, strict=bool(strict), dialect=dialect, warn=warn, inform=inform,
                            ref_roots=ref_roots, progress=progress.stage,
                            check_path=lambda relative: _check_file_name(relative, str(spec)),
                        )
                    except OSError as exc:
                        with progress.above():
                            _fail([Diagnostic(f"cannot write the output: {exc.strerror}", str(exc.filename or target))])
                project_file = (out / "pyproject.toml", pyproject)
            else:
                config = _config(project)
                recover(config.out)  # a swap a killed run left half done, before the previous release is read
                target, files = project_files(
                    config, strict=strict, dialect=dialect, warn=warn, inform=inform, ref_roots=ref_roots,
                    progress=progress.stage,
                )
        except SpecError as exc:
            with progress.above():
                _fail(exc.diagnostics)
        except ConfigError as exc:  # the project's own files (a table of effects): a usage error
            raise click.UsageError(str(exc)) from None
        if spec is None or check:
            _check_file_names(files, str(spec or project))
        if not check and spec is None:
            progress.stage(f"writing {len(files)} files")
            try:
                write_tree(target, files)
            except OSError as exc:
                with progress.above():
                    _fail([Diagnostic(f"cannot write the output: {exc.strerror}", str(exc.filename or target))])
    if check:
        difference = diff_tree(target, files, target.name)
        if project_file and read_if_present(project_file[0]) != project_file[1]:
            difference += f"{project_file[0]} differs\n"
        if difference:
            click.echo(difference, nl=False)
            click.echo(f"{target} is stale: run `make generate` and commit the result", err=True)
            sys.exit(1)
        click.echo(f"{target} is up to date")
        return
    try:
        if project_file:
            _write_pyproject(*project_file)
    except OSError as exc:
        _fail([Diagnostic(f"cannot write the output: {exc.strerror}", str(exc.filename or target))])
    click.echo(f"wrote {written if spec is not None else len(files)} files to {target}")


def _check_file_names(files: dict[str, str], source: str) -> None:
    """Refuse, before writing anything, a file or folder name too long for the
    file system (a module named after a very long schema name)."""
    for relative in files:
        _check_file_name(relative, source)


def _check_file_name(relative: str, source: str) -> None:
    for part in relative.split("/"):
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > MAX_FILE_NAME_BYTES:
            _fail([Diagnostic(
                f"a generated file would be named {part[:40]}... ({size} bytes, more than {MAX_FILE_NAME_BYTES}; "
                "limit MAX_FILE_NAME_BYTES): shorten the name in the spec it comes from",
                source,
            )])


def _config(project: Path) -> ProjectConfig:
    """The project's configuration; a problem with it is a usage error (exit 2)."""
    try:
        return load_config(project.resolve())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _accepted_spellings(project: Path) -> dict[str, str] | None:
    """The spellings the project in `project` accepts, if it is one."""
    try:
        return load_config(project.resolve()).accepted_spellings
    except ConfigError:
        return None


def _inform(line: str) -> None:
    click.echo(terminal_safe(line), err=True)


def _write_pyproject(path: Path, text: str) -> None:
    """Write the --spec package's pyproject.toml, unless the folder has one of its own."""
    existing = read_if_present(path)
    if existing is not None and not existing.startswith("# Generated by dixagen"):
        click.echo(f"{path}: not dixagen's, left as it is", err=True)
        return
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


from .diff.command import diff_command  # noqa: E402  (registered last: it reads this module's helpers)

main.add_command(diff_command)

from .serve import serve  # noqa: E402

main.add_command(serve)


def run() -> None:
    """Entry point that turns an unexpected failure into one line, not a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a generator bug: say so plainly
        if os.environ.get("DIXAGEN_DEBUG"):
            raise
        click.echo(f"dixagen: internal error: {type(exc).__name__}: {exc} (DIXAGEN_DEBUG=1 shows details)", err=True)
        sys.exit(70)


if __name__ == "__main__":
    run()
