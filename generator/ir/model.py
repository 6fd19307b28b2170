"""The intermediate representation: an API as the generator understands it.

`build` fills it straight from the document; the passes (`ir.passes`, where
the generator decides) then make Dixa's implicit conventions explicit (unions
tagged on `_type`, enums written in descriptions, Python names) and settle how
the wire is spoken (parameter styles, answers, pages, the stateful stub). This
module only holds what they decided; renderers and the diff read it, so the
models, the client, the stub server and the diff agree.

Types form a small tree of dataclasses; each has a `kind` so that the JSON
dump (`dixagen ir`) and the templates can tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Union

JsonValue = Any


@dataclass(kw_only=True)
class Primitive:
    """A scalar: `name` is the JSON type, `format` the OpenAPI format."""

    kind: Literal["primitive"] = "primitive"
    name: Literal["string", "integer", "number", "boolean", "any"]
    format: str | None = None
    nullable: bool = False


@dataclass(kw_only=True)
class Ref:
    """A use of a named type (a component schema or a hoisted inline one)."""

    kind: Literal["ref"] = "ref"
    target: str
    nullable: bool = False


@dataclass(kw_only=True)
class ArrayType:
    kind: Literal["array"] = "array"
    items: Type
    unique: bool = False
    nullable: bool = False


@dataclass(kw_only=True)
class MapType:
    """An object used as a dictionary (`additionalProperties`)."""

    kind: Literal["map"] = "map"
    values: Type
    key_values: list[str] | None = None
    nullable: bool = False


@dataclass(kw_only=True)
class EnumMember:
    value: JsonValue
    py_name: str = ""


@dataclass(kw_only=True)
class EnumType:
    """A closed set of values; `source` tells where the values were found."""

    kind: Literal["enum"] = "enum"
    members: list[EnumMember]
    base: Literal["string", "integer", "number", "boolean", "mixed"] = "string"
    source: Literal["enum", "description", "union", "const"] = "enum"
    nullable: bool = False


@dataclass(kw_only=True)
class Property:
    wire_name: str
    type: Type
    required: bool = False
    description: str | None = None
    default: JsonValue = None
    has_default: bool = False
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    py_name: str = ""
    # The description without an enum's `values: [..]` list (set by the descriptions pass).
    plain_description: str | None = None

    @property
    def optional(self) -> bool:
        """Whether the Python field may be left out, and so also holds None.

        A read-only field is only ever sent by the server and a write-only one
        only by the client: one model serves both directions, so neither is
        required.
        """
        return not self.required or self.has_default or self.read_only or self.write_only


@dataclass(kw_only=True)
class Tag:
    """The tag a union variant carries on the wire, e.g. `{"_type": "Email"}`."""

    property: str
    value: str
    py_name: str = ""


@dataclass(kw_only=True)
class ObjectType:
    """An object with named properties.

    `properties` is always the whole list, inherited ones included, so that
    whatever reads the IR sees every field. `base` names the object this one
    extends (`allOf` of one `$ref` plus fields of its own): the models declare
    it as the parent class and repeat only the fields that are new or differ.
    `build` proposes it; the `inheritance` pass keeps it only where a Python
    subclass means the same as the merged object. `camel` (set by the naming
    pass) says the fields are on the wire as their Python names in camelCase,
    so only the others spell out their wire names.
    """

    kind: Literal["object"] = "object"
    properties: list[Property] = field(default_factory=list)
    additional: Type | None = None
    tag: Tag | None = None
    base: str | None = None
    nullable: bool = False
    camel: bool = False
    # The unions whose common base class this class also derives from (their
    # names in `Api.types`; set by the shared pass).
    shares: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class SharedFields:
    """What every object variant of a union has in common (set by the shared
    pass): the fields declared alike on all of them (same wire name, Python name
    and type, required or not alike), in the first variant's order. They are
    declared for type checkers on the base class `py_name`, which every variant
    derives from; a tagged union's unknown variants parse to `fallback_py_name`,
    which derives from it too and declares them for real. `module` is the
    base's module (set by the modules pass)."""

    py_name: str
    properties: list[Property]
    fallback_py_name: str = ""
    module: str = ""


UnionStyle = Literal["unclassified", "tagged", "plain"]


@dataclass(kw_only=True)
class UnionType:
    """`oneOf`/`anyOf`. Once classified, `tagged` unions dispatch on
    `tag_property` (one lookup in `tags`), `plain` ones by shape. `bare` lists
    the value types of variants that wrap a single `value` (circe's value
    classes), which may also come unwrapped."""

    kind: Literal["union"] = "union"
    variants: list[Type]
    style: UnionStyle = "unclassified"
    tag_property: str | None = None
    tags: dict[str, str] = field(default_factory=dict)  # tag value -> variant target
    explicit_discriminator: bool = False
    bare: list[Type] = field(default_factory=list)  # wrapped values also accepted unwrapped
    nullable: bool = False
    shared: SharedFields | None = None  # the fields every variant has (set by the shared pass)


Type = Union[Primitive, Ref, ArrayType, MapType, EnumType, ObjectType, UnionType]


@dataclass(kw_only=True)
class NamedType:
    """A type with a name of its own: a component schema or a hoisted inline schema."""

    name: str  # key in the document (or a stable name derived from its position)
    type: Type
    title: str | None = None
    description: str | None = None
    pointer: str = ""
    file: str = ""
    line: int | None = None
    wire_name: str = ""
    py_name: str = ""
    module: str = ""  # its module in the models package (set by the modules pass)
    # The TypedDict of its wire form that request bodies also accept ("" where
    # no body reaches it; set by the dicts pass).
    dict_py_name: str = ""
    # Its keys cannot be a TypedDict class's attribute names (`from`, `a-b`, a
    # name its annotations use): the dict is written as a `TypedDict(...)` call.
    dict_functional: bool = False
    component: bool = True
    deprecated: bool = False
    examples: list[JsonValue] = field(default_factory=list)
    extensions: dict[str, JsonValue] = field(default_factory=dict)
    # The description as documentation shows it: an enum's `values: [..]` list
    # left out, its members say it (set by the descriptions pass).
    plain_description: str | None = None


@dataclass(kw_only=True)
class Parameter:
    name: str
    # `querystring` (OpenAPI 3.2): the whole query string, one value described by `content`.
    location: Literal["path", "query", "querystring", "header", "cookie"]
    type: Type
    required: bool = False
    description: str | None = None
    deprecated: bool = False
    style: str | None = None
    explode: bool | None = None
    py_name: str = ""
    schema_pointer: str = ""  # where its schema is in the root document ("" elsewhere or absent)
    content_type: str = ""  # a parameter described by `content`: the media type its value is written in
    # How the value is written, OpenAPI's defaults filled in (set by the styles
    # pass): `json` for one described by `content`. `default_style`: both are
    # what the runtimes assume for its location, so the renderers leave them out.
    wire_style: str = ""
    wire_explode: bool = False
    default_style: bool = True


@dataclass(kw_only=True)
class Body:
    content_type: str
    type: Type
    required: bool = False
    description: str | None = None
    examples: list[JsonValue] = field(default_factory=list)
    schema_pointer: str = ""  # where its schema is in the root document ("" elsewhere)
    # A form's `encoding`: the fields written in a style of their own (`metadata`: deepObject, exploded).
    encoding: dict[str, tuple[str, bool]] = field(default_factory=dict)
    # Examples that contradict the schema as the wire reads it (see `wire`), by index: why.
    off_schema: dict[int, str] = field(default_factory=dict)
    # The method's keyword argument for each part of a multipart form the
    # schema names, by wire name (set by the naming pass).
    part_arguments: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class Response:
    status: str  # "200", "4XX", "default"
    description: str | None = None
    content_type: str | None = None
    type: Type | None = None
    examples: dict[str, JsonValue] = field(default_factory=dict)
    envelope: str | None = None  # property that wraps the payload, e.g. "data"
    # What the client returns of the answer: the type inside the envelope, else
    # the type itself (set by the operations pass).
    payload: Type | None = None
    headers: list[str] = field(default_factory=list)  # the response headers it declares, e.g. "Link"
    schema_pointer: str = ""  # where its schema is in the root document ("" elsewhere)
    # Examples that contradict the schema as the wire reads it (see `wire`), by name: why.
    off_schema: dict[str, str] = field(default_factory=dict)
    # A sequential media type's `itemSchema` (OpenAPI 3.2): the type of each item, and,
    # for an event stream whose item is the event (`data`, `event`, `id`, `retry`), the
    # type its `data` holds (its `contentSchema` where it has one).
    item_type: Type | None = None
    item_data_type: Type | None = None
    # The one name such an event's schema gives its `event` field (`const`, a one-value enum, a default).
    event_name: str | None = None


PagingStyle = Literal["page_key", "next_page_url", "cursor", "after_id", "link_header", "offset", "page_number"]


@dataclass(kw_only=True)
class Paging:
    """How a list operation pages (the styles are described in the runtime's
    `paging.py`): the query parameter that takes the cursor, where the next
    cursor or link is found in the answer, where its items are (an empty path:
    the answer is the list), whether there are more (`has_more_path`) and the
    item field whose value on the last item leads on (`item_id`)."""

    style: PagingStyle
    cursor_parameter: str
    next_path: list[str]
    items_path: list[str]
    has_more_path: list[str] = field(default_factory=list)
    item_id: str = ""
    # The list type at `items_path` in the answer (set by the pages pass); None:
    # the answer has no list there, and the client does not page it.
    items: ArrayType | None = None
    # The stub pages it: a cursor or next link in the body, the items in `data`.
    served: bool = False
    # The query parameter that sets a page's size, for the stub ("" where none is known).
    size_parameter: str = ""


@dataclass(kw_only=True)
class Collection:
    """A path whose items the stateful stub keeps (created by a POST on it, or
    by a PUT on an item's path): `item` is the type of its items, `id_property`
    the field that identifies one, `id_kind` how the stub makes a new id
    (`integer`: 1, 2, ...; `uuid`; `string`: "1", "2", ...; `synth`: a value made
    from the field's schema, for ids of another format)."""

    path: str
    item: Type
    id_property: str = "id"
    id_kind: Literal["integer", "uuid", "string", "synth"] = "string"


@dataclass(kw_only=True)
class StatefulRole:
    """An operation's part in stateful mode: `role` (`create` and `list` on the
    collection's path; `read`, `replace`, `update`, `delete` on an item's) and
    the path parameter that names the item (item roles only). `creates`: a
    replace that stores the item under the path's id when there is none yet (a
    PUT that creates). `body_envelope`: the property of the request body that
    holds the item (`{"data": {...}}`). `items_path`: where a list's answer
    holds the items (empty: the answer is the list)."""

    role: Literal["create", "list", "read", "replace", "update", "delete"]
    collection: str
    id_param: str | None = None
    creates: bool = False
    body_envelope: str | None = None
    items_path: list[str] | None = None


@dataclass(kw_only=True)
class ParentItem:
    """An item of a collection that the path goes through (`/x/{id}/notes`):
    it must exist for the operation to succeed."""

    collection: str
    param: str


@dataclass(kw_only=True)
class Stream:
    """An answer read item by item as it arrives (set by the answers pass):
    `framing` is how the items are cut (`sse`: Server-Sent Events, whose `data`
    is the item; `lines`: JSON Lines; `json-seq`: RFC 7464; `multipart`: the parts of a
    `multipart/mixed` body), `item` each one's
    type, `text`: the item is the text itself (a string), not JSON."""

    framing: Literal["sse", "lines", "json-seq", "multipart"]
    item: Type
    text: bool = False


@dataclass(kw_only=True)
class Operation:
    operation_id: str
    method: str
    path: str
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    description: str | None = None
    parameters: list[Parameter] = field(default_factory=list)
    body: Body | None = None
    bodies: list[Body] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    deprecated: bool = False
    security: list[dict[str, list[str]]] | None = None
    pointer: str = ""
    paging: Paging | None = None
    # The status of the answer a call returns (set by the operations pass): the
    # first success with a body, typed or raw (a download, a text).
    success_status: str | None = None
    # How the answer is read (set by the answers pass): `bytes` or `str` as it
    # is, None for JSON; and the `Accept` header sent (None: the client's default).
    answer_kind: Literal["bytes", "str", "stream"] | None = None
    accept: str | None = None
    # An answer that is a sequence of items (answer kind `stream`): how it is framed and each item's type.
    stream: Stream | None = None
    # What the stateful stub does with the operation (set by the stateful pass):
    # its role on a collection, and the collections' items its path goes through.
    stateful: StatefulRole | None = None
    parents: list[ParentItem] = field(default_factory=list)
    resource: str = ""  # Python attribute of the client, e.g. "end_users"
    py_name: str = ""  # method name, e.g. "list_conversations"
    extensions: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def success(self) -> Response | None:
        """The answer a call returns (see `success_status`)."""
        return next((r for r in self.responses if r.status == self.success_status), None)

    def types(self) -> list[Type]:
        """Every type the operation sends or receives."""
        found = [p.type for p in self.parameters] + [b.type for b in self.bodies]
        found += [r.item_type for r in self.responses if r.item_type is not None]
        found += [r.item_data_type for r in self.responses if r.item_data_type is not None]
        return found + [r.type for r in self.responses if r.type is not None]


@dataclass(kw_only=True)
class SecurityScheme:
    name: str
    type: str
    location: str | None = None  # apiKey: header/query/cookie
    parameter_name: str | None = None
    scheme: str | None = None  # http: basic/bearer/digest/..., lowercased
    description: str | None = None
    # OpenAPI 3.2 `deprecated`: the client prefers another scheme where an
    # operation accepts one, and its docs say so.
    deprecated: bool = False
    # Where the authorization server describes itself, for the docs: OAuth 2's
    # `oauth2MetadataUrl` (3.2) or OpenID Connect's `openIdConnectUrl`.
    metadata_url: str | None = None
    # OAuth 2 flows by name (`clientCredentials`, 3.2's `deviceAuthorization`, ...),
    # each with its URLs by field (`tokenUrl`, `deviceAuthorizationUrl`, ...).
    flows: dict[str, dict[str, str]] = field(default_factory=dict)
    # The client's constructor arguments that carry this scheme's credential
    # (set by the naming pass; schemes that send the same thing share them);
    # empty: the client cannot send it, the caller's own `http_client` may.
    arguments: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Webhook:
    """An event the API sends to a subscriber (OpenAPI 3.1 `webhooks`, or the
    `x-webhooks` extension of 3.0): `name` is its key there, `payload` the type
    of the body it posts, and `event_type` the value of the API's event type
    property that names it in the body (set by the webhooks pass; None where
    the events share no such property)."""

    name: str
    payload: Type | None = None
    event_type: str | None = None
    summary: str | None = None
    description: str | None = None
    content_type: str = "application/json"
    deprecated: bool = False
    pointer: str = ""
    extensions: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(kw_only=True)
class WebhookSignature:
    """How the API signs its webhook deliveries (`x-webhook-signature`). The one
    scheme known is `timestamped-hmac-sha256`: `header` holds
    `<timestamp_key>=<t>,<signature_key>=<hex HMAC-SHA256 of "<t>.<body>">`,
    keyed with the secret decoded as `secret_encoding`."""

    scheme: Literal["timestamped-hmac-sha256"] = "timestamped-hmac-sha256"
    header: str
    timestamp_key: str = "t"
    signature_key: str = "v1"
    secret_encoding: Literal["hex", "base64", "utf-8"] = "hex"
    timestamp_unit: Literal["ms", "s"] = "ms"


@dataclass(kw_only=True)
class Api:
    title: str
    version: str
    openapi: str
    source: str
    spec_sha256: str
    servers: list[str] = field(default_factory=list)
    description: str | None = None
    dialect: Literal["auto", "tapir", "plain"] = "auto"
    dialect_reason: str = ""  # the evidence the dialect was chosen on, for the user
    types: dict[str, NamedType] = field(default_factory=dict)
    operations: list[Operation] = field(default_factory=list)
    # The class of each client resource, by its attribute (set by the naming pass).
    resource_classes: dict[str, str] = field(default_factory=dict)
    # Class names decided otherwise than from the schema's own key (numbered, owner-named,
    # deduped, or a key whose name another key also wants), by key. Before the passes: what
    # the previous release shipped (its `MANIFEST.json`), which the naming pass keeps; after
    # them: this release's, which the manifest records for the next.
    kept_names: dict[str, str] = field(default_factory=dict)
    # The named types (`types` keys) the previous release had, where the spec changed since
    # (None: it did not, or there is none): where an old and a new type want one class name,
    # the old one keeps it.
    known_types: frozenset[str] | None = None
    # OpenAPI 3.2's hierarchical tags: each tag's `parent` tag, where it names a declared one.
    tag_parents: dict[str, str] = field(default_factory=dict)
    # Nested resources (set by the naming pass, from `tag_parents`): each child resource's
    # parent resource and the attribute it is reached by there (`feed_admin` → (`feed`, `admin`)).
    resource_parents: dict[str, tuple[str, str]] = field(default_factory=dict)
    security_schemes: list[SecurityScheme] = field(default_factory=list)
    security: list[dict[str, list[str]]] = field(default_factory=list)
    webhooks: list[Webhook] = field(default_factory=list)
    # The body property whose value tells the webhook events apart, e.g. `event_fqn`
    # (set by the webhooks pass; None: none does).
    webhook_event_property: str | None = None
    webhook_signature: WebhookSignature | None = None
    warnings: list[str] = field(default_factory=list)
    # The stateful stub's collections, by path (set by the stateful pass).
    collections: dict[str, Collection] = field(default_factory=dict)
    # The document as loaded, which the stub renderer rewrites into the spec as
    # the wire speaks it (`ir.wire`). Not the IR's own data: `dixagen ir` leaves
    # it out, and it is not pickled (the diff reads the old side in a worker).
    document: JsonValue = field(default=None, repr=False, compare=False, metadata={"dump": False})

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["document"] = None
        return state

    def reachable(self, roots: list[Type]) -> set[str]:
        """Names of the named types that `roots` use, directly or through others."""
        seen: set[str] = set()
        stack = [name for root in roots for name in named_refs(root)]
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(named_refs(self.types[name].type))
        return seen

    def own_properties(self, obj: ObjectType) -> list[Property]:
        """The properties `obj` declares itself: all of them, or with a base,
        those the base does not have or has differently."""
        if obj.base is None:
            return list(obj.properties)
        parent = self.types[obj.base].type
        inherited = {p.wire_name: p for p in parent.properties} if isinstance(parent, ObjectType) else {}
        return [p for p in obj.properties if inherited.get(p.wire_name) != p]

    def resolve(self, type_: Type) -> Type:
        """Follow references to the underlying type."""
        seen: set[str] = set()
        while isinstance(type_, Ref) and type_.target not in seen:
            seen.add(type_.target)
            type_ = self.types[type_.target].type
        return type_


def named_refs(type_: Type) -> list[str]:
    """The named types `type_` itself refers to (its `Ref`s, inside lists, maps,
    unions and inline objects, a class's base too), not those they refer to."""
    found: list[str] = []
    stack = [type_]
    while stack:
        current = stack.pop()
        if isinstance(current, Ref):
            found.append(current.target)
        elif isinstance(current, ArrayType):
            stack.append(current.items)
        elif isinstance(current, MapType):
            stack.append(current.values)
        elif isinstance(current, ObjectType):
            stack.extend(p.type for p in current.properties)
            if current.base is not None:  # the class is built on its parent's
                found.append(current.base)
            if current.additional is not None:
                stack.append(current.additional)
        elif isinstance(current, UnionType):
            stack.extend(current.variants)
            stack.extend(current.bare)
    return found
