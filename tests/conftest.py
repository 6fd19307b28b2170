"""Shared fixtures: the repository, the shared reference data, and generated packages."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .generated_packages import generated_packages

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UPSTREAM_BETA = SHARED / "upstream" / "dixa-api-beta.yaml"
SPECS = {
    "v1": ROOT / "specs" / "dixa-v1.yaml",
    "beta": ROOT / "specs" / "dixa-beta.yaml",
    "integrations": ROOT / "specs" / "integrations-v1.yaml",
}


# The committed generated/ tree is importable as `dixa_sdk` in every test.
if str(ROOT / "generated") not in sys.path:
    sys.path.insert(0, str(ROOT / "generated"))


def need_shared(path: Path) -> Path:
    """Skip (with the reason) where the shared reference data is absent, as in a user's own clone."""
    if not path.exists():
        pytest.skip(f"{path} is not present (reference data that lives beside the repository)")
    return path


@pytest.fixture(scope="session")
def generated_package() -> object:
    """The committed `generated/` tree, importable as `dixa_sdk`."""
    path = str(ROOT / "generated")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("dixa_sdk")


@pytest.fixture(scope="session")
def spec_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """`spec_package(name, spec_text, strict=False)`: the spec generated as package
    `name` and its client imported, once per test session (per worker): the
    modules that share a small spec share the package, and a name asked for
    again with another spec is a mistake in the tests."""
    made: dict[str, tuple[str, bool, ModuleType]] = {}
    with generated_packages(tmp_path_factory.mktemp("spec-packages")) as load:

        def package(name: str, text: str, *, strict: bool = False) -> ModuleType:
            if name in made:
                assert made[name][:2] == (text, strict), f"package {name!r} was generated from another spec"
                return made[name][2]
            made[name] = (text, strict, load(name, text, strict=strict))
            return made[name][2]

        yield package


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache per test process (each xdist worker has its own base folder):
    the standard library, pydantic, httpx2 and FastAPI are analysed once, not by
    each of the suite's mypy runs. mypy checks a cached module against its source,
    so a package generated anew under a name seen before is checked anew."""
    return tmp_path_factory.getbasetemp() / "mypy-cache"


# Figures tests want shown at the end of the run (counts of examples checked, ...).
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter: object) -> None:  # pragma: no cover - output only
    if REPORT:
        terminalreporter.write_sep("-", "figures")  # type: ignore[attr-defined]
        for line in sorted(REPORT):
            terminalreporter.write_line(line)  # type: ignore[attr-defined]


# -- layers ------------------------------------------------------------------------------------
# The integration layer: tests that start servers (Prism, uvicorn, pypiserver, a misbehaving HTTP
# server), build wheels into fresh virtual environments, or read the real-world directory that
# `make test` installs with npm. `make test-fast` leaves them out (`-m "not integration"`).
INTEGRATION_MODULES = {
    "test_bounds.py",
    "test_client_faults.py",
    "test_client_prism.py",
    "test_install.py",
    "test_mock_calls.py",
    "test_readme.py",
    "test_realworld.py",
    "test_release_publish.py",
    "test_server.py",
    "test_server_conformance.py",
    "test_stub_webhooks.py",
    "test_testing_wheel.py",
}
# Single tests of otherwise fast modules that read the real-world directory, build wheels or run pyright.
INTEGRATION_TESTS = (
    "test_diff.py::test_markdown_of_a_real_release_fits",
    "test_paging_styles.py::test_real_specs_get_their_paging_style",
    "test_paging_styles.py::test_real_clients_page_through_every_item_once",
    # Serves the stub with uvicorn on a socket, to time a stream's items.
    "test_server_streams.py::test_the_first_item_arrives_before_the_last_is_sent",
    # The verdict table's edits of Dixa's own specs (each reads, renders and diffs a whole spec);
    # its edits of the small APIs stay in the fast layer.
    "test_verdict.py::test_the_diff_level_and_the_version_bump_agree[v1:",
    "test_verdict.py::test_the_diff_level_and_the_version_bump_agree[beta:",
    "test_verdict.py::test_the_diff_level_and_the_version_bump_agree[integrations:",
    # Building the distribution's sdist and wheel and installing it; generating Dixa's whole
    # published beta document into a package of its own.
    "test_package.py::test_wheel_builds_with_every_api",
    "test_package.py::test_upstream_beta_generates_and_imports",
    # pyright runs on Node (the pip package fetches it on first use).
    "test_dict_bodies.py::test_type_checkers_read_dict_bodies_by_their_keys",
    "test_dict_bodies.py::test_a_spec_body_with_keys_that_are_no_names_is_typed_and_sent_as_given",
    "test_union_bases.py::test_user_code_reads_the_shared_fields_of_any_conversation",
    "test_union_bases.py::test_a_spec_union_gets_a_base_with_the_fields_its_variants_share",
    "test_union_bases.py::test_mypy_and_pyright_refuse_a_field_not_every_variant_has",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: starts servers, uses Node or builds fresh environments")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.name
        if module in INTEGRATION_MODULES or any(test in item.nodeid for test in INTEGRATION_TESTS):
            item.add_marker(pytest.mark.integration)
