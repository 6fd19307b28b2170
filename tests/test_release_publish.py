"""`make release` against a real package index: pypiserver on 127.0.0.1, uploaded to with twine.

The release is then installed the way a user installs it, `pip install dixa-sdk==<version>
--index-url <index>` into a fresh virtual environment, and each API imported from there. A second
release of the same version is refused with a message saying what to do, and leaves the index as
it was. The other ways an upload fails are told apart, each with its message and exit status:
credentials the index refuses, and an index that cannot be reached (a closed port).
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


USER, PASSWORD = "dixa_sdk", "release"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A running pypiserver that takes uploads from USER with PASSWORD: (its URL, its packages folder)."""
    from passlib.apache import HtpasswdFile

    packages = tmp_path / "packages"
    packages.mkdir()
    passwords = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    passwords.set_password(USER, PASSWORD)
    passwords.save()
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "pypi-server"), "run", "-i", "127.0.0.1", "-p", str(port), "-a", "update",
         "-P", str(tmp_path / "htpasswd"), str(packages)],
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


def _release(url: str, out: Path, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TWINE_REPOSITORY_URL": url, "TWINE_USERNAME": USER, "TWINE_PASSWORD": password}
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
         "import dixa_sdk, dixa_sdk.v1, dixa_sdk.beta, dixa_sdk.integrations; from importlib.metadata import metadata; "
         "m = metadata('dixa-sdk'); print(dixa_sdk.__version__, dixa_sdk.v1.__file__, m['License-Expression'], "
         "m['Project-URL'].replace(' ', ''))"],
        cwd=tmp_path, env=user, capture_output=True, text=True, timeout=120,
    )
    assert imported.returncode == 0, imported.stderr[-3000:]
    found_version, where, licence, project_url = imported.stdout.split()
    assert found_version == version
    assert (licence, project_url) == ("MIT", "Documentation,https://docs.dixa.io/")  # [tool.dixagen] license and urls
    assert Path(where).is_relative_to(env_dir)

    again = _release(url, tmp_path / "again")
    assert again.returncode != 0
    assert f"already holds {name} {version} and refused it again" in again.stderr, again.stderr[-3000:]
    assert "raise version in [tool.dixagen]" in again.stderr
    assert "Error 3" in again.stderr  # the upload's own exit status, as make reports it
    assert _contents(packages) == published


def test_make_release_tells_an_unreachable_index_and_refused_credentials_apart(
    index: tuple[str, Path], tmp_path: Path
) -> None:
    """Neither is a refusal of the version: each says what happened and what to do."""
    url, packages = index
    closed = f"http://127.0.0.1:{_free_port()}/"  # nothing listens there any more
    unreachable = _release(closed, tmp_path / "release")
    assert unreachable.returncode != 0
    assert f"could not connect to {closed}" in unreachable.stderr, unreachable.stderr[-3000:]
    assert "nothing was refused" in unreachable.stderr and "Connection refused" in unreachable.stderr
    assert "raise version" not in unreachable.stderr and "Error 4" in unreachable.stderr

    # The same distribution, built above, to the running index with a wrong password.
    dists = sorted(str(p) for p in (tmp_path / "release").iterdir() if p.name.endswith((".whl", ".tar.gz")))
    env = {**os.environ, "TWINE_REPOSITORY_URL": url, "TWINE_USERNAME": USER, "TWINE_PASSWORD": "wrong"}
    refused = subprocess.run(
        [sys.executable, "-m", "generator.release.publish", *dists],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert refused.returncode == 5, refused.stderr[-3000:]
    assert "refused the credentials (HTTP 403)" in refused.stderr and "raise version" not in refused.stderr
    assert _contents(packages) == {}
