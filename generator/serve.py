"""`dixagen serve API`: run the generated stub server of one API of the project.

The stub is the `server` module of the generated package (`dixa_sdk.v1.server`),
imported from the project's output folder, so what is served is exactly what
users get with `pip install "<dist>[server]"` and `python -m dixa_sdk.v1.server`.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from .config import ConfigError, load_config


@click.command()
@click.argument("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--stateful", is_flag=True, help="Keep created items in memory (create, read, list, update, delete).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of synthesized values and ids.")
@click.option("--log-level", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--project", type=click.Path(path_type=Path, file_okay=False), default=".", help="Project folder.")
def serve(api: str, host: str, port: int, stateful: bool, seed: int, log_level: str, project: Path) -> None:
    """Serve the stub server of API (a name of [tool.dixagen.apis], e.g. v1)."""
    try:
        config = load_config(project.resolve())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if api not in config.apis:
        raise click.UsageError(f"no API {api!r} in the project; known: {', '.join(sorted(config.apis))}")
    sys.path.insert(0, str(config.out))
    try:
        module = importlib.import_module(f"{config.package}.{api}.server")
        runtime = importlib.import_module(f"{config.package}._runtime.server")
    except ImportError as exc:
        raise click.ClickException(
            f"cannot import the stub of {api!r} from {config.out}: {exc} "
            "(run `dixagen generate`; the stub needs fastapi and uvicorn)"
        ) from None
    click.echo(f"serving the {api} stub on http://{host}:{port}{' (stateful)' if stateful else ''}", err=True)
    runtime.run(module.create_app(stateful=stateful, seed=seed), host=host, port=port, log_level=log_level)
