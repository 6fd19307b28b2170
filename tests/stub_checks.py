"""schemathesis against the generated stub server of directory specs.

For a spec of the sample (`mock_calls.sample`), the package is generated into
a temporary folder, its stub is served by uvicorn in a process of its own, and
schemathesis's command line runs every check (`--checks all`) over the
document the stub serves by (`server_openapi.json`, see `generator/wire.py`),
seeded and bounded (`MAX_EXAMPLES` per operation and phase, `MAX_SECONDS` in
all). A server error (`not_a_server_error`) is a fault of the stub; the other
checks' failures are reported with their operations, and those the stub
answers by design are named in `BY_DESIGN` with the reason.

    python -m tests.stub_checks [--specs slack.com.json ...] [--report PATH]

is also run by `python -m tests.mock_calls --schemathesis N`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .mock_calls import DIRECTORY, ROOT, sample
from .processes import free_port, not_listening, stop

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 5
MAX_SECONDS = 90
PHASES = "examples,coverage,fuzzing,stateful"
PACKAGE = "stubpkg"
# schemathesis's codes of a server error: `not_a_server_error`, and one for an undeclared media type.
SERVER_ERRORS = ("ST101", "ST102")

# Failures the stub gives by design (the stub server section of generated/README.md), by code, with the reason.
BY_DESIGN = {
    "ST401": "ignored_auth: the stub takes any non-empty credential, it cannot know the real keys",
    "ST301": "use_after_free: the plain stub keeps no state, a deleted item is still answered",
    "ST302": "ensure_resource_availability: the plain stub keeps no state, a created item is not stored",
}


@dataclass
class StubReport:
    spec: str
    operations: int = 0
    tested: int = 0
    server_errors: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)  # check -> "title: operation"
    by_design: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # schemathesis could not test an operation
    tracebacks: int = 0  # in the stub's log
    error: str = ""
    seconds: float = 0.0


def generate(relative: str, work: Path) -> Any:
    """The package of `relative` written under `work` as PACKAGE; returns the API."""
    from generator.rendering.package import single_package
    from generator.reading.read import read_api

    api = read_api(DIRECTORY / relative, strict=False).api
    for name, text in single_package(PACKAGE, api).items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return api


@contextmanager
def served(work: Path, log: Path, package: str = PACKAGE) -> Iterator[str]:
    """The stub of the package under `work`, under uvicorn; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(work)}
    command = [sys.executable, "-m", f"{package}.server", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=work)
        try:
            why = not_listening(process, port, timeout=120)
            if why is not None:
                raise RuntimeError(f"the stub did not start ({why}): {log.read_text()[-2000:]}")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process)


def credentials(api: Any) -> list[str]:
    """`--header` options giving each header credential the spec's schemes name."""
    headers = {"Authorization": "Bearer stub-key"}
    for scheme in api.security_schemes:
        if scheme.type == "apiKey" and scheme.location == "header" and scheme.parameter_name:
            headers[scheme.parameter_name] = "stub-key"
    return [option for name, value in headers.items() for option in ("--header", f"{name}: {value}")]


def check_one(
    relative: str, *, max_examples: int = MAX_EXAMPLES, max_seconds: int = MAX_SECONDS, phases: str = PHASES
) -> StubReport:
    started = time.monotonic()
    report = StubReport(relative)
    work = Path(tempfile.mkdtemp(prefix="stub-checks-"))
    try:
        api = generate(relative, work)
        report.operations = len(api.operations)
        document = work / PACKAGE / "server_openapi.json"
        if not document.exists():
            report.error = "no wire document (the spec refers to other files): nothing for schemathesis to read"
            return report
        result_path = work / "report.json"
        with served(work, work / "stub.log") as url:
            run = subprocess.run(
                [str(SCHEMATHESIS), "--no-color", "run", str(document), "--url", url, "--checks", "all",
                 *credentials(api), "--max-examples", str(max_examples), "--seed", "1",
                 "--max-time", str(max_seconds), "--request-timeout", "30", "--phases", phases,
                 "--report", "json", "--report-json-path", str(result_path)],
                capture_output=True, text=True, cwd=work, timeout=max_seconds * 3 + 120,
            )
        if not result_path.exists():
            report.error = f"schemathesis wrote no report: {run.stdout[-1500:]}{run.stderr[-1500:]}"
            return report
        result = json.loads(result_path.read_text())
        report.tested = int(result.get("operations", {}).get("tested", 0))
        report.errors = [json.dumps(e)[:300] for e in result.get("errors", [])]
        for failure in result.get("failures", []):
            name = str(failure.get("code"))
            for operation in failure.get("operations", []):
                entry = f"{failure.get('title', '')}: {operation}"
                if name in SERVER_ERRORS:
                    report.server_errors.append(entry)
                elif name in BY_DESIGN:
                    report.by_design[name] = report.by_design.get(name, 0) + 1
                else:
                    report.failures.setdefault(name, []).append(entry)
        log = (work / "stub.log").read_text(errors="replace")
        report.tracebacks = log.count("Traceback")
        if report.tracebacks:
            block = log[log.index("Traceback") :].split("\n\n")[0].splitlines()
            ends = [i for i, line in enumerate(block) if line and not line.startswith((" ", "Traceback"))]
            last = block[: ends[0] + 1] if ends else block
            report.errors.append("the stub's first traceback ends: " + "\n".join(last[-8:]))
    except Exception as exc:  # one spec's trouble is reported, the others still run
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
    finally:
        report.seconds = time.monotonic() - started
        shutil.rmtree(work, ignore_errors=True)
    return report


def default_specs(count: int = 10) -> list[str]:
    """The first `count` specs of the sample that schemathesis gets through in a few minutes:
    Slack and Twilio, then the drawn ones (GitHub, Stripe and Kubernetes take too long)."""
    chosen = ["slack.com.json", "twilio.com/api.json"]
    chosen += [s for s in sample()[5:] if s not in chosen]
    return chosen[:count]


def text_report(reports: list[StubReport]) -> str:
    lines = [f"{'spec':44} {'ops':>5} {'tested':>6} {'5xx':>4} {'other':>5} {'by design':>9}"]
    for r in reports:
        other = sum(len(v) for v in r.failures.values())
        lines.append(f"{r.spec:44} {r.operations:>5} {r.tested:>6} {len(r.server_errors):>4} {other:>5} "
                     f"{sum(r.by_design.values()):>9}" + (f"  ERROR {r.error[:200]}" if r.error else ""))
    for r in reports:
        if not (r.server_errors or r.failures or r.errors or r.tracebacks):
            continue
        lines.append("")
        lines.append(f"== {r.spec}")
        for entry in r.server_errors:
            lines.append(f"  server error: {entry}"[:300])
        for name, entries in sorted(r.failures.items()):
            for entry in entries:
                lines.append(f"  {name}: {entry}"[:300])
        for entry in r.errors:
            lines.append(f"  error: {entry}"[:3000])
        if r.tracebacks:
            lines.append(f"  {r.tracebacks} traceback(s) in the stub's log")
    return "\n".join(lines) + "\n"


def run(specs: list[str], report_path: Path) -> list[StubReport]:
    reports = []
    for relative in specs:
        report = check_one(relative)
        reports.append(report)
        print(f"schemathesis {relative}: {report.tested} of {report.operations} operations tested, "
              f"{len(report.server_errors)} server errors, {sum(len(v) for v in report.failures.values())} other "
              f"failures ({report.seconds:.0f} s){' ERROR ' + report.error[:300] if report.error else ''}", flush=True)
    report_path.write_text(json.dumps({"specs": [asdict(r) for r in reports], "by_design": BY_DESIGN}, indent=1))
    report_path.with_suffix(".txt").write_text(text_report(reports))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.stub_checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--specs", nargs="*", help="paths under the directory's api/ (default: 10 of the sample)")
    parser.add_argument("--report", type=Path, default=ROOT / "stub-checks-report.json")
    args = parser.parse_args(argv)
    reports = run(args.specs or default_specs(), args.report)
    print(text_report(reports))
    return 0 if all(not r.server_errors and not r.error and not r.tracebacks for r in reports) else 1


if __name__ == "__main__":
    raise SystemExit(main())
