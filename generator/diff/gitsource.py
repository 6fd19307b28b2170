"""Specs given as `REV:path`: the file as it is in a git revision.

The revision's copy of the spec's folder is written to a temporary folder, so
that relative `$ref`s to sibling files resolve to the same revision. `path`
follows git's rule: relative to the top of the repository, or to the current
folder when it starts with `./` or `../`.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import click

from ..diagnostics import Diagnostic, SpecError, terminal_safe


@dataclass(frozen=True)
class Source:
    """Where to read a spec (`path`) and what it stands for: `logical` is the
    file in the working tree (it names the spec's package), `label` what the
    user typed; a revision's copy lives under `root`."""

    path: Path
    logical: Path
    label: str
    revision: str | None = None
    root: Path | None = None

    def relabel(self, diagnostic: Diagnostic) -> Diagnostic:
        """Report problems of a revision's copy against `REV:path`, not the temporary file."""
        if self.root is None or not diagnostic.file:
            return diagnostic
        try:
            inside = Path(diagnostic.file).relative_to(self.root).as_posix()
        except ValueError:
            return diagnostic
        return replace(diagnostic, file=f"{self.revision}:{inside}")


def resolve(argument: str, stack: ExitStack) -> Source:
    """A path as it is, or `REV:path` read from git (an existing file wins)."""
    path = Path(argument)
    if path.exists() or ":" not in argument:
        return Source(path=path, logical=path, label=argument)
    revision, _, name = argument.partition(":")
    if not revision or not name:
        raise SpecError([Diagnostic("expected a path or REV:path", argument)])
    if revision.startswith("-"):
        # git would read it as an option (`--output=FILE` writes a file).
        raise click.BadParameter(f"{terminal_safe(repr(revision))} is not a revision: it starts with '-'")
    top = Path(_git(argument, "rev-parse", "--show-toplevel").decode().strip())
    prefix = _git(argument, "rev-parse", "--show-prefix").decode().strip()
    in_repo = PurePosixPath(name) if not name.startswith(("./", "../")) else _normalise(PurePosixPath(prefix) / name)
    blob = _git(argument, "show", "--end-of-options", f"{revision}:{in_repo}")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dixagen-diff-")))
    if str(in_repo.parent) != ".":
        # (git archive reads a `--` after --end-of-options as a path: the folder follows the revision alone)
        archive = _git(argument, "archive", "--format=tar", "--end-of-options", revision, str(in_repo.parent))
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    target = folder / in_repo
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(blob)
    return Source(path=target, logical=top / in_repo, label=argument, revision=revision, root=folder)


def _normalise(path: PurePosixPath) -> PurePosixPath:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                raise SpecError([Diagnostic("path leaves the repository", str(path))])
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)


def _git(argument: str, *args: str) -> bytes:
    """Run git; user input in `args` comes after `--end-of-options` (or `--`),
    where git never reads it as an option."""
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise SpecError([Diagnostic("cannot read a git revision: git is not installed", argument)]) from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines() or [f"git {args[0]} failed"]
        raise SpecError([Diagnostic(message[0].removeprefix("fatal: "), argument)])
    return done.stdout
