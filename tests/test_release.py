"""The distribution's version follows its specs: kept while they do not change,
raised by what a change does to users (semantic versioning judged by the diff)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.reading.read import read_api
from generator.release.version import Bump, Version, read_previous

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "beta"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "description": "Every pet.",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            }
        }
    },
}


def _project(root: Path, spec: dict[str, object], floor: str, package: str = "pets") -> None:
    (root / "specs").mkdir(exist_ok=True)
    (root / "specs" / "pets.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[tool.dixagen]\nout = "out"\ndistribution = "pets-sdk"\npackage = "{package}"\nversion = "{floor}"\n\n'
        '[tool.dixagen.apis]\nv1 = "specs/pets.yaml"\n',
        encoding="utf-8",
    )


def _generate(
    root: Path, spec: dict[str, object], floor: str = "1.0.0", check: bool = False, package: str = "pets"
) -> tuple[str, str]:
    """Generate the project; return (version written, the line that explains it)."""
    _project(root, spec, floor, package)
    args = ["generate", "--project", str(root)] + (["--check"] if check else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == (1 if check else 0), result.output
    explanation = next(line for line in result.stderr.splitlines() if line.startswith("version "))
    manifest = json.loads((root / "out" / "MANIFEST.json").read_text())
    return manifest["version"], explanation


def _edit(change: str) -> dict[str, object]:
    spec = json.loads(json.dumps(SPEC))
    get = spec["paths"]["/pets"]["get"]
    pet = spec["components"]["schemas"]["Pet"]
    if change == "wording":
        get["description"] = "Every pet there is."
    elif change == "addition":
        spec["paths"]["/pets/{id}"] = {
            "get": {
                "operationId": "getPet",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "found"}},
            }
        }
    elif change == "breaking":
        del pet["properties"]["name"]
        del pet["required"]
    return spec


def test_unchanged_specs_keep_the_version_and_the_spec_ships_with_the_package(tmp_path: Path) -> None:
    version, why = _generate(tmp_path, SPEC)
    assert version == "1.0.0" and "first generation" in why
    shipped = tmp_path / "out" / "pets" / "v1" / "openapi.yaml"
    assert yaml.safe_load(shipped.read_text()) == SPEC
    assert 'version = "1.0.0"' in (tmp_path / "out" / "pyproject.toml").read_text()
    again, why = _generate(tmp_path, SPEC)
    assert again == "1.0.0" and "did not change" in why


@pytest.mark.parametrize(
    ("change", "expected"),
    [("wording", "1.0.1"), ("addition", "1.1.0"), ("breaking", "2.0.0")],
)
def test_a_changed_spec_raises_the_version_by_what_the_change_does(
    tmp_path: Path, change: str, expected: str
) -> None:
    _generate(tmp_path, SPEC)
    version, why = _generate(tmp_path, _edit(change))
    assert version == expected, why
    assert why.startswith(f"version {expected} (was 1.0.0;") and "v1" in why
    assert f'__version__ = "{expected}"' in (tmp_path / "out" / "pets" / "__init__.py").read_text()
    # Regenerating the same specs again is stable: the change is counted once.
    assert _generate(tmp_path, _edit(change))[0] == expected


def test_check_reports_the_version_a_spec_change_would_bring(tmp_path: Path) -> None:
    _generate(tmp_path, SPEC)
    _project(tmp_path, _edit("breaking"), "1.0.0")
    result = CliRunner().invoke(main, ["generate", "--check", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert '-version = "1.0.0"\n+version = "2.0.0"' in result.stdout


def test_the_configured_version_is_a_floor(tmp_path: Path) -> None:
    _generate(tmp_path, SPEC, floor="0.3.0")
    assert _generate(tmp_path, _edit("breaking"), floor="0.3.0")[0] == "0.4.0"  # 0.x: breaking moves the minor
    version, why = _generate(tmp_path, _edit("breaking"), floor="1.0.0")
    assert version == "1.0.0" and "by hand" in why


def test_an_unreadable_previous_spec_counts_as_breaking(tmp_path: Path) -> None:
    _generate(tmp_path, SPEC)
    (tmp_path / "out" / "pets" / "v1" / "openapi.yaml").write_text("openapi: [", encoding="utf-8")
    assert _generate(tmp_path, _edit("wording"))[0] == "2.0.0"


def test_a_malformed_configured_version_is_a_usage_error(tmp_path: Path) -> None:
    _project(tmp_path, SPEC, "one")
    result = CliRunner().invoke(main, ["generate", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "version 'one' is not of the form MAJOR.MINOR.PATCH" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("start", "bump", "expected"),
    [
        ("1.2.3", Bump.MAJOR, "2.0.0"),
        ("1.2.3", Bump.MINOR, "1.3.0"),
        ("1.2.3", Bump.PATCH, "1.2.4"),
        ("1.2.3", Bump.NONE, "1.2.3"),
        ("0.2.3", Bump.MAJOR, "0.3.0"),
        ("0.2.3", Bump.MINOR, "0.2.4"),
        ("0.2.3", Bump.PATCH, "0.2.4"),
    ],
)
def test_semantic_version_rules(start: str, bump: Bump, expected: str) -> None:
    assert str(Version.parse(start, "test").raised(bump)) == expected


def test_the_changelog_gains_a_section_per_version_breaking_changes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changelog = tmp_path / "out" / "CHANGELOG.md"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    _generate(tmp_path, SPEC)
    first = changelog.read_text()
    assert "## 1.0.0 (2026-01-01)\n\nThe first version this changelog records." in first

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # 2026-01-02
    _generate(tmp_path, _edit("addition"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767398400")  # 2026-01-03
    both = {**_edit("addition"), "components": _edit("breaking")["components"]}
    assert _generate(tmp_path, both)[0] == "2.0.0"
    text = changelog.read_text()
    newest, middle, oldest = (text.index(f"## {v} ") for v in ("2.0.0", "1.1.0", "1.0.0"))
    assert newest < middle < oldest
    assert text.endswith(first[first.index("## 1.0.0"):])  # earlier sections are kept as written
    section = text[newest:middle]
    assert section.startswith("## 2.0.0 (2026-01-03)\n\nFrom 1.1.0: breaking changes in v1.")
    breaking = section.index("### Breaking changes: calling code must change")
    assert "- `pets.v1.models.Pet.name removed` (schema `Pet`; `response-property-removed`)\n" in section[breaking:]
    added = "- `pets.v1.client.pets.get added` (`GET /pets/{id}`; `operation-added`)\n"
    assert added in text[middle:oldest]
    for line in text.splitlines():  # each change said once: its kind's code, not also the kind's summary
        assert line.count("-added`") <= 1 and "a new operation" not in line, line

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767484800")  # a later day changes nothing: no new version
    _generate(tmp_path, both)
    assert changelog.read_text() == text


def test_output_that_loses_names_of_the_python_api_is_a_breaking_release(tmp_path: Path) -> None:
    """As when a new generator moves a model module: the output the previous run
    left had a name that this run's output has not."""
    assert _generate(tmp_path, SPEC)[0] == "1.0.0"
    models = tmp_path / "out" / "pets" / "v1" / "models"
    (models / "pets.py").write_text('__all__ = ["Pet"]\n\n\nclass Pet:\n    name: str\n')
    version, why = _generate(tmp_path, SPEC)
    assert version == "2.0.0" and "the generated Python API lost 1 name" in why, why
    changelog = (tmp_path / "out" / "CHANGELOG.md").read_text()
    assert "### Gone from the Python API" in changelog and "- `v1.models.pets.Pet`" in changelog
    # The name is gone for good now: the next run keeps the version.
    assert _generate(tmp_path, SPEC)[0] == "2.0.0"


def test_names_the_generator_renamed_are_breaking_and_the_changelog_says_what_to_write_instead(tmp_path: Path) -> None:
    """As when a new generator names a class or a method better: the previous
    output (edited here to the old names) had `PetModel` and `pets.fetch_all`."""
    assert _generate(tmp_path, SPEC)[0] == "1.0.0"
    v1 = tmp_path / "out" / "pets" / "v1"
    for path, old, new in [
        (v1 / "models" / "pet.py", "Pet", "PetModel"),
        (v1 / "models" / "__init__.py", '"Pet": "Pet"', '"Pet": "PetModel"'),  # in SCHEMAS
        (v1 / "client" / "__init__.py", '"pets.list"', '"pets.fetch_all"'),
        (v1 / "client" / "_pets.py", "def list(", "def fetch_all("),
    ]:
        text = path.read_text()
        assert new not in text and old in text
        path.write_text(text.replace(old, new))
    version, why = _generate(tmp_path, SPEC)
    assert version == "2.0.0" and "the generated Python API lost" in why, why
    changelog = (tmp_path / "out" / "CHANGELOG.md").read_text()
    migrating = changelog[changelog.index("### Migrating") :]
    assert "- `v1.models.PetModel` is now `v1.models.Pet`.\n" in migrating
    assert "- `client.pets.fetch_all(...)` is now `client.pets.list(...)` (`v1`).\n" in migrating


@pytest.mark.parametrize("manifest_names_it", [True, False])
def test_a_renamed_import_package_is_a_breaking_release_that_says_how_to_migrate(
    tmp_path: Path, manifest_names_it: bool
) -> None:
    """Every `import` of the old name breaks. A manifest written before it named the
    package still tells: the one folder of the output that holds a runtime."""
    assert _generate(tmp_path, SPEC)[0] == "1.0.0"
    manifest = tmp_path / "out" / "MANIFEST.json"
    data = json.loads(manifest.read_text())
    assert data["package"] == "pets"
    if not manifest_names_it:
        del data["package"]
        manifest.write_text(json.dumps(data))
    version, why = _generate(tmp_path, SPEC, package="pets_sdk")
    assert version == "2.0.0" and "renamed from `pets` to `pets_sdk`" in why, why
    changelog = (tmp_path / "out" / "CHANGELOG.md").read_text()
    assert "### Renamed import package" in changelog
    assert "`import pets` becomes `import pets_sdk`" in changelog
    # Nothing else was lost: the names are compared as if the package had kept its name.
    assert "Gone from the Python API" not in changelog
    assert not (tmp_path / "out" / "pets").exists() and (tmp_path / "out" / "pets_sdk" / "v1").is_dir()
    assert _generate(tmp_path, SPEC, package="pets_sdk")[0] == "2.0.0"


# A tapir document: `Translation1` is titled `Translation` (its class), `Item1` is
# titled `Item` beside a schema called `Item`; no union lists it, so its class is
# named after the object that refers to it (`ShelfItem`).
NUMBERED: dict[str, object] = {
    "openapi": "3.0.3",
    "info": {"title": "Shop", "version": "beta"},
    "paths": {
        "/shelves": {
            "get": {
                "operationId": "getShelves",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shelf"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Shelf": {
                "title": "Shelf",
                "type": "object",
                "properties": {
                    "item": {"$ref": "#/components/schemas/Item1"},
                    "article": {"$ref": "#/components/schemas/Article"},
                },
            },
            "Article": {
                "title": "Article",
                "type": "object",
                "properties": {"text": {"$ref": "#/components/schemas/Translation1"}},
            },
            "Translation1": {"title": "Translation", "type": "object", "properties": {"text": {"type": "string"}}},
            "Item": {"title": "Item", "type": "object", "properties": {"sku": {"type": "string"}}},
            "Item1": {"title": "Item", "type": "object", "properties": {"count": {"type": "integer"}}},
        }
    },
}


def _classes(root: Path) -> dict[str, str]:
    """The generated models package's `SCHEMAS`: schema key -> class name."""
    init = (root / "out" / "pets" / "v1" / "models" / "__init__.py").read_text()
    return dict(re.findall(r'^\s*"(\w+)": "(\w+)",?$', init[init.index("SCHEMAS:") :], flags=re.MULTILINE))


def _with_schema(name: str, schema: dict[str, object]) -> dict[str, object]:
    spec = json.loads(json.dumps(NUMBERED))
    schemas = spec["components"]["schemas"]
    schemas[name] = schema
    return spec


@pytest.mark.parametrize(
    ("added", "schema", "newcomer"),
    [
        # A schema called exactly the numbered one's title, which an article refers to.
        ("Translation", {"title": "Translation", "type": "object", "properties": {
            "lang": {"type": "string"}, "of": {"$ref": "#/components/schemas/Article"}}}, "TranslationDetails"),
        ("Translation", {"title": "Translation", "type": "object", "properties": {"lang": {"type": "string"}}},
         "TranslationDetails"),
        # An object sorting before `Shelf` that refers to `Item1` too: the first owner by name.
        ("Aisle", {"title": "Aisle", "type": "object", "properties": {"item": {"$ref": "#/components/schemas/Item1"}}},
         "Aisle"),
    ],
    ids=["title-taken-back-by-a-referring-schema", "title-taken-back", "earlier-owner"],
)
def test_an_added_schema_renames_no_class_of_the_previous_release(
    tmp_path: Path, added: str, schema: dict[str, object], newcomer: str
) -> None:
    """Without the names the previous release recorded, the newcomer would take
    `Translation` from `Translation1` or `ShelfItem` from `Item1` (`AisleItem`):
    a breaking release for an addition."""
    assert _generate(tmp_path, NUMBERED)[0] == "1.0.0"
    before = _classes(tmp_path)
    assert (before["Translation1"], before["Item1"], before["Item"]) == ("Translation", "ShelfItem", "Item")
    version, why = _generate(tmp_path, _with_schema(added, schema))
    assert version == "1.1.0" and "lost" not in why, why
    after = _classes(tmp_path)
    assert {key: after[key] for key in before} == before
    assert after[added] == newcomer
    assert not re.search(r"\d$", after[added])
    assert "### Gone from the Python API" not in (tmp_path / "out" / "CHANGELOG.md").read_text()
    # The next release keeps them all again, the newcomer's too.
    assert _generate(tmp_path, _with_schema(added, schema))[0] == "1.1.0"
    assert _classes(tmp_path) == after


def test_a_newcomer_whose_name_a_kept_class_holds_is_named_after_its_owner(tmp_path: Path) -> None:
    """`Translation` (new) beside `Translation1`, whose class kept `Translation`:
    an object refers to the newcomer, which is named after it, not numbered."""
    _generate(tmp_path, NUMBERED)
    spec = _with_schema("Translation", {"title": "Translation", "type": "object", "properties": {"lang": {"type": "string"}}})
    spec["components"]["schemas"]["Shelf"]["properties"]["label"] = {"$ref": "#/components/schemas/Translation"}
    assert _generate(tmp_path, spec)[0] == "1.1.0"
    classes = _classes(tmp_path)
    assert (classes["Translation1"], classes["Translation"]) == ("Translation", "ShelfTranslation")


def test_the_manifest_records_the_class_names_a_key_alone_does_not_give(tmp_path: Path) -> None:
    """Only those: numbered, owner-named and deduped classes. Read back as the
    previous release's, they are what the naming pass keeps."""
    _generate(tmp_path, NUMBERED)
    manifest = json.loads((tmp_path / "out" / "MANIFEST.json").read_text())
    recorded = {"Item1": "ShelfItem", "Translation1": "Translation"}
    assert manifest["apis"]["v1"]["names"] == recorded
    assert list(manifest["apis"]["v1"]["names"]) == sorted(recorded)
    previous = read_previous(tmp_path / "out", "pets")
    assert previous is not None and previous.names == {"v1": recorded}
    # A manifest from before the names were recorded, or one edited into
    # another shape, records none; a name that is no class name is not kept.
    del manifest["apis"]["v1"]["names"]
    (tmp_path / "out" / "MANIFEST.json").write_text(json.dumps(manifest))
    assert read_previous(tmp_path / "out", "pets").names == {"v1": {}}  # type: ignore[union-attr]
    manifest["apis"]["v1"]["names"] = ["ShelfItem"]
    (tmp_path / "out" / "MANIFEST.json").write_text(json.dumps(manifest))
    assert read_previous(tmp_path / "out", "pets").names == {"v1": {}}  # type: ignore[union-attr]
    spec = tmp_path / "specs" / "pets.yaml"
    hostile = read_api(spec, strict=False, kept_names={"Item1": "os.system('x')", "Gone": "Gone"}).api
    assert (hostile.types["Item1"].py_name, hostile.kept_names) == ("ShelfItem", recorded)
    assert read_api(spec, strict=False, kept_names={"Item1": "StockItem"}).api.types["Item1"].py_name == "StockItem"


def test_a_newcomer_first_in_the_document_takes_no_name_from_an_older_type(tmp_path: Path) -> None:
    """`Article`, added where `article` was, wants `Article` too and comes first
    (types are taken by key): a name two types want goes to the one the
    previous release had."""
    old = json.loads(json.dumps(NUMBERED).replace("/Article", "/article"))
    schemas = old["components"]["schemas"]
    schemas["article"] = schemas.pop("Article")
    _generate(tmp_path, old)
    before = _classes(tmp_path)
    assert before["article"] == "Article"
    new = json.loads(json.dumps(old))
    new["components"]["schemas"]["Article"] = {"title": "Article", "type": "object", "properties": {"by": {"type": "string"}}}
    version, why = _generate(tmp_path, new)
    assert version == "1.1.0" and "lost" not in why, why
    after = _classes(tmp_path)
    assert {key: after[key] for key in before} == before
    assert after["Article"] == "Article2"
    # Generated afresh, the key's order decides: the newcomer would have taken it.
    fresh = read_api(tmp_path / "specs" / "pets.yaml", strict=False).api
    assert (fresh.types["Article"].py_name, fresh.types["article"].py_name) == ("Article", "Article2")


@pytest.mark.parametrize(("shipped", "reported"), [("pets.list", True), ("pets.all", False)])
def test_a_method_rename_is_reported_only_from_a_method_the_previous_release_had(
    tmp_path: Path, shipped: str, reported: bool
) -> None:
    """The previous spec is read with today's generator, which may name a method
    otherwise than the release did (`list` where it shipped `all`): a rename
    from a name no release had says nothing true, and is left out (what users
    had, `all`, is said gone or renamed from the outputs' own names)."""
    from generator.release.version import Previous, _api_bump

    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    old = read_api(spec, strict=False).api
    new = read_api(spec, strict=False).api
    new.operations[0].py_name = "every"
    new.spec_sha256 = "0" * 64
    previous = Previous(
        Version.parse("1.0.0", "test"), {"v1": old.spec_sha256}, {"v1": spec}, methods={"v1": frozenset({shipped})}
    )
    previous._read["v1"] = old
    _, changes = _api_bump(previous, "v1", new, "pets")
    renames = [c.python for c in changes or [] if c.kind == "python-method-renamed"]
    assert renames == (["pets.v1.client.pets.list → every"] if reported else [])
