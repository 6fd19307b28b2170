"""What the client writes for a parameter, the stub reads back: `styles.py`'s two halves.

Every style OpenAPI allows in each location, exploded or not, for a scalar, an
array and an object, goes through the wire as it would: a path segment
percent-decoded (as Starlette routes it), a query URL-encoded by httpx2 and
parsed back, a header as it is, a cookie through the `Cookie` header and
Starlette's cookie parser. The runtime is imported from `templates/runtime`,
so an edit to it is tested without regenerating.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import cookie_parser

from tests.runtime_source import runtime

styles = runtime("styles")
auth = runtime("client.auth")

NAME = "color"
VALUES: dict[str, Any] = {
    "scalar": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": "100", "G": "200", "B": "150"},
}
# OpenAPI's styles by location (`json`: a parameter described by `content`).
STYLES = {
    "path": ("simple", "label", "matrix", "json"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject", "json"),
    "header": ("simple", "json"),
    "cookie": ("form", "json"),
}
# Shapes a style does not apply to (OpenAPI: n/a in its table).
NOT_APPLICABLE = {("spaceDelimited", "scalar"), ("pipeDelimited", "scalar")}

# An exploded `form` object in a cookie is one cookie per field (`R=100; G=200`), whose
# names are the fields', not the parameter's: the client writes it as one cookie, comma-separated.
KNOWN_GAPS = {
    ("cookie", "form", True, "object"): "an exploded form object is written as one cookie, not one per field",
}


def _cases() -> list[Any]:
    cases = []
    for location, names in STYLES.items():
        for style in names:
            for explode in (False, True):
                for shape in VALUES:
                    if (style, shape) in NOT_APPLICABLE:
                        continue
                    key = (location, style, explode, shape)
                    marks = (
                        [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[key])]
                        if key in KNOWN_GAPS
                        else []
                    )
                    cases.append(
                        pytest.param(*key, marks=marks, id=f"{location}-{style}-{explode}-{shape}")
                    )
    return cases


def through_the_wire(location: str, style: str, explode: bool, value: Any, shape: str) -> Any:
    """`value` written by the client's half and read by the stub's, as text."""
    kind = {"array": shape == "array", "object": shape == "object"}
    if location == "path":
        segment = styles.path_param(value, style, explode, NAME)
        assert "/" not in segment
        return styles.decode_text(unquote(segment), (style, explode), name=NAME, **kind)
    if location == "query":
        pairs = styles.query_pairs(NAME, value, (style, explode))
        url = httpx2.URL("https://api.example.com/x", params=httpx2.QueryParams(pairs))
        sent = parse_qsl(url.query.decode(), keep_blank_values=True)
        return styles.decode_query(sent, NAME, (style, explode), declared=frozenset({NAME}), **kind)
    if location == "header":
        text = styles.header_text(value, (style, explode))
        return styles.decode_text(text, (style, explode), name=NAME, **kind)
    header = auth.cookie_header({}, {NAME: value}, {("cookie", NAME): (style, explode)})
    assert header is not None
    raw = styles.cookie_value(cookie_parser(header["Cookie"])[NAME])
    return styles.decode_text(raw, (style, explode), name=NAME, **kind)


@pytest.mark.parametrize("location, style, explode, shape", _cases())
def test_what_the_client_writes_the_stub_reads_back(
    location: str, style: str, explode: bool, shape: str
) -> None:
    value = VALUES[shape]
    read = through_the_wire(location, style, explode, value, shape)
    assert (json.loads(read) if style == "json" else read) == value


def test_deep_objects_nest_lists_and_objects() -> None:
    value = {"a": [{"b": "1"}, {"b": "2"}], "c": {"d": "x"}}
    pairs = styles.query_pairs("filter", value, ("deepObject", True))
    assert pairs == [("filter[a][0][b]", "1"), ("filter[a][1][b]", "2"), ("filter[c][d]", "x")]
    assert styles.decode_query(pairs, "filter", ("deepObject", True), object=True) == value


def test_an_exploded_query_object_leaves_the_other_parameters_alone() -> None:
    pairs = [*styles.query_pairs("color", VALUES["object"], ("form", True)), ("limit", "5")]
    read = styles.decode_query(
        pairs, "color", ("form", True), object=True, declared=frozenset({"color", "limit"})
    )
    assert read == VALUES["object"]


def test_scalars_are_written_as_the_spec_spells_them() -> None:
    from datetime import date, datetime, timezone
    from enum import Enum

    class Kind(Enum):
        EMAIL = "Email"

    assert [
        styles.scalar(v)
        for v in (
            True,
            False,
            Kind.EMAIL,
            date(2024, 1, 2),
            datetime(2024, 1, 2, tzinfo=timezone.utc),
            3,
        )
    ] == ["true", "false", "Email", "2024-01-02", "2024-01-02T00:00:00+00:00", "3"]


# Any text at all survives the styles that do not split a scalar: a path segment,
# a query value and a JSON parameter (a header is ASCII without line breaks).
TEXT = st.text(min_size=1, max_size=30)


@given(TEXT)
def test_any_text_survives_a_path_segment(text: str) -> None:
    assert through_the_wire("path", "simple", False, text, "scalar") == text


@given(TEXT)
def test_any_text_survives_a_query_value(text: str) -> None:
    assert through_the_wire("query", "form", True, text, "scalar") == text


@given(
    st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters=","), min_size=1),
        min_size=1,
        max_size=5,
    )
)
def test_an_array_without_commas_survives_a_query(items: list[str]) -> None:
    assert through_the_wire("query", "form", False, items, "array") == items
    assert through_the_wire("query", "form", True, items, "array") == items


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans(), lambda inner: st.lists(inner, max_size=3)
    )
)
def test_any_json_value_survives_a_json_query_parameter(value: Any) -> None:
    assert json.loads(through_the_wire("query", "json", False, value, "scalar")) == value
