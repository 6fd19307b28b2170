"""The message of a status error comes from the error shapes APIs commonly
send, not only the reason phrase: a user reading `str(error)` sees what the
server said, scrubbed of the client's credentials."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.runtime_source import runtime

SECRET = "sk-very-secret-key"


def error_of(status: int, body: Any = None, *, text: str | None = None, media: str = "") -> Any:
    errors = runtime("errors")
    request = httpx2.Request("GET", "https://api.example.com/things?key=1")
    headers = {"content-type": media} if media else {}
    if text is not None:
        response = httpx2.Response(status, text=text, headers=headers, request=request)
        return errors.status_error(response, text, [SECRET])
    response = httpx2.Response(status, json=body, headers=headers, request=request)
    return errors.status_error(response, body, [SECRET])


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        # Dixa's own error shape.
        (404, {"message": "Agent not found", "_type": "NotFound", "id": "a1"}, "Agent not found"),
        # RFC 7807 / 9457 problem documents: the title and the detail, the title
        # left out when it only repeats the reason phrase.
        (422, {"type": "about:blank", "title": "Invalid name", "detail": "name is empty"},
         "Invalid name: name is empty"),
        (404, {"type": "about:blank", "title": "Not Found", "detail": "no such user"}, "no such user"),
        (409, {"title": "Version conflict"}, "Version conflict"),
        # Asana and GraphQL: a list of errors, each with its message.
        (400, {"errors": [{"message": "workspace: Missing input", "help": "..."}, {"message": "b"}]},
         "workspace: Missing input; b"),
        (400, {"errors": ["first", "second", "first"]}, "first; second"),
        # `{"error": {"message": ...}}` (OpenAI, Google) and OAuth's error and description.
        (401, {"error": {"message": "Incorrect API key", "type": "auth"}}, "Incorrect API key"),
        (400, {"error": "invalid_grant", "error_description": "code expired"}, "invalid_grant: code expired"),
    ],
)
def test_common_error_shapes_give_the_message(status: int, body: Any, message: str) -> None:
    error = error_of(status, body)
    assert error.message == message
    assert str(error) == f"{status} {httpx2.codes.get_reason_phrase(status)}: {message}"


def test_a_body_without_a_known_shape_gives_the_reason_phrase() -> None:
    for body in ({"code": 17}, {"errors": []}, {"message": "   "}, [1, 2]):
        error = error_of(400, body)
        assert (str(error), error.message) == ("400 Bad Request", "Bad Request")


def test_short_plain_text_is_the_message_and_html_is_not() -> None:
    error = error_of(400, text="Invalid value for: body\n(missing field)", media="text/plain; charset=utf-8")
    assert str(error) == "400 Bad Request: Invalid value for: body (missing field)"
    error = error_of(502, text="<html><body>Bad gateway</body></html>", media="text/html")
    assert str(error) == "502 Bad Gateway"
    error = error_of(400, text="x" * 600, media="text/plain")  # a page of text is no message
    assert str(error) == "400 Bad Request"


def test_messages_from_every_shape_are_scrubbed() -> None:
    for body in (
        {"message": f"bad key {SECRET}"},
        {"title": "Denied", "detail": f"key {SECRET.upper()} revoked"},
        {"errors": [{"message": f"key {SECRET}"}]},
        {"error": {"message": f"key {SECRET}"}},
        {"error": "invalid_key", "error_description": SECRET},
    ):
        error = error_of(401, body)
        assert SECRET.lower() not in str(error).lower() and "***" in str(error)
        assert SECRET.lower() not in str(error.body).lower()
