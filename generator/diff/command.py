"""`dixagen diff OLD NEW`: the command line of the semantic diff.

Exit status: 0, or 1 when `--fail-on` finds a change at that level or worse;
1 also for a spec that cannot be read (located message, as everywhere in
dixagen), 2 for a usage error.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from ..diagnostics import SpecError, terminal_safe
from ..ir.model import Api
from . import diff_apis
from .gitsource import Source, resolve
from .loading import read_both
from .model import Level, Report, SpecInfo
from .report import FORMATS


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
              help="text for a terminal, markdown for a pull-request comment, json for machines.")
@click.option("--fail-on", type=click.Choice(["ERR", "WARN"], case_sensitive=False), default=None,
              help="Exit 1 when a change at this level (or worse) is found.")
@click.option("--strip-prefix", "strip", multiple=True, metavar="PREFIX",
              help="Ignore this leading path segment when matching operations (repeatable: --strip-prefix /v1 "
                   "--strip-prefix /beta).")
def diff_command(old: str, new: str, output_format: str, fail_on: str | None, strip: tuple[str, ...]) -> None:
    """Compare two specs, each a path or REV:path (read from git), and report
    what the change does to the API's clients and to the generated Python package."""
    with ExitStack() as stack:
        sources: list[Source] = []
        try:
            sources = [resolve(argument, stack) for argument in (old, new)]
            old_api, new_api = read_both(sources[0].path, sources[1].path)
        except SpecError as exc:
            for diagnostic in exc.diagnostics:
                for source in sources:
                    diagnostic = source.relabel(diagnostic)
                click.echo(str(diagnostic), err=True)
            sys.exit(1)
    old_source, new_source = sources
    old_info, new_info = _info(old_source, old_api), _info(new_source, new_api)
    changes = diff_apis(
        old_api, new_api, old_package=old_info.package, new_package=new_info.package,
        strip=tuple(p if p.startswith("/") else "/" + p for p in strip),
    )
    report = Report(old=old_info, new=new_info, changes=changes)
    text = FORMATS[output_format](report)
    # Names and titles come from the specs: a terminal shows them, never obeys them.
    click.echo(terminal_safe(text, keep_lines=True) if output_format != "json" else text, nl=False)
    level: Level | None = None if fail_on is None else "ERR" if fail_on.upper() == "ERR" else "WARN"
    sys.exit(1 if report.fails(level) else 0)


def _info(source: Source, api: Api) -> SpecInfo:
    return SpecInfo(label=source.label, title=api.title, version=api.version, package=package_of(source.logical))


def package_of(spec: Path) -> str:
    """The import path the spec is generated to: `dixa_sdk.v1` for a spec of this
    project's `[tool.dixagen]`, else the name `generate --spec` would give it."""
    from ..config import ConfigError, load_config, package_name_for

    try:
        config = load_config(Path.cwd())
    except ConfigError:
        return package_name_for(spec)
    wanted = spec.resolve()
    for name, path in config.apis.items():
        if path.resolve() == wanted:
            return f"{config.package}.{name}"
    return package_name_for(spec)
