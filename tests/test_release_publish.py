"""`make release` against a real package index: pypiserver on 127.0.0.1, uploaded to with twine.

The release is then installed the way a user installs it, `pip install dixa-sdk==<version>
--index-url <index>` into a fresh virtual environment, and each API imported from there. A second
release of the same version is refused with a message saying what to do, and leaves the index as
it was.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A running pypiserver that accepts anonymous uploads: (its URL, its packages folder)."""
    packages = tmp_path / "packages"
    packages.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "pypi-server"), "run", "-i", "127.0.0.1", "-p", str(port), "-a", ".", "-P", ".", str(packages)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "simple/", timeout=5).close()
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "pypiserver did not start within 60 s"
                time.sleep(0.2)
        yield url, packages
    finally:
        server.terminate()
        server.wait(timeout=30)


def _release(url: str, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TWINE_REPOSITORY_URL": url, "TWINE_USERNAME": "dixa", "TWINE_PASSWORD": "release"}
    return subprocess.run(
        ["make", "--no-print-directory", "release", f"RELEASE_DIR={out}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_make_release_publishes_an_installable_distribution_once(index: tuple[str, Path], tmp_path: Path) -> None:
    url, packages = index
    project = tomllib.loads((ROOT / "generated" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]

    first = _release(url, tmp_path / "release")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    published = _contents(packages)
    assert sorted(published) == sorted([f"{name.replace('-', '_')}-{version}-py3-none-any.whl",
                                        f"{name.replace('-', '_')}-{version}.tar.gz"])

    env_dir = tmp_path / "user"
    venv.create(env_dir, with_pip=True)
    user = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    installed = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", f"{name}=={version}",
         "--index-url", url + "simple/"],
        cwd=tmp_path, env=user, capture_output=True, text=True, timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    imported = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c",
         "import dixa, dixa.v1, dixa.beta, dixa.integrations; from importlib.metadata import metadata; "
         "m = metadata('dixa-sdk'); print(dixa.__version__, dixa.v1.__file__, m['License-Expression'], "
         "m['Project-URL'].replace(' ', ''))"],
        cwd=tmp_path, env=user, capture_output=True, text=True, timeout=120,
    )
    assert imported.returncode == 0, imported.stderr[-3000:]
    found_version, where, licence, url = imported.stdout.split()
    assert found_version == version
    assert (licence, url) == ("MIT", "Documentation,https://docs.dixa.io/")  # [tool.dixagen] license and urls
    assert Path(where).is_relative_to(env_dir)

    again = _release(url, tmp_path / "again")
    assert again.returncode != 0
    assert f"the index refused {name} {version}" in again.stderr
    assert "raise version in [tool.dixagen]" in again.stderr
    assert _contents(packages) == published
