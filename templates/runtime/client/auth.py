"""Credentials: how each security scheme of the spec puts one on a request.

Each security scheme (`AuthScheme`) puts its credential in a header, a query
parameter, a cookie, HTTP Basic or HTTP Digest; each operation sends the first
of its security requirement's alternatives whose credentials were all given
(`choose`). A credential given to the constructor wins over the environment
variable a scheme names, which is read only when none is given. A credential
never appears in a `repr`, an exception message or a log line: every form of
it that may show on the wire is collected (`apply`) and scrubbed from messages.
Cookie parameters go with any cookie credential in one `Cookie` header.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import httpx2

from ..errors import APIError
from ..styles import Style, cookie_text, json_text, simple_text
from .options import NotGiven, merge_headers

__all__ = [
    "AuthScheme",
    "Credentials",
    "Security",
    "apply",
    "choose",
    "cookie_header",
    "given_credentials",
    "refuse_clashes",
    "spell",
]


@dataclass(frozen=True)
class AuthScheme:
    """How one of the spec's security schemes puts a credential on a request.

    `name` is the scheme's name in the spec, as security requirements name it.
    `params` are the constructor arguments that carry the credential: a user
    name and a password for `basic` and `digest`, else one value. `kind` says
    where it goes: `header` (`prefix` + the value in the header `key`), `query`
    (the query parameter `key`), `cookie` (the cookie `key`), `basic`
    (`Authorization: Basic ...`) or `digest` (HTTP Digest, answering the
    server's challenge through `httpx2.DigestAuth`). `env` is the environment
    variable the first argument falls back to when no credential is passed."""

    name: str
    kind: Literal["header", "query", "cookie", "basic", "digest"]
    params: tuple[str, ...]
    key: str = "Authorization"
    prefix: str = ""
    env: str | None = None


# A security requirement: alternatives, each the names of the schemes it needs
# together; an empty alternative needs none (the credentials are optional).
Security = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Credentials:
    """What credentials add to a request: its headers (the client's own with
    the credentials' over them), query parameters, cookies and an auth flow."""

    headers: Mapping[str, str]
    params: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    flow: httpx2.Auth | None = None


def given_credentials(
    schemes: Sequence[AuthScheme], credentials: Mapping[str, str | None]
) -> dict[str, str]:
    """The credentials passed to the constructor (empty ones are not given); when
    none is, the one an environment variable holds, if any."""
    given = {param: value for param, value in credentials.items() if value}
    if not given:
        for scheme in schemes:
            value = os.environ.get(scheme.env) if scheme.env else None
            if value:
                return {scheme.params[0]: value}
    return given


def _where(scheme: AuthScheme) -> str:
    """Where a scheme's credential goes, for the clash check and its message."""
    if scheme.kind == "query":
        return f"the {scheme.key} query parameter"
    if scheme.kind == "cookie":
        return f"the {scheme.key} cookie"
    key = scheme.key if scheme.kind == "header" else "Authorization"
    return f"the {key.title()} header"


def refuse_clashes(
    schemes: Sequence[AuthScheme], security: Security, given: Mapping[str, str]
) -> None:
    """Credentials for alternatives of the spec's default requirement that go in the
    same place (an API key and a bearer token both in `Authorization`) are refused:
    which one is meant cannot be told."""
    offered = {name for alternative in security for name in alternative}
    places: dict[str, list[tuple[str, ...]]] = {}
    for scheme in schemes:
        if scheme.name in offered and all(given.get(param) for param in scheme.params):
            params = places.setdefault(_where(scheme), [])
            if scheme.params not in params:
                params.append(scheme.params)
    for where, params in places.items():
        if len(params) > 1:
            names = ", ".join(" and ".join(p) for p in params)
            raise APIError(f"pass only one of {names}: each is sent in {where}")


def apply(scheme: AuthScheme, values: list[str], secrets: set[str]) -> Credentials:
    """What a scheme adds to a request, given its credential; the forms of the
    secret that may show on the wire go into `secrets`, to be kept out of messages."""
    if scheme.kind in ("basic", "digest"):
        user, password = values[0], values[1]
        secrets.add(password)
        if scheme.kind == "digest":
            return Credentials({}, flow=httpx2.DigestAuth(user, password))
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        secrets.add(token)
        return Credentials({"Authorization": "Basic " + token})
    value = values[0]
    secrets.update((value, quote(value, safe=""), cookie_text(value)))
    if scheme.kind == "query":
        return Credentials({}, params={scheme.key: value})
    if scheme.kind == "cookie":
        return Credentials({}, cookies={scheme.key: value})
    return Credentials({scheme.key: scheme.prefix + value})


def choose(
    headers: Mapping[str, str],
    applied: Mapping[str, Credentials],
    security: Security,
) -> Credentials | None:
    """What the credentials add to a request needing `security`: those of the first
    alternative whose credentials were all given (`applied`, by scheme name) over the
    client's `headers`; none when the requirement is empty or has an empty
    alternative and none is met. None when nothing given meets a requirement that
    needs credentials."""
    chosen = Credentials(headers)
    met = [alt for alt in security if alt and all(name in applied for name in alt)]
    if met:
        for name in met[0]:
            part = applied[name]
            chosen = Credentials(
                merge_headers(chosen.headers, part.headers),
                {**chosen.params, **part.params},
                {**chosen.cookies, **part.cookies},
                part.flow or chosen.flow,
            )
    elif security and all(security):
        return None
    return chosen


def spell(security: Security, schemes: Mapping[str, AuthScheme], anonymous: bool) -> str:
    """What to pass for `security`: `api_key (or set DIXA_API_KEY), or username and password`
    (the environment variable is named when no credential was passed: `anonymous`)."""
    alternatives = []
    for alternative in security:
        params: list[str] = []
        for name in alternative:
            scheme = schemes.get(name)
            if scheme is None:
                continue
            env = f" (or set {scheme.env})" if scheme.env and anonymous else ""
            params += [p + (env if i == 0 else "") for i, p in enumerate(scheme.params)]
        if params:
            alternatives.append(" and ".join(dict.fromkeys(params)))
    return ", or ".join(dict.fromkeys(alternatives))


def cookie_header(
    credentials: Mapping[str, str],
    params: Mapping[str, Any] | None,
    styles: Mapping[tuple[str, str], Style] | None = None,
) -> dict[str, str] | None:
    """The `Cookie` header of a request: the cookie credentials and the operation's
    cookie parameters (theirs win on the same name; `NOT_GIVEN` and None are not sent),
    each in its style (`styles`, by `("cookie", name)`): JSON for a parameter the
    spec describes by `content`, else `form`, arrays and objects comma-separated."""
    cookies = dict(credentials)
    if params:
        for name, value in params.items():
            if not isinstance(value, NotGiven) and value is not None:
                style = (styles or {}).get(("cookie", name), ("form", False))
                cookies[name] = (
                    json_text(value) if style[0] == "json" else simple_text(value, False)
                )
    if not cookies:
        return None
    pairs = (f"{cookie_text(k, name=True)}={cookie_text(v)}" for k, v in cookies.items())
    return {"Cookie": "; ".join(pairs)}
