"""Every example payload goes through the generated models and comes back unchanged.

Sources: the `example`s of our three specs, the example payloads on the scraped
Dixa pages in `../shared/seeds/`, and every example of Dixa's own published beta
document in `../shared/upstream/`. Parsed by the models of its schema, each must
round-trip: the same keys and values, nothing added or dropped. The only
re-spellings allowed are a date-time written differently for the same instant
and a number that an example sends where its own schema says string.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest

from generator.ir import Api, Type
from generator.pipeline import read_api

from .conftest import REPORT, SHARED, SPECS, UPSTREAM_BETA, need_shared
from .wire import adapter_for, differences


@dataclass
class Example:
    where: str
    type: Type
    payload: Any


@lru_cache(maxsize=None)
def _api(path: Path) -> Api:
    return read_api(path, strict=False).api


def spec_examples(api: Api) -> Iterator[Example]:
    for named in api.types.values():
        if named.component:
            from generator.ir import Ref

            for index, payload in enumerate(named.examples):
                yield Example(f"#/components/schemas/{named.name} example {index}", Ref(target=named.name), payload)
    for op in api.operations:
        for body in op.bodies:
            if body.content_type.endswith("json"):
                for index, payload in enumerate(body.examples):
                    yield Example(f"{op.method} {op.path} request {index}", body.type, payload)
        for response in op.responses:
            if response.type is not None:
                for name, payload in response.examples.items():
                    yield Example(f"{op.method} {op.path} {response.status} {name}", response.type, payload)


def check(api: Api, api_name: str, examples: list[Example], label: str) -> None:
    models = importlib.import_module(f"dixa.{api_name}.models")
    failures: list[str] = []
    respelled = 0
    for example in examples:
        try:
            value = adapter_for(api, models, example.type).validate_python(example.payload)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(f"{example.where}: does not parse: {str(exc)[:400]}")
            continue
        diffs, spelled = differences(example.payload, models.to_wire(value))
        respelled += len(spelled)
        failures.extend(f"{example.where}: {d}" for d in diffs)
    REPORT.append(f"{label}: {len(examples)} examples parsed and round-tripped ({respelled} values re-spelled)")
    assert examples, f"{label}: no examples found"
    assert not failures, f"{len(failures)} of {len(examples)} examples fail:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("api_name", ["v1", "beta", "integrations"])
def test_spec_examples_round_trip(api_name: str, generated_package: object) -> None:
    api = _api(SPECS[api_name])
    check(api, api_name, list(spec_examples(api)), f"specs/{SPECS[api_name].name}")


def test_upstream_beta_examples_round_trip(generated_package: object) -> None:
    """Dixa's own published examples, through the models generated from our beta spec."""
    api = _api(need_shared(UPSTREAM_BETA))
    ours = _api(SPECS["beta"])
    examples = [e for e in spec_examples(api)]
    # Types of the upstream IR name upstream schemas; ours carry the same names.
    assert {n for n, t in api.types.items() if t.component} == {n for n, t in ours.types.items() if t.component}
    check(ours, "beta", examples, "upstream dixa-api-beta.yaml")


# -- the scraped pages --------------------------------------------------------------

_CURL = re.compile(r"curl -i -X (GET|POST|PUT|PATCH|DELETE) \\\s*'?https://docs\.dixa\.io/_mock/openapi/([a-z-]+)(?:/[a-z-]+)?(/[^\s']+)'?")


def seed_examples(text: str, spec_api: Api, api_prefix: str) -> tuple[list[Example], int]:
    """Bodies (`-d '...'`) and responses (the JSON after the request) of each curl sample."""
    decoder = json.JSONDecoder()
    examples: list[Example] = []
    truncated = 0
    operations = {(op.method, op.path): op for op in spec_api.operations}
    matches = list(_CURL.finditer(text))
    for index, match in enumerate(matches):
        method, _, path = match.groups()
        if not path.startswith(api_prefix):
            path = path[path.index(api_prefix):] if api_prefix in path else path
        op = operations.get((method, path))
        if op is None:
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        block = text[match.end():end]
        payloads: list[tuple[str, Any]] = []
        body_at = block.find("-d '")
        cursor = 0
        if body_at >= 0:
            try:
                body, stop = decoder.raw_decode(block, body_at + 4)
                payloads.append(("request", body))
                cursor = stop
            except json.JSONDecodeError:
                truncated += 1
                cursor = block.find("}'", body_at) + 2
        start = block.find("{", cursor)
        if start >= 0:
            try:
                response, _ = decoder.raw_decode(block, start)
                payloads.append(("response", response))
            except json.JSONDecodeError:
                truncated += 1
        for kind, payload in payloads:
            if kind == "request" and op.body is not None:
                examples.append(Example(f"seed {method} {path} request", op.body.type, payload))
            elif kind == "response":
                success = next((r for r in op.responses if r.status.startswith("2") and r.type is not None), None)
                if success is not None:
                    examples.append(Example(f"seed {method} {path} response", success.type, payload))
    return examples, truncated


@pytest.mark.parametrize(
    ("seed", "api_name", "prefix"),
    [("000_13824363a9ba7e58.txt", "beta", "/beta/"), ("001_ceaf327d530a34eb.txt", "integrations", "/v1/")],
)
def test_seed_payloads_round_trip(seed: str, api_name: str, prefix: str, generated_package: object) -> None:
    text = need_shared(SHARED / "seeds" / seed).read_text()
    api = _api(SPECS[api_name])
    examples, truncated = seed_examples(text, api, prefix)
    REPORT.append(f"seeds/{seed}: {truncated} payloads truncated on the page (not JSON), skipped")
    check(api, api_name, examples, f"seeds/{seed}")
