"""Which files a generated package consists of.

Two shapes:
- a *distribution*: one publishable project (pyproject, README, manifest) whose
  import package holds one subpackage per API and a shared runtime
  (`dixa_sdk.v1.models`, `dixa_sdk.beta.models`, `dixa_sdk._runtime`);
- a *single package* `NAME` for one spec (`NAME.models`, `NAME._runtime`),
  which is how users generate their own or a newer document.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

from .. import __version__
from ..ir.model import Api
from .code import Assign, display, import_from
from ..ir.passes.hoist import pascal
from .pytypes import string
from .common import ENV, TEMPLATES, Pieces, header, texts
from .models import render_models
from .client.auth import base_url_variable, brand
from .client.resources import client_files, credential_arguments, key_variable
from .server import fixture_prefix, server_parts
from .webhooks import webhook_files


def _error_names() -> list[str]:
    """The exception classes of the runtime (its `__all__`), re-exported by the root package."""
    tree = ast.parse((TEMPLATES / "runtime" / "errors.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return sorted(ast.literal_eval(node.value))
    raise RuntimeError("templates/runtime/errors.py has no __all__")


# What the generated distribution records about itself (version, specs), read back by `release`.
MANIFEST = "MANIFEST.json"


def spec_copy_name(source: str) -> str:
    """The file name of the copy of a spec inside its API's subpackage."""
    return "openapi.json" if source.lower().endswith(".json") else "openapi.yaml"


def own_error_name(package: str) -> str:
    """The root package's name for the runtime's `APIError`, after the API's
    brand: `dixa_sdk` → `DixaError`."""
    return pascal(brand(package)) + "Error"


RUNTIME_DOC = '"""Support code shared by the generated modules; written once, not per spec."""\n'


@dataclass
class ApiPackage:
    name: str  # subpackage, e.g. "v1"
    api: Api
    spec_path: str  # as given in the configuration, for headers and the manifest
    spec_text: str  # shipped beside the code, and read back by the next release


def runtime_files(prefix: str) -> dict[str, str]:
    """The static runtime (`templates/runtime/**/*.py`, its sub-packages too, in
    path order), copied with the header. These files are kept in black's format
    (a test checks it), so they are not formatted again: see `static_paths`."""
    root = TEMPLATES / "runtime"
    files = {f"{prefix}/_runtime/__init__.py": header("dixagen's runtime") + "\n" + RUNTIME_DOC}
    for path in sorted(root.rglob("*.py"), key=lambda path: path.relative_to(root).parts):
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(root).as_posix()
        files[f"{prefix}/_runtime/{relative}"] = header("dixagen's runtime") + "\n" + text
    return files


def static_paths(files: dict[str, str], package: str) -> set[str]:
    """The files of `files` copied from the static runtime of `package`."""
    return {path for path in files if path.startswith(f"{package}/_runtime/")}


def models_files(prefix: str, api: Api, runtime: str) -> dict[str, str]:
    return render_models(api, prefix, runtime)


# Each renderer writes its part of one API's subpackage: (prefix, api, runtime
# package) -> {path: text}. `runtime` is the import path of `_runtime`. A text
# may come in `Pieces` (the stub's JSON documents), joined where texts are held.
Renderer = Callable[[str, Api, str], Mapping[str, "str | Pieces"]]
API_RENDERERS: list[Renderer] = [models_files, client_files, server_parts, webhook_files]


_RENDERING: dict[Renderer, str] = {models_files: "models", client_files: "client", server_parts: "stub server"}


def api_files(
    prefix: str,
    api: Api,
    runtime: str,
    progress: Callable[[str], None] = lambda _: None,
    settled: Callable[[], None] = lambda: None,
) -> dict[str, str]:
    files: dict[str, str] = {}
    for part in api_parts(prefix, api, runtime, progress, settled):
        files.update(texts(part))
    return files


def api_parts(
    prefix: str,
    api: Api,
    runtime: str,
    progress: Callable[[str], None] = lambda _: None,
    settled: Callable[[], None] = lambda: None,
) -> Iterator[dict[str, str | Pieces]]:
    """The files of `api_files`, a renderer's at a time. `settled` is called
    before the stub server is rendered: it reads what validation's lints found
    (`Response.off_schema`), which may still be under way beside the rendering."""
    yield {
        f"{prefix}/__init__.py": ENV.get_template("package/api_init.py.jinja").render(
            header=header(api.source), api=api, package=prefix.replace("/", ".")
        ),
    }
    for renderer in API_RENDERERS:
        if renderer is server_parts:
            settled()
        progress(f"rendering the {_RENDERING.get(renderer, 'package')} of {prefix.replace('/', '.')}")
        yield dict(renderer(prefix, api, runtime))


def pytest_plugin(package: str, apis: list[tuple[str, str]], source: str) -> str:
    """`<package>/pytest_plugin.py`, the fixtures of each API's stub and clients
    (`apis`: the subpackage's name, "" for a single package, and the prefix of
    its fixtures' names). The pyproject registers it as a `pytest11` entry point."""
    entries = [
        dict(
            module=f"{package}.{name}" if name else package,
            relative=f".{name}",
            fixture=fixture,
            alias=f"_{fixture}",
        )
        for name, fixture in apis
    ]
    return ENV.get_template("package/pytest_plugin.py.jinja").render(
        header=header(source), package=package, apis=entries
    )


def single_package(
    package: str,
    api: Api,
    progress: Callable[[str], None] = lambda _: None,
    settled: Callable[[], None] = lambda: None,
) -> dict[str, str]:
    files: dict[str, str] = {}
    for part in single_package_parts(package, api, progress, settled):
        files.update(texts(part))
    return files


def single_package_parts(
    package: str,
    api: Api,
    progress: Callable[[str], None] = lambda _: None,
    settled: Callable[[], None] = lambda: None,
) -> Iterator[dict[str, str | Pieces]]:
    """The files of `single_package`, a renderer's at a time: written out as
    they come, only one renderer's texts are held at once (Microsoft Graph's
    package is a quarter of a gigabyte of text)."""
    yield dict(runtime_files(package))
    yield from api_parts(package, api, f"{package}._runtime", progress, settled)
    yield {
        f"{package}/pytest_plugin.py": pytest_plugin(package, [("", fixture_prefix(package))], api.source),
        f"{package}/py.typed": "",
    }


def single_pyproject(package: str, api: Api, source: str) -> str:
    """pyproject.toml beside a `generate --spec` package, so that `pip install DIR`
    or `python -m build DIR` makes it a wheel. The spec's `info.version` is the
    version when it is a release number (`2.1.0`), else 0.1.0 (`v1`, `beta`)."""
    version = api.version if re.fullmatch(r"\d+(\.\d+){0,2}", api.version or "") else "0.1.0"
    return ENV.get_template("package/pyproject.toml.jinja").render(
        header=header(source),
        distribution=package.replace("_", "-"),
        package=package,
        version=version,
        description=" ".join((api.title or package).split()),
        license="",
        readme=False,
        urls=[],
        data=["py.typed", "server_operations.json", "server_openapi.json", "server_effects.json"],
    )


def distribution(
    *,
    package: str,
    apis: list[ApiPackage],
    progress: Callable[[str], None] = lambda _: None,
    settled: Callable[[], None] = lambda: None,
) -> dict[str, str]:
    """Every file of the project's distribution that does not name its version:
    the runtime, each API's subpackage and its spec's copy. `stamp` adds the rest
    once the version is known (it depends on what these files change)."""
    files = runtime_files(package)
    for entry in apis:
        files.update(api_files(f"{package}/{entry.name}", entry.api, f"{package}._runtime", progress, settled))
        files[f"{package}/{entry.name}/{spec_copy_name(entry.spec_path)}"] = entry.spec_text
    files[f"{package}/pytest_plugin.py"] = pytest_plugin(
        package,
        [(entry.name, fixture_prefix(f"{package}/{entry.name}")) for entry in apis],
        "the specs in specs/",
    )
    files[f"{package}/py.typed"] = ""
    return files


def stamp(
    *,
    distribution: str,
    package: str,
    version: str,
    description: str,
    apis: list[ApiPackage],
    license: str = "MIT",
    urls: dict[str, str] | None = None,
) -> dict[str, str]:
    """The files that name the distribution's version: the root package, pyproject.toml,
    the README and the manifest."""
    files: dict[str, str] = {}
    named = [(a.name, a.api) for a in apis]
    errors = _error_names()
    alias = own_error_name(package)
    files[f"{package}/__init__.py"] = ENV.get_template("package/root_init.py.jinja").render(
        header=header("the specs in specs/"),
        description=description,
        apis=named,
        package=package,
        version=version,
        alias=alias if alias not in errors else None,
        exports=Assign("__all__", display("[", [string(name) for name in ["__version__", *sorted({*errors, alias})]])),
        errors_import=import_from("._runtime.errors", errors),
    )
    common = dict(
        distribution=distribution, package=package, version=version, description=description, apis=named
    )
    credentials = {entry.name: credential_arguments(f"{package}/{entry.name}", entry.api) for entry in apis}
    files["pyproject.toml"] = ENV.get_template("package/pyproject.toml.jinja").render(
        header=header("the specs in specs/"),
        license=license,
        readme=True,
        urls=sorted((urls or {}).items()),
        data=["py.typed", "*/openapi.yaml", "*/openapi.json", "*/server_operations.json", "*/server_openapi.json", "*/server_effects.json"],
        **common,
    )
    files["README.md"] = ENV.get_template("package/README.md.jinja").render(
        header_text=header("the specs in specs/").lstrip("# "),
        credentials=credentials,
        key_variable=key_variable(package),
        fixtures={entry.name: fixture_prefix(f"{package}/{entry.name}") for entry in apis},
        base_url_variable=base_url_variable(package),
        error_base=alias,
        webhooks=[(a.name, a.api.webhook_signature is not None) for a in apis if a.api.webhooks],
        tapir=any(a.api.dialect == "tapir" for a in apis),
        # The first list method of the first API, to show the page it returns.
        list_method=next(
            (
                f"{op.resource}.{op.py_name}"
                for op in apis[0].api.operations
                if op.paging is not None and op.paging.items is not None
            ),
            "",
        ) if apis else "",
        **common,
    )
    manifest = {
        "generator": "dixagen",
        "generator_version": __version__,
        "distribution": distribution,
        "package": package,
        "version": version,
        "apis": {
            a.name: {
                "spec": a.spec_path,
                "sha256": a.api.spec_sha256,
                "title": a.api.title,
                "version": a.api.version,
                "operations": len(a.api.operations),
                "schemas": sum(1 for t in a.api.types.values() if t.component),
                # What the next release reads back to keep every class its name.
                **({"names": dict(sorted(a.api.kept_names.items()))} if a.api.kept_names else {}),
            }
            for a in apis
        },
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    return files
