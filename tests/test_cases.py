"""Small one-feature specs under tests/cases/: each pins a normalization by its
generated package (golden files: the models, the client and the stub server)
and by what those models do.

Update the golden files after an intended change with `make update-cases`.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest

from generator.output.format import format_files
from generator.rendering.package import api_files, runtime_files
from generator.reading.read import read_api

CASES = Path(__file__).resolve().parent / "cases"
UPDATE = os.environ.get("DIXAGEN_UPDATE_CASES") == "1"


def render_case(case: str, package: str = "pkg") -> dict[str, str]:
    """The case's package as `generate --spec` writes it (models, client, stub
    server, webhooks), with the runtime it needs, by path inside the package."""
    api = read_api(CASES / case / "spec.yaml", strict=False).api
    files = {**runtime_files(package), **api_files(package, api, f"{package}._runtime")}
    return {path.split("/", 1)[1]: text for path, text in format_files(files).items()}


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if (p / "spec.yaml").exists()))
def test_case_matches_golden(case: str) -> None:
    """The package of each case, file by file: its models, client and stub (the
    shared runtime is tested where it lives, in tests/runtime/)."""
    files = {path: text for path, text in render_case(case).items() if not path.startswith("_runtime/")}
    expected_root = CASES / case / "expected"
    if UPDATE:
        shutil.rmtree(expected_root, ignore_errors=True)
        for path, text in files.items():
            (expected_root / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_root / path).write_text(text)
    expected = {p.relative_to(expected_root).as_posix(): p.read_text() for p in expected_root.rglob("*") if p.is_file()}
    assert expected, f"{expected_root} missing: run `make update-cases`"
    assert sorted(files) == sorted(expected), f"{case}: files differ: run `make update-cases` if intended"
    for path, text in files.items():
        assert text == expected[path], f"{case}/{path} changed: run `make update-cases` if intended"


@pytest.fixture
def load_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Generate a case into a temporary folder and import its models."""
    loaded: list[str] = []

    def load(case: str) -> ModuleType:
        root = tmp_path / case
        for relative, text in render_case(case).items():
            path = root / "pkg" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]
        monkeypatch.syspath_prepend(str(root))
        monkeypatch.chdir(root)
        loaded.append(case)
        return importlib.import_module("pkg.models")

    yield load
    for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
        del sys.modules[name]


def test_tapir_union_dispatches_on_type_and_emits_it(load_case: Any) -> None:
    m = load_case("tapir_union")
    html = m.validate("Content", {"value": "<b>hi</b>", "_type": "Html"})
    assert type(html) is m.Html
    text = m.validate("Content", {"value": "hi", "_type": "Text"})
    assert type(text) is m.Text  # same shape as Html: the tag decides
    assert m.to_wire(text) == {"value": "hi", "_type": "Text"}
    # Built in code, the variant sends its tag without being told.
    assert m.Text(value="hi").to_wire() == {"_type": "Text", "value": "hi"}
    assert m.Message(content=m.Html(value="x")).to_wire() == {"content": {"_type": "Html", "value": "x"}}
    # No tag on the wire: matched by shape, and no tag is added on the way back.
    untagged = m.validate("Content", {"value": "hi"})
    assert m.to_wire(untagged) == {"value": "hi"}
    # A `type` key is data, not the tag (whose Python name is `type`).
    typed = m.validate("Content", {"value": "hi", "type": "Html"})
    assert typed.type == type(typed).__wire_tag__ and typed.model_extra == {"type": "Html"}
    assert m.to_wire(typed) == {"value": "hi", "type": "Html"}
    # A tag this SDK does not know: kept whole, in the union's own fallback, an
    # `UnknownVariant` that also has the field every variant has.
    future = m.validate("Content", {"_type": "Markdown", "value": "*hi*", "extra": 1})
    assert type(future) is m.UnknownContent and isinstance(future, m.ContentBase)
    assert "UnknownVariant" in {base.__name__ for base in type(future).__mro__}
    assert future.value == "*hi*"
    assert m.to_wire(future) == {"_type": "Markdown", "value": "*hi*", "extra": 1}


def test_empty_variant_union_is_a_string_enum(load_case: Any) -> None:
    m = load_case("tapir_union")
    message = m.validate("Message", {"content": {"_type": "Text", "value": "a"}, "status": "Open"})
    assert message.status == "Open" and message.status is m.Status.OPEN
    assert m.to_wire(message)["status"] == "Open"
    # tapir sometimes writes the same value as a tagged object: kept as it came.
    tagged = m.validate("Message", {"content": {"_type": "Text", "value": "a"}, "status": {"_type": "Closed"}})
    assert tagged.status == "Closed"
    assert m.to_wire(tagged)["status"] == {"_type": "Closed"}
    # An unknown value is kept and written back unchanged.
    later = m.validate("Message", {"content": {"_type": "Text", "value": "a"}, "direction": "Sideways"})
    assert later.direction == "Sideways"
    assert m.to_wire(later)["direction"] == "Sideways"


def test_numbered_names_use_the_wire_name_as_tag(load_case: Any) -> None:
    m = load_case("numbered_names")
    error = m.validate("BulkError", {"_type": "NotFound", "id": "1", "message": "gone"})
    assert type(error) is m.BulkErrorNotFound  # `NotFound1` named after the union that lists it
    outcome = m.validate("BulkActionOutcome_BulkError_UUID", {"_type": "BulkActionSuccess", "data": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a"})
    assert type(outcome) is m.BulkActionSuccessBulkErrorUUID
    assert m.BulkActionFailureBulkErrorUUID(error=m.Validation(message="x")).to_wire() == {
        "_type": "BulkActionFailure",
        "error": {"_type": "Validation", "message": "x"},
    }


def test_values_enums_become_enums(load_case: Any) -> None:
    m = load_case("values_enums")
    assert [e.value for e in m.Channel] == ["Email", "WidgetChat", "1stParty"]
    assert m.Channel.VALUE_1ST_PARTY.value == "1stParty"
    assert m.validate("Conversation", {"channel": "Email", "tags": ["vip"]}).tags == [m.Tags.VIP]
    assert m.validate("Priority", 2) is m.Priority.VALUE_2
    assert m.validate("Priority", 7) == 7  # an unknown integer value is kept
    assert {k.name for k in m.Kind} == {"USER", "USER_2", "CONVERSATION"}


def test_recursive_schemas(load_case: Any) -> None:
    m = load_case("recursion")
    tree = {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}], "parent": {"name": "root"}}
    assert m.to_wire(m.validate("Category", tree)) == tree
    expression = {"_type": "And", "operands": [{"_type": "Leaf", "value": "x"}, {"_type": "And", "operands": []}]}
    assert m.to_wire(m.validate("Expression", expression)) == expression


def test_aliases_that_reach_themselves(load_case: Any) -> None:
    """Lists, maps and unions defined through themselves, directly or through each other."""
    m = load_case("recursion")
    assert m.validate("Tree", [[], [[[]], []]]) == [[], [[[]], []]]
    with pytest.raises(ValueError):
        m.validate("Tree", [[1]])
    assert m.validate("Labels", {"a": {"b": {}}, "c": {}}) == {"a": {"b": {}}, "c": {}}
    nested = [{"x": [{"y": []}]}, {}]
    assert m.validate("Nested", nested) == nested
    with pytest.raises(ValueError):
        m.validate("NestedMap", {"x": [{"y": "not a list"}]})
    value = m.validate("Value", ["a", ["b", None], {"name": "c"}])
    assert value[1] == ["b", None] and type(value[2]) is m.Category
    assert m.to_wire(value) == ["a", ["b", None], {"name": "c"}]
    # Through a class and back: a Folder's entries hold folders and lists of entries.
    folder = m.validate("Folder", {"tree": [[]], "entries": [{"entries": []}, [{"tree": []}, []]]})
    assert type(folder.entries[0]) is m.Folder and type(folder.entries[1][0]) is m.Folder
    assert m.to_wire(folder) == {"tree": [[]], "entries": [{"entries": []}, [{"tree": []}, []]]}
    assert m.to_wire(m.Folder(tree=[[[]]])) == {"tree": [[[]]]}


def test_keyword_names_are_safe(load_case: Any) -> None:
    m = load_case("keyword_names")
    payload = {"from": "a", "import": 1, "_type": "t", "type": "u", "model_config": "c", "json": True,
               "date": "2024-01-02", "2fa": False, "fooBar": "x", "foo_bar": "y"}
    value = m.validate("class", payload)
    assert (value.from_, value.import_, value.type_2, value.type, value.field_2fa) == ("a", 1, "t", "u", False)
    assert (value.foo_bar_2, value.foo_bar) == ("x", "y")
    assert m.to_wire(value) == payload
    # A field's Python name is never another field's wire key, so one key fills one field.
    for key, value in [("foo_bar", "y"), ("type", "u"), ("fooBar", "x")]:
        assert m.to_wire(m.validate("class", {key: value})) == {key: value}
    assert m.to_wire(m.Class(foo_bar="y", type="u")) == {"foo_bar": "y", "type": "u"}
    assert m.validate("None", "None") is m.NoneModel.NONE


def test_hostile_strings_never_become_code(load_case: Any, tmp_path: Path) -> None:
    m = load_case("hostile_strings")
    assert not list(tmp_path.rglob("PWNED"))
    payload = {'na"me': "n", "'''": "q", "{{ x }}": "j", "line\nbreak": 3, "def": '{{ x }}'}
    value = m.validate("Thing", payload)
    assert value.na_me == "n" and value.line_break == 3
    assert m.to_wire(value) == payload
    assert [e.value for e in m.Tricky] == ['"""', "'''", "\\", "{{ x }}", "\n", "import os", "lambda"]
    assert m.Thing(na_me="z").field == '"""\\\''
    assert '"""' in (m.Thing.__doc__ or "")


def test_allof_of_one_ref_is_a_subclass(load_case: Any) -> None:
    m = load_case("allof_inheritance")
    dog = m.validate("Dog", {"name": "Rex", "bark": True, "tag": "good"})
    assert isinstance(dog, m.Pet) and m.Dog.__bases__ == (m.Pet,)
    assert m.to_wire(dog) == {"name": "Rex", "bark": True, "tag": "good"}
    # Fields in Python's order for a subclass (the parent's first); required overrides hold.
    assert list(m.Puppy.model_fields) == ["name", "tag", "bark", "age"]
    assert m.Puppy.model_fields["tag"].is_required() and not m.Dog.model_fields["tag"].is_required()
    with pytest.raises(ValueError):
        m.validate("Puppy", {"name": "a", "bark": False})
    # A parent defined in another module (each type has its own), imported by its child's.
    assert m.Dog.__module__ == "pkg.models.dog" and m.Pet.__module__ == "pkg.models.pet"
    assert m.validate("Beagle", {"nose": 1, "ears": "long"}).nose == 1.0
    # A discriminated variant of an untagged parent: a subclass that sends its tag.
    assert issubclass(m.Bird, m.Animal) and m.Bird(wings=2).to_wire() == {"kind": "bird", "wings": 2}
    fish = m.validate("AnyAnimal", {"kind": "fish", "fins": 3})
    assert type(fish) is m.Fish and m.to_wire(fish) == {"kind": "fish", "fins": 3}
    # Merged where a subclass would not mean the same.
    dixa_model = importlib.import_module("pkg._runtime.models").APIModel
    for name in ("Owner", "Retyped", "FromAlias", "Parrot", "FromUnion"):
        assert getattr(m, name).__bases__ == (dixa_model,), name
    assert m.Retyped.model_fields["name"].is_required()  # Pet requires it, whatever its type here
    loop = m.validate("Loop", {"value": "a", "next": {"value": "b"}})
    assert m.to_wire(loop) == {"value": "a", "next": {"value": "b"}}


def test_enums_of_objects_and_arrays(load_case: Any) -> None:
    """Docker's engine API: map values that are `enum: [{}]`."""
    m = load_case("object_enums")
    payload = {"ExposedPorts": {"80/tcp": {}}, "Volumes": {"/data": {}}, "Shape": [1, 2]}
    assert m.to_wire(m.validate("ContainerConfig", payload)) == payload
    assert m.validate("ContainerConfig", {"Shape": "x"}).shape == "x"


# Cases whose models exercise the type checker most: subclasses that narrow
# inherited fields, tagged subclasses, recursive aliases, defaults the spec
# writes in another type than the field's.
TYPED_CASES = ("allof_inheritance", "recursion", "maps_formats", "wire_names")


def test_case_models_pass_mypy_strict(tmp_path: Path, mypy_cache: Path) -> None:
    for case in TYPED_CASES:
        for relative, text in render_case(case, package=case).items():
            path = tmp_path / case / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache), "--no-pretty",
         *[f"{case}/models" for case in TYPED_CASES]],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
