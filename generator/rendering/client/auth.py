"""The credentials of a generated client: its constructor arguments, one per
thing sent (an API key, a token, a user name and password), and the
`AuthScheme`s and security requirements the runtime reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...ir.model import Api, SecurityScheme
from ..code import Node, call, display
from ..pytypes import literal


@dataclass
class _Credential:
    """Constructor arguments that carry one credential (one value, or a user
    name and a password), and the spec's schemes that send it."""

    params: tuple[str, ...]
    env: str | None
    schemes: list[SecurityScheme] = field(default_factory=list)

    def docs(self) -> list[tuple[str, str]]:
        """Each argument with its line in the constructor's docstring."""
        names = " and ".join(f"`{scheme.name}`" for scheme in self.schemes)
        whose = f"the spec's {names} scheme{'s' if len(self.schemes) > 1 else ''}"
        notes = [" ".join(d.split()) for d in dict.fromkeys(s.description or "" for s in self.schemes) if d.strip()]
        if len(self.params) == 2:
            kinds = " or ".join(dict.fromkeys(f"HTTP {(s.scheme or '').title()}" for s in self.schemes))
            user = f"the user name for {whose} ({kinds}, in the `Authorization` header)."
            password = f"the password that goes with `{self.params[0]}`."
            return [(self.params[0], " ".join([user, *notes, *self._deprecated()])), (self.params[1], password)]
        first = self.schemes[0]
        if first.type == "apiKey":
            where = {"header": f"in the `{first.parameter_name}` header", "query": f"as the `{first.parameter_name}` "
                     "query parameter", "cookie": f"as the `{first.parameter_name}` cookie"}[first.location or ""]
            text = f"the credential for {whose}, sent {where}"
        else:
            text = f"the credential for {whose}, sent in the `Authorization` header after `Bearer`"
            if any(s.type != "http" for s in self.schemes):
                text += " (an OAuth 2 or OpenID Connect access token: obtaining one is up to the caller)"
        if self.env:
            text += f"; defaults to the `{self.env}` environment variable when no credential is passed"
        return [(self.params[0], " ".join([text + ".", *self._oauth(), *notes, *self._deprecated()]))]

    def _oauth(self) -> list[str]:
        """Where an OAuth 2 or OpenID Connect scheme's tokens come from, as far as
        the spec says: its authorization server's metadata and 3.2's device flow."""
        lines = []
        for scheme in self.schemes:
            if scheme.metadata_url:
                server = f"The `{scheme.name}` scheme's authorization server"
                lines.append(f"{server} describes itself at {scheme.metadata_url}.")
            device = scheme.flows.get("deviceAuthorization", {})
            if device.get("deviceAuthorizationUrl") and device.get("tokenUrl"):
                lines.append(f"A device can obtain one for `{scheme.name}` at {device['deviceAuthorizationUrl']} "
                             f"(token endpoint {device['tokenUrl']}).")
        return lines

    def _deprecated(self) -> list[str]:
        """The deprecation of the spec's schemes this credential goes to: where an
        operation also accepts another credential that was given, that one is sent."""
        names = [f"`{s.name}`" for s in self.schemes if s.deprecated]
        if not names:
            return []
        which = "this scheme" if len(names) == len(self.schemes) == 1 else " and ".join(names)
        return [f"Deprecated: the spec deprecates {which}; an operation that also accepts a credential given "
                "for a scheme not deprecated sends that one."]


@dataclass
class Auth:
    """The client's credentials: its constructor `arguments` (name, docstring line),
    the `AuthScheme`s of the spec's schemes it can send, the spec's default
    requirement with only those schemes, and whether a client without any
    credential is refused at once (`check`: no operation can be called without one)."""

    arguments: list[tuple[str, str]]
    schemes: list[Node]
    names: frozenset[str]
    default: tuple[tuple[str, ...], ...]
    check: bool
    key_variable: str = ""  # the environment variable `api_key` falls back to
    deprecated: frozenset[str] = frozenset()  # the names of the schemes the spec deprecates
    # The argument a caller is shown first: the first credential's, passing over
    # those whose every scheme is deprecated (None where the client takes none).
    preferred: str | None = None

    def requirement(self, security: list[dict[str, list[str]]]) -> tuple[tuple[str, ...], ...]:
        """A spec's security requirement as the runtime reads it: its alternatives,
        each with only the schemes the client can send. A scheme it cannot send (an
        unknown name, mutual TLS, an HTTP scheme other than Basic, Bearer and
        Digest) is left to the caller's own `http_client`, so it is not checked.
        The runtime sends the first alternative whose credentials were given, so
        those with a deprecated scheme come last (in the spec's order otherwise):
        a caller who gave credentials for both sends the one not deprecated."""
        alternatives = dict.fromkeys(tuple(name for name in alt if name in self.names) for alt in security)
        return tuple(sorted(alternatives, key=lambda alt: any(name in self.deprecated for name in alt)))


def credential_arguments(prefix: str, api: Api) -> list[str]:
    """The constructor arguments of the API's clients that carry credentials."""
    return [name for name, _ in auth_of(api, key_variable(prefix)).arguments]


def brand(prefix: str) -> str:
    """The name the API goes by in what users type besides imports (environment
    variables, the error class, pytest fixtures): the top-level import package
    without a trailing `_sdk`, `_client` or `_api`, which say what the package
    is, not whose API it calls. `dixa` for `dixa_sdk/v1`, `github` for `github`."""
    top = prefix.split("/")[0]
    short = re.sub(r"_(sdk|client|api)$", "", top)
    return short or top


def base_url_variable(prefix: str) -> str:
    """The environment variable a client's `base_url` falls back to when none is
    passed: `DIXA_BASE_URL` for `dixa_sdk/v1` (every API of a package shares it)."""
    return re.sub(r"[^A-Z0-9]+", "_", brand(prefix).upper()).strip("_") + "_BASE_URL"


def key_variable(prefix: str) -> str:
    """The environment variable the first API key falls back to, named after the
    API's brand: `DIXA_API_KEY` for `dixa_sdk/v1`, `GITHUB_API_KEY` for `github`."""
    return re.sub(r"[^A-Z0-9]+", "_", brand(prefix).upper()).strip("_") + "_API_KEY"


def auth_of(api: Api, key_variable: str) -> Auth:
    """The constructor arguments that carry credentials, as the naming pass
    named them (`SecurityScheme.arguments`), the first API key falling back to
    the `key_variable` environment variable, and how each scheme sends its
    credential."""
    credentials: dict[tuple[str, ...], _Credential] = {}
    sent: list[tuple[SecurityScheme, _Credential, str, str]] = []  # scheme, credential, kind, key
    for scheme in api.security_schemes:
        if not scheme.arguments:
            continue
        kind, key = "header", "Authorization"
        if scheme.type == "apiKey" and scheme.location and scheme.parameter_name:
            kind, key = scheme.location, scheme.parameter_name
        elif scheme.type == "http" and scheme.scheme in ("basic", "digest"):
            kind = scheme.scheme
        credential = credentials.get(scheme.arguments)
        if credential is None:
            env = key_variable if scheme.arguments == ("api_key",) else None
            credential = credentials[scheme.arguments] = _Credential(scheme.arguments, env)
        credential.schemes.append(scheme)
        sent.append((scheme, credential, kind, key))
    schemes: list[Node] = []
    for scheme, credential, kind, key in sent:
        args: list[Node] = [literal(scheme.name), literal(kind), display("(", [literal(p) for p in credential.params])]
        if scheme.type == "apiKey":
            args.append(literal(key))
        elif kind == "header":
            args.append('prefix="Bearer "')
        if credential.env:
            args.append(f"env={literal(credential.env)}")
        schemes.append(call("AuthScheme", *args))
    auth = Auth(
        arguments=[a for c in credentials.values() for a in c.docs()],
        schemes=schemes,
        names=frozenset(scheme.name for scheme, *_ in sent),
        default=(),
        check=False,
        key_variable=key_variable,
        deprecated=frozenset(scheme.name for scheme, *_ in sent if scheme.deprecated),
    )
    current = [c for c in credentials.values() if not all(s.deprecated for s in c.schemes)]
    auth.preferred = next((c.params[0] for c in [*current, *credentials.values()]), None)
    auth.default = auth.requirement(api.security)
    effective = [auth.requirement(op.security if op.security is not None else api.security) for op in api.operations]
    auth.check = bool(effective) and all(requirement and all(requirement) for requirement in effective)
    return auth


def security_node(security: tuple[tuple[str, ...], ...], head: str = "") -> Node:
    """A requirement as a tuple of tuples of scheme names."""
    return display("(", [display("(", [literal(name) for name in alt]) for alt in security], head=head)
