"""The stub server: a FastAPI app built from an API's operation table.

Each generated `server` module hands its table (`stub/table.py`'s
`Operation`s) to `StubApp`; nothing in the stub is specific to one spec. This
module is its public face, what generated modules and users import; the
stub itself is the `stub` package, one concern per module (`stub/__init__.py`
lists them). Needs the `server` extra (FastAPI, uvicorn,
openapi-schema-validator): importing this module without it says what to
install.
"""

from __future__ import annotations

import logging
from typing import Callable, Sequence


def _server_extra(missing: str | None) -> str:
    """What to install when the `server` extra's modules are missing."""
    from importlib.metadata import packages_distributions

    distributions = packages_distributions().get(__name__.partition(".")[0], [])
    install = (
        f'pip install "{distributions[0]}[server]"'
        if distributions
        else "pip install fastapi uvicorn openapi-schema-validator"
    )
    return (
        "the stub server needs the server extra (FastAPI, uvicorn, openapi-schema-validator): "
        f"{install} (no module named {missing!r})"
    )


try:
    from .stub.app import STREAM_DELAY, StubApp
    from .stub.base import Handler, StubRequest
    from .stub.deliveries import Sender
    from .stub.table import load_webhook_table
    from .stub.wire import WireSchemas, load_wire_schemas
except ModuleNotFoundError as exc:
    raise ModuleNotFoundError(_server_extra(exc.name), name=exc.name) from None

__all__ = [
    "Handler",
    "Sender",
    "StubApp",
    "StubRequest",
    "WireSchemas",
    "load_webhook_table",
    "load_wire_schemas",
    "serve_main",
]


def serve_main(
    create_app: Callable[..., StubApp], argv: Sequence[str] | None = None, *, prog: str
) -> None:
    """`python -m <package>.server`: serve the stub with uvicorn."""
    import argparse  # here: an app built in a test parses no command line

    parser = argparse.ArgumentParser(prog=prog, description="Serve the stub of the API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--stateful", action="store_true", help="keep created items in memory")
    parser.add_argument("--seed", type=int, default=0, help="seed of synthesized values and ids")
    parser.add_argument(
        "--stream-delay",
        type=float,
        default=STREAM_DELAY,
        help="seconds between two items of a streamed answer",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    args = parser.parse_args(argv)
    # The app says at start-up what stateful mode keeps; uvicorn sets up its
    # own logging only once it runs, so until then the root logger prints it.
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s:     %(message)s")
    app = create_app(stateful=args.stateful, seed=args.seed, stream_delay=args.stream_delay)
    run(app, host=args.host, port=args.port, log_level=args.log_level)


def run(app: StubApp, *, host: str, port: int, log_level: str = "info") -> None:
    """Serve with uvicorn; requests are logged at the `info` level and below."""
    try:
        import uvicorn
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(_server_extra(exc.name), name=exc.name) from None

    access_log = log_level in ("debug", "info")
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=access_log)
