"""Checks for the generator's input documents in specs/.

Spec-only checks (always run): OpenAPI 3.0 validity, unique operationIds, declared path
parameters, Dixa conventions (titles on every v1/beta component, no discriminator objects),
examples free of scraped-page truncations.

Reference checks (run when the harvested facts in ../shared/reference are present next to the
repository; skipped otherwise): every operation and schema recorded in the facts is in the spec
with the same method/path, operationId, tags, parameters, request body, response codes, schema
kind, properties, required list and enum values, and assumed/unknown details carry an
``x-dixa-provenance`` mark.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "reference"

# api name -> (spec file, reference file)
APIS = {
    "dixa-v1": ("dixa-v1.yaml", "dixa-v1.yaml"),
    "dixa-beta": ("dixa-beta.yaml", "dixa-beta.yaml"),
    "integrations-v1": ("integrations-v1.yaml", "integrations-v1.yaml"),
}
DIXA_APIS = ("dixa-v1", "dixa-beta")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REF_PREFIX = "#/components/schemas/"

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=None)
def spec(api: str) -> dict[str, Any]:
    with open(SPECS / APIS[api][0], encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


@lru_cache(maxsize=None)
def reference(api: str) -> dict[str, Any] | None:
    path = REFERENCE / APIS[api][1]
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


def need_reference(api: str) -> dict[str, Any]:
    ref = reference(api)
    if ref is None:
        pytest.skip(f"reference facts not found at {REFERENCE / APIS[api][1]} (only present next to the "
                    "original working copy)")
    return ref


def operations(doc: dict[str, Any]):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method, path, item, op


def ref_name(schema: dict[str, Any] | None) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"][len(REF_PREFIX):]
    return None


def walk(node: Any, path: str = ""):
    """Yield (json-pointer-ish path, dict) for every mapping in a document."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


def examples_of(doc: dict[str, Any]):
    for p, node in walk(doc):
        if "example" in node and not isinstance(node.get("example"), dict | list | str | int | float | bool):
            continue
        if "example" in node and (p.endswith("application/json") or "/properties/" not in p):
            yield p, node["example"]
        if isinstance(node.get("examples"), dict) and p.endswith(("application/json", "multipart/form-data")):
            for name, ex in node["examples"].items():
                if isinstance(ex, dict) and "value" in ex:
                    yield f"{p}/examples/{name}", ex["value"]


# --------------------------------------------------------------------------- spec-only checks


@pytest.mark.parametrize("api", list(APIS))
def test_spec_validates(api: str) -> None:
    from openapi_spec_validator import validate

    validate(spec(api))


@pytest.mark.parametrize("api", list(APIS))
def test_header(api: str) -> None:
    doc = spec(api)
    assert doc["openapi"] == "3.0.3"
    assert list(doc)[:3] == ["openapi", "info", "servers"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"] == {"type": "apiKey", "in": "header", "name": "Authorization"}
    assert {"ApiKeyAuth": []} in doc["security"]
    if api in DIXA_APIS:
        assert doc["servers"] == [{"url": "https://dev.dixa.io"}]
        prefix = "/v1/" if api == "dixa-v1" else "/beta/"
        assert all(p.startswith(prefix) for p in doc["paths"]), "every path lives under " + prefix
    else:
        assert schemes["BearerAuth"] == {"type": "http", "scheme": "bearer"}
        assert all(p.startswith("/v1/") for p in doc["paths"])


@pytest.mark.parametrize("api", list(APIS))
def test_operation_ids_unique(api: str) -> None:
    seen: dict[str, str] = {}
    dupes = []
    for method, path, _, op in operations(spec(api)):
        oid = op.get("operationId")
        assert oid, f"{method.upper()} {path} has no operationId"
        if oid in seen:
            dupes.append(f"{oid}: {seen[oid]} and {method.upper()} {path}")
        seen[oid] = f"{method.upper()} {path}"
    assert not dupes


@pytest.mark.parametrize("api", list(APIS))
def test_path_parameters_declared(api: str) -> None:
    problems = []
    for method, path, item, op in operations(spec(api)):
        declared = {p["name"] for p in item.get("parameters", []) + op.get("parameters", []) if p["in"] == "path"}
        templated = set(re.findall(r"{([^}]+)}", path))
        if declared != templated:
            problems.append(f"{method.upper()} {path}: template {sorted(templated)} vs declared {sorted(declared)}")
    assert not problems


@pytest.mark.parametrize("api", list(APIS))
def test_every_response_has_description(api: str) -> None:
    missing = [f"{m.upper()} {p} {code}" for m, p, _, op in operations(spec(api))
               for code, r in op["responses"].items() if not r.get("description")]
    assert not missing


@pytest.mark.parametrize("api", DIXA_APIS)
def test_dixa_components_have_titles(api: str) -> None:
    schemas = spec(api)["components"]["schemas"]
    missing = [n for n, s in schemas.items() if not s.get("title")]
    assert not missing
    # numbered components carry their wire name (NotFound1 -> NotFound); others their own name
    for name, s in schemas.items():
        if "_" not in name and re.fullmatch(r"[A-Za-z]+\d+", name) and s["title"] != name:
            assert s["title"] == re.sub(r"\d+$", "", name), name


@pytest.mark.parametrize("api", DIXA_APIS)
def test_no_discriminator_objects(api: str) -> None:
    found = [p for p, node in walk(spec(api)) if "discriminator" in node and "/properties/" not in p]
    assert not found


@pytest.mark.parametrize("api", DIXA_APIS)
def test_union_variants_do_not_declare_type_tag(api: str) -> None:
    """Tagged-union members get `_type` on the wire, but their schemas do not declare it."""
    schemas = spec(api)["components"]["schemas"]
    offenders = []
    for name, s in schemas.items():
        for member in s.get("oneOf", []):
            target = schemas.get(ref_name(member) or "", {})
            if "_type" in (target.get("properties") or {}):
                offenders.append(f"{name} -> {ref_name(member)}")
    assert not offenders


@pytest.mark.parametrize("api", DIXA_APIS)
def test_dixa_enums_live_in_descriptions(api: str) -> None:
    """v1/beta write allowed values as 'values: [..]' text; the only JSON enum is GET /beta/templates?type."""
    doc = spec(api)
    enums = [p for p, node in walk(doc["components"]) if "enum" in node]
    for method, path, _, op in operations(doc):
        enums += [f"{method.upper()} {path}?{prm['name']}" for prm in op.get("parameters", [])
                  if "enum" in prm["schema"]]
        enums += [f"{method.upper()} {path} {where}" for where, node in walk({k: op.get(k) for k in
                  ("requestBody", "responses")}) if "enum" in node]
    assert set(enums) <= {"GET /beta/templates?type"}, enums


@pytest.mark.parametrize("api", list(APIS))
def test_examples_are_complete_wire_data(api: str) -> None:
    bad = []
    for p, ex in examples_of(spec(api)):
        text = repr(ex)
        if "…" in text or "{ … }" in text:
            bad.append(p)
    assert not bad


@pytest.mark.parametrize("api", list(APIS))
def test_provenance_marks_are_well_formed(api: str) -> None:
    bad = []
    for p, node in walk(spec(api)):
        prov = node.get("x-dixa-provenance")
        if prov is None:
            continue
        if not isinstance(prov, dict) or prov.get("status") not in ("assumed", "unknown"):
            bad.append(p)
        elif "filled_from_beta" in prov and not isinstance(prov["filled_from_beta"], list):
            bad.append(p)
    assert not bad


# --------------------------------------------------------------------------- reference checks: counts


@pytest.mark.parametrize("api", list(APIS))
def test_counts_match_reference(api: str) -> None:
    ref = need_reference(api)
    doc = spec(api)
    ops = {(m.upper(), p) for m, p, _, _ in operations(doc)}
    ref_ops = {(o["method"], o["path"]) for o in ref["operations"]}
    assert len(ref_ops) == len(ref["operations"]) == ref["operation_count_recorded"]
    assert ops == ref_ops
    schemas = set(doc["components"]["schemas"])
    ref_schemas = set(ref["schemas"])
    assert len(ref_schemas) == ref["schema_count_recorded"]
    assert ref_schemas <= schemas
    # the only extra components allowed are names the facts reference without defining them
    # (integrations: the ActivityLog attribute variants, recorded as names only), and, in v1, /beta
    # components a v1 schema needs where v1 sources leave its shape open (the members of the request
    # bodies CreateConversationInput and CreateMessageInput, the analytics period filter, the
    # Messenger form attributes): each a copy of the /beta schema of its name, or read from the v1
    # pages it names in `seen_in`, and marked assumed
    # The webhook events (`x-webhooks`) come from webhooks.yaml, not from these facts: their
    # payload schemas, and what those use, are checked by tests/test_webhooks.py.
    extra = schemas - ref_schemas - webhook_schemas(doc)
    undefined = referenced_but_undefined(ref)
    for name in undefined:
        assert doc["components"]["schemas"][name]["x-dixa-provenance"]["status"] == "unknown"
    beta = spec("dixa-beta")["components"]["schemas"]
    for name in extra - undefined:
        assert api == "dixa-v1", name
        schema = dict(doc["components"]["schemas"][name])
        prov = schema.pop("x-dixa-provenance", None)
        assert prov and prov["status"] == "assumed", f"{name}: provenance mark"
        twin = {k: v for k, v in (beta.get(name) or {}).items() if k != "x-dixa-provenance"}
        assert schema == twin or prov.get("seen_in"), f"{name}: neither a /beta copy nor from v1 pages"
    # and every one is used by a v1 schema
    used = {ref_name(node) for _, node in walk(doc) if ref_name(node)}
    assert extra - undefined <= used


def webhook_schemas(doc: dict[str, Any]) -> set[str]:
    """The component schemas the spec's webhook events use, directly or through others."""
    schemas = doc["components"]["schemas"]
    found: set[str] = set()
    stack = [ref_name(node) for _, node in walk(doc.get("x-webhooks") or {}) if ref_name(node)]
    while stack:
        name = stack.pop()
        if name in schemas and name not in found:
            found.add(name)
            stack.extend(ref_name(node) for _, node in walk(schemas[name]) if ref_name(node))
    return found - {n for n in found if ref_name_used_outside_webhooks(doc, n)}


def ref_name_used_outside_webhooks(doc: dict[str, Any], name: str) -> bool:
    """Whether an operation uses `name`: such a schema is the REST API's, whatever events use it."""
    return any(ref_name(node) == name for _, node in walk(doc.get("paths") or {}))


def referenced_but_undefined(ref: dict[str, Any]) -> set[str]:
    names: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "ref" and isinstance(v, str):
                    names.add(v)
                elif k == "oneOf" and isinstance(v, list):
                    names.update(m for m in v if isinstance(m, str))
                    collect([m for m in v if not isinstance(m, str)])
                elif k == "items" and isinstance(v, str):
                    names.add(v)
                else:
                    collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(ref["schemas"])
    return names - set(ref["schemas"])


# --------------------------------------------------------------------------- reference checks: operations


def _ref_op_params() -> list[Any]:
    out = []
    for api in APIS:
        ref = reference(api)
        if ref is None:
            out.append(pytest.param(api, None, id=f"{api}-no-reference"))
            continue
        for o in ref["operations"]:
            out.append(pytest.param(api, o, id=f"{api}:{o['method']} {o['path']}"))
    return out


def _ref_schema_params() -> list[Any]:
    out = []
    for api in APIS:
        ref = reference(api)
        if ref is None:
            out.append(pytest.param(api, None, None, id=f"{api}-no-reference"))
            continue
        for name, s in ref["schemas"].items():
            out.append(pytest.param(api, name, s, id=f"{api}:{name}"))
    return out


def expected_operation_id(api: str, o: dict[str, Any]) -> str | None:
    if api == "dixa-v1":
        # Dixa's own (tapir) ids, as used by docs.dixa.io and by /beta; the other listing's ids are
        # recorded in the provenance note
        return o.get("operationId_docs") or o.get("operationId")
    return o.get("operationId")


def expected_codes(api: str, o: dict[str, Any]) -> set[str] | None:
    if not o.get("responses"):
        return None
    codes = set()
    for code in o["responses"]:
        code = str(code)
        if code == "2xx":
            code = "201" if o["method"] == "POST" else "200"
        codes.add(code)
    return codes


def check_param(api: str, where: str, rp: dict[str, Any], sp: dict[str, Any]) -> None:
    assert sp["in"] == rp["in"], where
    assert bool(sp.get("required")) == bool(rp["required"]), f"{where}: required"
    schema = sp["schema"]
    assert schema.get("type") == rp["type"], f"{where}: type"
    assert schema.get("format") == rp.get("format"), f"{where}: format"
    for key in ("default", "minimum", "maximum", "minLength"):
        if key in rp:
            assert schema.get(key) == rp[key], f"{where}: {key}"
    if "values" in rp:
        if rp.get("values_in") == "enum":
            assert schema.get("enum") == rp["values"], f"{where}: enum"
        else:
            assert "enum" not in schema, f"{where}: values belong in the description"
            assert f"[{', '.join(rp['values'])}]" in sp.get("description", ""), f"{where}: values"
    if "items" in rp:
        check_shape(f"{where}.items", rp["items"], schema.get("items"))


@pytest.mark.parametrize(("api", "o"), _ref_op_params())
def test_operation_matches_reference(api: str, o: dict[str, Any] | None) -> None:
    if o is None:
        need_reference(api)
        return
    doc = spec(api)
    where = f"{api} {o['method']} {o['path']}"
    item = doc["paths"].get(o["path"])
    assert item is not None, f"{where}: path missing"
    op = item.get(o["method"].lower())
    assert op is not None, f"{where}: method missing"

    # operationId
    want = expected_operation_id(api, o)
    if want:
        assert op.get("operationId") == want, f"{where}: operationId"
    else:
        assert op.get("operationId"), f"{where}: operationId"
    # tags
    if o.get("tag"):
        assert op.get("tags") and op["tags"][0] == o["tag"], f"{where}: primary tag"
        assert set(op["tags"]) <= {o["tag"], *(o.get("docs_tags") or [])}, f"{where}: tags"
    else:
        assert not op.get("tags"), f"{where}: tags"
    assert bool(op.get("deprecated")) == bool(o.get("deprecated")), f"{where}: deprecated"

    # parameters
    sparams = {(p["name"], p["in"]): p for p in op.get("parameters", [])}
    rparams = {(p["name"], p["in"]): p for p in o.get("params") or []}
    assert list(sparams) == list(rparams), f"{where}: parameter names/locations"
    for key, rp in rparams.items():
        check_param(api, f"{where} param {key[0]}", rp, sparams[key])

    # request body
    rb = o.get("request_body")
    sb = op.get("requestBody")
    assert bool(sb) == bool(rb), f"{where}: request body presence"
    if rb:
        assert bool(sb.get("required")) == bool(rb.get("required")), f"{where}: request body required"
        ct = rb.get("content_type", "application/json")
        assert list(sb["content"]) == [ct], f"{where}: request content type"
        schema = sb["content"][ct]["schema"]
        if "schema_inline" in rb:
            assert ref_name(schema) is None, f"{where}: request body stays inline"
            check_shape(f"{where} body", rb["schema_inline"], schema)
        elif "schema" in rb:
            assert ref_name(schema) == rb["schema"], f"{where}: request body schema"
        else:  # integrations: inline property list (first variant when the body is a union)
            if ref_name(schema):
                target = doc["components"]["schemas"][ref_name(schema)]
                if "oneOf" in target:
                    target = doc["components"]["schemas"][ref_name(target["oneOf"][0])]
                schema = target
            assert list(schema.get("properties", {})) == list(rb["properties"]), f"{where}: body properties"
            assert schema.get("required", []) == rb.get("required_fields", []), f"{where}: body required"
            for pn, pv in rb["properties"].items():
                check_shape(f"{where} body.{pn}", pv, schema["properties"][pn])

    # responses
    codes = set(op["responses"])
    want_codes = expected_codes(api, o)
    if want_codes is None:
        assert len(codes) == 1 and next(iter(codes)).startswith("2"), f"{where}: one assumed success code"
    else:
        assert codes == want_codes, f"{where}: response codes"
    for code, r in (o.get("responses") or {}).items():
        code = str(code)
        r = r or {}
        if code == "2xx":
            code = "201" if o["method"] == "POST" else "200"
        sr = op["responses"][code]
        assert sr.get("description"), f"{where} {code}: description"
        content = sr.get("content", {}).get("application/json")
        if "schema" in r and "schema_inline" not in r:
            assert content and ref_name(content["schema"]) == r["schema"], f"{where} {code}: schema"
        elif "schema_inline" in r:
            assert content and ref_name(content["schema"]) is None, f"{where} {code}: inline schema"
            check_shape(f"{where} {code}", r["schema_inline"], content["schema"])
        elif "body" in r and isinstance(r["body"], dict) and api == "integrations-v1":
            props = content["schema"]["properties"]
            assert list(props) == list(r["body"]), f"{where} {code}: envelope"
        elif not r:
            assert content is None, f"{where} {code}: no content"

    # provenance
    prov = op.get("x-dixa-provenance")
    if o.get("filled_from_beta"):
        assert prov and prov["status"] == "assumed", f"{where}: provenance mark"
        assert prov["filled_from_beta"] == list(o["filled_from_beta"]), f"{where}: filled_from_beta"
    elif api == "integrations-v1" and (want_codes is None or "2xx" in (o.get("responses") or {})):
        assert prov and prov["status"] in ("assumed", "unknown"), f"{where}: provenance mark"
    else:
        assert prov is None, f"{where}: confirmed operation carries no provenance mark"


# --------------------------------------------------------------------------- reference checks: schemas


def kind_of(s: dict[str, Any]) -> str:
    if "oneOf" in s:
        return "oneOf"
    if "type" in s:
        return s["type"]
    if "ref" in s or "$ref" in s:
        return "ref"
    return "unknown"


def check_shape(where: str, fact: Any, schema: Any) -> None:
    """Compare a (nested) fact shape with a spec schema: ref, type, format, items, values."""
    assert isinstance(schema, dict), f"{where}: missing schema"
    if isinstance(fact, str):
        fact = {"ref": fact}
    if "ref" in fact:
        target = schema
        if "allOf" in schema and len(schema["allOf"]) == 1:
            target = schema["allOf"][0]
        assert ref_name(target) == fact["ref"], f"{where}: ref"
        return
    if "oneOf" in fact:
        assert len(schema.get("oneOf", [])) == len(fact["oneOf"]), f"{where}: oneOf"
        for i, (f, s) in enumerate(zip(fact["oneOf"], schema["oneOf"])):
            check_shape(f"{where}.oneOf[{i}]", f, s)
    for key in ("type", "format", "uniqueItems", "minItems"):
        assert schema.get(key) == fact.get(key), f"{where}: {key}"
    if "items" in fact:
        check_shape(f"{where}.items", fact["items"], schema.get("items"))
    if "additionalProperties" in fact and isinstance(fact["additionalProperties"], (dict, str)):
        check_shape(f"{where}.additionalProperties", fact["additionalProperties"], schema.get("additionalProperties"))
    if "values" in fact:
        if fact.get("values_in") == "enum":
            assert schema.get("enum") == fact["values"], f"{where}: enum"
        else:
            assert "enum" not in schema, f"{where}: values belong in the description"
            assert f"[{', '.join(fact['values'])}]" in schema.get("description", ""), f"{where}: values"
    assert bool(schema.get("deprecated")) == bool(fact.get("deprecated")), f"{where}: deprecated"


@pytest.mark.parametrize(("api", "name", "s"), _ref_schema_params())
def test_schema_matches_reference(api: str, name: str | None, s: dict[str, Any] | None) -> None:
    if name is None:
        need_reference(api)
        return
    where = f"{api} schema {name}"
    schemas = spec(api)["components"]["schemas"]
    assert name in schemas, f"{where}: missing"
    sch = schemas[name]
    kind = kind_of(s)
    prov = sch.get("x-dixa-provenance")

    if api in DIXA_APIS:
        assert sch.get("title") == s.get("wire_name", name), f"{where}: title"
    assert "discriminator" not in sch, f"{where}: discriminator"

    if kind == "unknown":
        assert sch.get("type") == "object" and "properties" not in sch or (prov and prov["status"] == "assumed"), \
            f"{where}: placeholder"
        assert prov and prov["status"] in ("unknown", "assumed"), f"{where}: unknown shape must be marked"
    elif kind == "oneOf":
        # members /beta has and the facts do not may be added where v1 pages show them, marked so
        added = (prov or {}).get("members_added", [])
        assert set(added) <= set(s.get("members_only_in_beta", [])), f"{where}: added members"
        assert not added or prov.get("seen_in"), f"{where}: added members need the v1 pages showing them"
        members = [ref_name(m) for m in sch.get("oneOf", [])]
        assert [m for m in members if m not in added] == list(s["oneOf"]), f"{where}: oneOf members"
        assert set(added) <= set(members), f"{where}: added members"
        assert "type" not in sch, f"{where}: union has no type"
    else:
        assert sch.get("type") == kind, f"{where}: kind"

    if kind == "unknown" and prov and prov["status"] == "assumed":
        # fields filled from elsewhere in the facts (integrations: the union variant whose fields the
        # create-conversation request body shows); compared in test_operation_matches_reference
        return
    # where Dixa's own examples (the wire) contradict its schema, the spec follows the examples: the
    # changed parts are named in `changed_for_wire`, with the evidence
    rewired = set((prov or {}).get("changed_for_wire", []))
    assert not rewired or prov.get("evidence"), f"{where}: a change for the wire needs its evidence"
    assert list(sch.get("properties", {})) == list(s.get("properties", {})), f"{where}: property names"
    if "required" not in rewired:
        assert list(sch.get("required", [])) == list(s.get("required", [])), f"{where}: required"
    # a field whose shape the facts leave open (no more than its type) may be filled from /beta
    opened = {entry.split(".")[0] for entry in (prov or {}).get("filled_from_beta", [])}
    for pn, pv in (s.get("properties") or {}).items():
        if pn in opened and not s.get("filled_from_beta") and isinstance(pv, dict) and set(pv) <= {"type"}:
            continue
        if pn in rewired:
            continue
        check_shape(f"{where}.{pn}", pv, sch["properties"][pn])
    if "items" in s:
        check_shape(f"{where}.items", s["items"], sch.get("items"))
    if "additionalProperties" in s:
        check_shape(f"{where}.additionalProperties", s["additionalProperties"], sch.get("additionalProperties"))
    if "values" in s:
        if s.get("values_in") == "enum":
            assert sch.get("enum") == s["values"], f"{where}: enum"
        else:
            assert f"values: [{', '.join(s['values'])}]" in sch.get("description", ""), f"{where}: values"
    if "key_values" in s:
        assert f"values: [{', '.join(s['key_values'])}]" in sch.get("description", ""), f"{where}: key values"
    assert bool(sch.get("deprecated")) == bool(s.get("deprecated")), f"{where}: deprecated"

    # provenance: v1 schemas copied from beta, or with fields filled from beta, are marked assumed
    if api == "dixa-v1":
        assumed = (s.get("seen_in") == ["beta-spec (assumed same in v1)"] or s.get("filled_from_beta")
                   or s.get("required_in_beta") or s.get("members_only_in_beta"))
        if assumed:
            assert prov and prov["status"] == "assumed", f"{where}: provenance mark"
            if s.get("filled_from_beta"):
                assert prov["filled_from_beta"] == list(s["filled_from_beta"]), f"{where}: filled_from_beta"
        elif kind == "unknown":
            assert prov and prov["status"] == "unknown", f"{where}: provenance mark"
    elif api == "dixa-beta":
        assert prov is None or prov.get("changed_for_wire"), f"{where}: beta schemas are confirmed"


# --------------------------------------------------------------------------- free-form objects

SPECS_DOC = ROOT / "docs" / "specs.md"


def _pointer(parts: list[str]) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def schema_positions(doc: dict[str, Any]):
    """(JSON pointer, schema) for every schema of a document, nested ones included."""
    def below(parts: list[str], schema: Any):
        if not isinstance(schema, dict):
            return
        yield _pointer(parts), schema
        for name, sub in (schema.get("properties") or {}).items():
            yield from below([*parts, "properties", name], sub)
        for key in ("items", "additionalProperties", "not"):
            yield from below([*parts, key], schema.get(key))
        for key in ("oneOf", "anyOf", "allOf"):
            for index, sub in enumerate(schema.get(key) or []):
                yield from below([*parts, key, str(index)], sub)

    for name, schema in doc["components"]["schemas"].items():
        yield from below(["components", "schemas", name], schema)
    for method, path, item, op in operations(doc):
        base = ["paths", path, method]
        for index, prm in enumerate(op.get("parameters", [])):
            yield from below([*base, "parameters", str(index), "schema"], prm.get("schema"))
        for media, content in ((op.get("requestBody") or {}).get("content") or {}).items():
            yield from below([*base, "requestBody", "content", media, "schema"], content.get("schema"))
        for status, response in (op.get("responses") or {}).items():
            for media, content in (response.get("content") or {}).items():
                yield from below([*base, "responses", str(status), "content", media, "schema"], content.get("schema"))


_SHAPE_KEYS = {"type", "properties", "additionalProperties", "oneOf", "anyOf", "allOf", "$ref", "items", "enum", "not"}


def free_form(doc: dict[str, Any]) -> set[str]:
    """Schemas that accept any object or any value: `type: object` with no properties (or only
    `additionalProperties: true`/`{}`), and `{}`. A union member with no fields of its own is not
    one (Dixa's empty variants, on the wire a bare tag), unless its fields are unknown."""
    members = {ref_name(m) for s in doc["components"]["schemas"].values() for m in s.get("oneOf", [])}
    found = set()
    for pointer, schema in schema_positions(doc):
        name = pointer.removeprefix("#/components/schemas/")
        if "/" not in name and name in members and (schema.get("x-dixa-provenance") or {}).get("status") != "unknown":
            continue
        shape = set(schema) & _SHAPE_KEYS
        open_object = (schema.get("type") == "object" and shape <= {"type", "additionalProperties"}
                       and schema.get("additionalProperties", True) in (True, {}))
        if open_object or not shape:
            found.add(pointer)
    return found


def readme_free_form() -> dict[str, set[str]]:
    text = SPECS_DOC.read_text(encoding="utf-8")
    section = text.split("## What stays free-form", 1)[1].split("\n#", 1)[0]
    listed: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            for spec_file in re.findall(r"`([\w-]+)\.yaml`", cells[0]):
                listed.setdefault(spec_file, set()).update(re.findall(r"`(#/[^`]+)`", cells[1]))
    return listed


@pytest.mark.parametrize("api", list(APIS))
def test_readme_lists_what_stays_free_form(api: str) -> None:
    """docs/specs.md's list of free-form schemas, each with its reason, is exactly what the spec has."""
    listed = readme_free_form().get(api, set())
    found = free_form(spec(api))
    assert found == listed, f"in the spec, not in docs/specs.md: {sorted(found - listed)}; " \
                            f"in docs/specs.md, not in the spec: {sorted(listed - found)}"


def test_free_form_finds_open_objects() -> None:
    doc = {"components": {"schemas": {
        "A": {"type": "object"}, "B": {"type": "object", "additionalProperties": {"type": "string"}},
        "C": {"type": "object", "properties": {"x": {}, "y": {"type": "array", "items": {"type": "object"}}}},
        "U": {"oneOf": [{"$ref": "#/components/schemas/E"}]}, "E": {"type": "object"}}},
        "paths": {"/p": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": True}}}}}}}}}
    assert free_form(doc) == {"#/components/schemas/A", "#/components/schemas/C/properties/x",
                              "#/components/schemas/C/properties/y/items",
                              "#/paths/~1p/get/responses/200/content/application~1json/schema"}
