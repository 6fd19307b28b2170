"""Reading a spec to its normalized IR: load, validate, build, then the passes. Everything after reads the IR this returns.

Validation is the schema's (`validate`) and, where the spec is read to be
generated or validated, the lints (`lints`), which check the examples against
the spec as the wire speaks it and mark those the stub cannot answer. Reading
for the diff or the release version skips both."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from ..diagnostics import Diagnostic, SpecError
from ..ir.build import build_api
from ..ir.model import Api, Body, Response
from ..ir.passes import examples, normalize
from .lints import lint as lint_api
from .load import Document, RefResolver, load_document
from .validate import check_fatal, validate_document
from .worker import worker_pool


@dataclass
class Loaded:
    api: Api
    warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # validation's own, as found (warnings holds them too)
    # The loaded document, while its lints are still to run (`read_api(lint="later")`).
    document: Document | None = None


def read_api(
    path: Path,
    *,
    strict: bool = True,
    validate: bool = True,
    dialect: Literal["auto", "tapir", "plain"] = "auto",
    lint: bool | Literal["later"] | None = None,
    accepted: Mapping[str, str] | None = None,
    ref_roots: tuple[Path, ...] = (),
    kept_names: Mapping[str, str] | None = None,
    known_types: frozenset[str] | None = None,
) -> Loaded:
    """Load, validate, build and normalize one spec.

    With `strict`, any validation problem is an error (SpecError); without it,
    problems that do not stop generation come back as warnings. The lints run
    with `lint` (by default, when validating), `accepted` spellings (format →
    pattern) making theirs information rather than warnings; with `"later"`,
    the document is kept on the `Loaded` for them to run later (`Reading`). A `$ref` reads
    files under the spec's folder and the `ref_roots`. `kept_names` are the
    class names the previous release shipped (`Api.kept_names`), which the
    naming pass keeps, and `known_types` the named types it had where the
    spec changed since (`Api.known_types`).
    """
    document = load_document(path)
    resolver = RefResolver(document, ref_roots)
    check_fatal(document, resolver)
    problems = validate_document(document, resolver) if validate else []
    if problems and strict:
        raise SpecError(problems)
    try:
        api = build_api(document, resolver)
        api.dialect = dialect
        api.document = document.data
        api.kept_names = dict(kept_names or {})
        api.known_types = known_types
        normalize(api)
        findings: list[Diagnostic] = []
        if lint == "later":
            return Loaded(api=api, warnings=_as_warnings(problems), problems=problems, document=document)
        if validate if lint is None else lint:
            lints = lint_api(api, document, accepted)
            examples.mark(lints.off_schema)
            findings = lints.warnings
    except SpecError:
        raise
    except Exception:
        # An invalid document can trip the build; its validation problems
        # say what is wrong better than the build's failure would.
        if problems:
            raise SpecError(problems) from None
        raise
    return Loaded(api=api, warnings=_as_warnings(problems) + findings, problems=problems)


def _as_warnings(problems: list[Diagnostic]) -> list[Diagnostic]:
    return [Diagnostic(p.message, p.file, p.pointer, p.line, "warning") for p in problems]


# The lints of a spec up to this size run beside the rendering, in a forked
# process (they are a sixth of GitHub's generation); a larger one is linted
# here, before it is rendered: a forked process touches, and so copies, much
# of the memory it shares (Microsoft Graph's IR and document are 600 MB).
LINT_BESIDE_BYTES = 8 * 1024 * 1024
# What a forked lint reads, by API name: set before the fork, inherited by the child.
_BESIDE: dict[str, tuple[Api, Document, Mapping[str, str] | None]] = {}

Found = tuple[list[Diagnostic], list[tuple[int, "str | int", str]]]


def _owners(api: Api) -> list[Response | Body]:
    """Every response and request body of `api`, in an order a forked process shares."""
    out: list[Response | Body] = []
    for op in api.operations:
        out.extend(op.responses)
        if op.body is not None:
            out.append(op.body)
    return out


def _lint(api: Api, document: Document, accepted: Mapping[str, str] | None) -> Found:
    """The lints' warnings, and the examples they found off schema, each by its
    owner's place in `_owners` (what crosses from a forked process)."""
    lints = lint_api(api, document, accepted)
    where = {id(owner): index for index, owner in enumerate(_owners(api))}
    return lints.warnings, [(where[id(owner)], key, reason) for owner, key, reason in lints.off_schema]


def _lint_forked(name: str) -> Found:
    return _lint(*_BESIDE[name])


def _small(path: Path) -> bool:
    try:
        return os.path.getsize(path) <= LINT_BESIDE_BYTES
    except OSError:
        return False


class Reading:
    """Several specs read together, each loaded, validated, built and
    normalized in turn (`read_api`); `apis` holds them. `kept_names` holds,
    per API, the class names its previous release shipped, and `known_types`
    the named types it had (see `read_api`).

    Validation runs here, on the document already loaded, before it is built:
    it costs a few percent of the build (2 s of Microsoft Graph's minute),
    while a worker beside the build would load and hold a second copy of the
    document (300 MB for Graph). With `strict`, the first spec with problems
    raises them (SpecError) before anything is built; without it, they are on
    its `Loaded` as warnings. `finish()` returns the specs; nothing may be
    written before. Used as a context manager, it reports a failure of what is
    done with the specs meanwhile (rendering an invalid document) as the
    validation problems that explain it, if any.

    The lints of specs up to `LINT_BESIDE_BYTES` run in one forked process
    while the specs are rendered: `settle()` (which rendering calls before the
    stub server, the one renderer that reads what they find) waits for them.
    """

    def __init__(
        self,
        paths: Mapping[str, Path],
        *,
        strict: bool = True,
        dialect: Literal["auto", "tapir", "plain"] = "auto",
        accepted: Mapping[str, str] | None = None,
        ref_roots: tuple[Path, ...] = (),
        kept_names: Mapping[str, Mapping[str, str]] | None = None,
        known_types: Mapping[str, frozenset[str] | None] | None = None,
    ) -> None:
        kept_names = kept_names or {}
        known_types = known_types or {}
        self.accepted = accepted
        self.apis: dict[str, Loaded] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._linting: dict[str, Future[Found]] = {}
        for name, path in paths.items():
            self.apis[name] = read_api(
                path, strict=strict, dialect=dialect, lint="later", accepted=accepted, ref_roots=ref_roots,
                kept_names=kept_names.get(name), known_types=known_types.get(name),
            )
        beside = [name for name, path in paths.items() if _small(path)]
        if "fork" not in multiprocessing.get_all_start_methods():
            beside = []
        for name in self.apis:
            if name not in beside:
                self._settle_one(name, self._guarded(name, partial(self._lint_here, name)))
        if beside:
            self._start(beside)

    def _start(self, names: list[str]) -> None:
        """Fork one process that lints the specs `names` while this one renders."""
        for name in names:
            loaded = self.apis[name]
            assert loaded.document is not None
            _BESIDE[name] = (loaded.api, loaded.document, self.accepted)
        gc.freeze()  # the child's collector then leaves the pages it shares alone
        try:
            self._pool = worker_pool()
            self._linting = {name: self._pool.submit(_lint_forked, name) for name in names}  # forks here
        finally:
            gc.unfreeze()

    def _lint_here(self, name: str) -> Found:
        loaded = self.apis[name]
        assert loaded.document is not None, "linted once"
        return _lint(loaded.api, loaded.document, self.accepted)

    def _guarded(self, name: str, lint: Callable[[], Found]) -> Found:
        """The lints of `name`; where they trip on an invalid document, its
        validation problems, which say what is wrong better."""
        try:
            return lint()
        except SpecError:
            raise
        except Exception:
            if self.apis[name].problems:
                raise SpecError(self.apis[name].problems) from None
            raise

    def _settle_one(self, name: str, found: Found) -> None:
        loaded = self.apis[name]
        warnings, off_schema = found
        owners = _owners(loaded.api)
        examples.mark((owners[index], key, reason) for index, key, reason in off_schema)
        loaded.warnings.extend(warnings)
        loaded.document = None

    def settle(self) -> None:
        """Wait for the lints running beside and put what they found on the IR
        (the examples the stub does not answer) and the warnings: before the
        stub server is rendered. A lint process that died is run again here."""
        try:
            for name, future in list(self._linting.items()):
                del self._linting[name]

                def result(future: Future[Found] = future, name: str = name) -> Found:
                    try:
                        return future.result()
                    except BrokenProcessPool:
                        return self._lint_here(name)

                self._settle_one(name, self._guarded(name, result))
        finally:
            if not self._linting:
                self.close()

    def finish(self) -> dict[str, Loaded]:
        self.settle()
        return self.apis

    def close(self) -> None:
        """Stop the lint process, waiting for it (a pool left to stop on its own
        races the interpreter's exit); lints still queued are cancelled."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for name in self.apis:
            _BESIDE.pop(name, None)

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        """A failure while the specs are used (rendering an invalid document)
        is reported as the validation problems that explain it, if any."""
        try:
            if isinstance(error, Exception) and not isinstance(error, SpecError):
                self._raise_problems_of(self.apis)
        finally:
            self.close()

    def _raise_problems_of(self, names: Iterable[str]) -> None:
        """Raise the validation problems of the first of `names` that has any."""
        for name in names:
            problems = self.apis[name].problems
            if problems:
                raise SpecError(problems) from None
