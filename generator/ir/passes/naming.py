"""Python names, decided once for every class, field, enum member, parameter,
client resource and method, and stored in the IR.

Wire names stay what they are (aliases); Python names are safe identifiers
that never clash with a keyword, with pydantic's own attributes, with the
names a generated module imports, or with each other.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

import inflection
from pydantic.alias_generators import to_camel

from ..model import Api, ArrayType, EnumType, ObjectType, Operation, Ref, UnionType, named_refs
from ..media import is_multipart
from .hoist import pascal

# Names a class cannot take: the public names of a models package besides its
# classes (`models.SCHEMAS`, `models.validate`, `models.to_wire`). The names a
# model module imports (pydantic's `Field` and `Tag`, `typing`'s, the runtime's)
# are not reserved: a schema called `Field` stays `Field`, and the modules of
# that API import pydantic's as `_Field` (`rendering.models.MODULE_IMPORTS`).
RESERVED_CLASS_NAMES = frozenset({"SCHEMAS", "TYPE_CHECKING"})
# Field names that would shadow pydantic's API or a type used in annotations.
RESERVED_FIELD_NAMES = frozenset(
    {
        "copy", "dict", "json", "schema", "schema_json", "construct", "validate", "fields", "parse_obj",
        "parse_raw", "parse_file", "from_orm", "update_forward_refs", "date", "datetime", "time", "str",
        "int", "float", "bool", "list", "dict", "bytes", "object", "any", "model_config", "model_fields",
    }
)


# Before the last capital of a run that starts a word (`URLPath`): lookarounds, not
# `([A-Z]+)([A-Z][a-z])`, whose backtracking is quadratic in a run of capitals.
_ACRONYM_END = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_LOWER_UPPER = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")
_UNDERSCORES = re.compile(r"_+")


@lru_cache(maxsize=None)
def snake(text: str) -> str:
    """`conversationId` → `conversation_id`, `URLPath` → `url_path`, `_type` → `type`.
    Remembered: a large spec asks for the same few thousand words hundreds of thousands of times."""
    text = _ACRONYM_END.sub("_", text)
    text = _LOWER_UPPER.sub(r"\1_\2", text)
    text = _SEPARATORS.sub("_", text).strip("_").lower()
    return _UNDERSCORES.sub("_", text)


def identifier(text: str, *, reserved: frozenset[str] = frozenset(), fallback: str = "field") -> str:
    name = snake(text) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    # Soft keywords (`match`, `type`, ...) are valid names; checking them would
    # make names depend on the Python version that runs the generator.
    if keyword.iskeyword(name) or name in reserved or name.startswith("model_"):
        name += "_"
    return name


def class_name(text: str) -> str:
    name = pascal(text) or "Model"
    if name[0].isdigit():
        name = "Model" + name
    if name in RESERVED_CLASS_NAMES or keyword.iskeyword(name):
        name += "Model"
    return name


def member_name(value: object, index: int) -> str:
    text = snake(str(value)).upper() if value is not None else "NONE"
    if not text:
        return f"VALUE_{index}"
    if text[0].isdigit():
        text = "VALUE_" + text
    if keyword.iskeyword(text):
        text += "_"
    return text


def _dedupe(names: list[str], joiner: str = "_", taken: Iterable[str] = ()) -> list[str]:
    """Number repeated names (compared without case): `Foo`, `Foo2` or `foo`, `foo_2`;
    the `taken` names are numbered away from too."""
    seen: dict[str, int] = {name.lower(): 1 for name in taken}
    out: list[str] = []
    for name in names:
        candidate, index = name, 2
        while candidate.lower() in seen:
            candidate, index = f"{name}{joiner}{index}", index + 1
        seen[candidate.lower()] = 1
        out.append(candidate)
    return out


def run(api: Api) -> None:
    kept = _kept(api)
    wanted = {name: class_name(name) for name in api.types}
    wanted.update(numbered_names(api, wanted, kept))
    # A name two types want goes to the one the previous release had (`Api.known_types`), then by document order.
    order = [n for n in api.types if n not in kept]
    if (known := api.known_types) is not None:
        order.sort(key=lambda n: n not in known)
    names = dict(zip(order, _dedupe([wanted[n] for n in order], joiner="", taken=kept.values())))
    for name, named in api.types.items():
        named.py_name = kept[name] if name in kept else names[name]
    api.kept_names = _to_keep(api)
    for named in api.types.values():
        if isinstance(named.type, ObjectType):
            _name_fields(named.type)
        elif isinstance(named.type, EnumType):
            for member, py_name in zip(
                named.type.members, _dedupe([member_name(m.value, i) for i, m in enumerate(named.type.members)])
            ):
                member.py_name = py_name
    decided: dict[str, bool] = {}
    for name in api.types:
        _camel(api, name, decided)
    _name_operations(api)
    _nest_resources(api)
    _name_resource_classes(api)
    _name_credentials(api)


# A component key numbered apart from its title (`Queue1` titled `Queue`), as
# tapir writes a second Scala type of the same simple name.
_NUMBERED = re.compile(r"^(?P<base>.*\D)\d+$")
# The words of a tapir operation wrapper (`CreateQueueOutput`: `{"data": Queue1}`).
_WRAPPER = re.compile(r"Output$")


def _kept(api: Api) -> dict[str, str]:
    """The class names the previous release shipped (`Api.kept_names`) that still
    hold: for keys the spec still has, each a name this pass could have made
    (never code from a hand-edited manifest), no two alike."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for key, name in sorted(api.kept_names.items()):
        if key in api.types and class_name(name) == name and name.lower() not in used:
            out[key] = name
            used.add(name.lower())
    return out


def _to_keep(api: Api) -> dict[str, str]:
    """The class names the next release must keep to be read as this one
    (`Api.kept_names`): those not simply the key's own name, and those of keys
    whose own name another key wants too (the one that won it stays the winner
    when a third is added). The other keys name themselves again."""
    natural = Counter(class_name(key).lower() for key in api.types)
    return {
        key: named.py_name
        for key, named in api.types.items()
        if named.py_name != class_name(key) or natural[class_name(key).lower()] > 1
    }


def numbered_names(api: Api, wanted: dict[str, str], kept: Mapping[str, str] | None = None) -> dict[str, str]:
    """Class names for component schemas numbered apart from their title, a
    number being no name a user would guess (docs/other-apis.md, "Class names"):

    1. the title, where no other class has it (`Translation1` → `Translation`);
    2. else the title after the schema that owns it: the union that lists it
       as a variant, else an object that refers to it (the first by name),
       tapir's `...Output` wrappers aside (`IsOneOf1`, a variant of
       `ChannelOperator` → `ChannelOperatorIsOneOf`; `NotFound1` in
       `BulkError` → `BulkErrorNotFound`); the owner's last word is said once
       (`UpdateTranslations` + `TranslationInput` → `UpdateTranslationInput`);
    3. else (only operations answer with it, through wrappers; nothing refers
       to it; every name above is taken): the full record an API returns,
       `<Title>Details` (`Queue1`, which `queues.get` returns while `Queue` is
       a conversation's queue → `QueueDetails`).

    A name already taken is passed over for the next. Numbered schemas are
    taken in the document's order; each name is then unique as any class
    name is (`_dedupe`).

    A key the previous release named otherwise than by itself keeps that
    name (`kept`, from its manifest), so that an addition renames no class: a
    newcomer whose own name a kept one holds (a schema called exactly a
    numbered one's title) is named by the same rule, its own name standing
    for the title (`Translation` beside `Translation1`, which kept
    `Translation` → `ArticleTranslation`, or `TranslationDetails`). The
    result names the kept keys too."""
    kept = kept or {}
    numbered = {
        name
        for name, named in api.types.items()
        if name not in kept
        and named.component
        and named.title
        and (match := _NUMBERED.match(name))
        and named.title == match["base"]
    }
    holding = {name.lower() for name in kept.values()}
    displaced = {name for name in api.types if name not in kept and wanted[name].lower() in holding}
    deciding = [name for name in api.types if name in numbered or name in displaced]
    if not deciding:
        return dict(kept)
    deciding_set = frozenset(deciding)
    taken = {wanted[name].lower() for name in api.types if name not in deciding_set and name not in kept} | holding
    owners = _owners(api, deciding_set)
    out: dict[str, str] = {}

    def decide(name: str, within: frozenset[str]) -> str:
        if name in out:
            return out[name]
        title = class_name(api.types[name].title or name) if name in numbered else wanted[name]
        candidates = [title]
        for owner in owners.get(name, []):
            if _WRAPPER.search(owner) or owner in within:
                continue
            # An owner numbered too is said by its own name (`Condition1` → `CombinedFiltersCondition`).
            spoken = decide(owner, within | {name}) if owner in deciding_set else kept.get(owner, wanted[owner])
            candidates.append(_owned(spoken, title))
        candidates.append(title + "Details")
        choice = next((c for c in candidates if c.lower() not in taken), candidates[-1])
        taken.add(choice.lower())
        out[name] = choice
        return choice

    for name in deciding:
        decide(name, frozenset())
    return {**out, **kept}


def _owners(api: Api, wanted: frozenset[str]) -> dict[str, list[str]]:
    """For each of `wanted`, the named types that refer to it directly: the
    unions that list it as a variant first, then the others, each by name."""
    found: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for name, named in api.types.items():
        if not isinstance(named.type, (ObjectType, UnionType)):
            continue  # a list or map alias (`Map_UUID_Filters`) says nothing of what it holds
        variants = {v.target for v in named.type.variants if isinstance(v, Ref)} if isinstance(named.type, UnionType) else set()
        for target in named_refs(named.type):
            if target in wanted and target != name:
                found[target].add((0 if target in variants else 1, name))
    return {target: [name for _, name in sorted(owners)] for target, owners in found.items()}


def _owned(owner: str, title: str) -> str:
    """`owner` + `title`: without a request wrapper's `Input` word, and a last
    words the owner ends with and the title starts with said once."""
    owner_words, title_words = _pascal_words(owner), _pascal_words(title)
    if len(owner_words) > 1 and owner_words[-1] == "Input":
        owner_words = owner_words[:-1]
    for size in range(min(len(owner_words), len(title_words)), 0, -1):
        tail = [w.lower() for w in owner_words[-size:]]
        if tail[:-1] + [_singular(tail[-1])] == [w.lower() for w in title_words[:size]]:
            owner_words = owner_words[:-size]
            break
    return "".join(owner_words) + title


def _pascal_words(name: str) -> list[str]:
    return re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+|[A-Z]+(?![a-z])", name)


def _camel(api: Api, name: str, decided: dict[str, bool]) -> bool:
    """Whether the class `name` puts its fields on the wire in camelCase
    (`ObjectType.camel`): the way most of its own fields are spelled, or its
    parent's way, which a subclass cannot change without renaming the
    inherited fields on the wire."""
    if name in decided:
        return decided[name]
    decided[name] = False  # a cycle of bases (never kept by the inheritance pass) reads as plain
    obj = api.types[name].type
    if not isinstance(obj, ObjectType):
        return False
    if obj.base is not None and obj.base in api.types:
        camel = _camel(api, obj.base, decided)
    else:
        as_camel = sum(1 for p in obj.properties if p.wire_name != p.py_name and to_camel(p.py_name) == p.wire_name)
        as_is = sum(1 for p in obj.properties if p.wire_name == p.py_name and to_camel(p.py_name) != p.wire_name)
        camel = as_camel > as_is
    obj.camel = decided[name] = camel
    return camel


def _name_fields(obj: ObjectType) -> None:
    """Python names for the fields (the tag last), unique without case and never
    another field's wire name: models accept both spellings of a field, so a
    Python name equal to another field's wire key would let one key fill two
    fields. A field whose wire name is already its Python name keeps it."""
    wires = [p.wire_name for p in obj.properties] + ([obj.tag.property] if obj.tag is not None else [])
    wanted = [identifier(wire, reserved=RESERVED_FIELD_NAMES) for wire in wires]
    wire_set = set(wires)
    final = [""] * len(wires)
    used: set[str] = set()
    for i in sorted(range(len(wires)), key=lambda i: wanted[i] != wires[i]):  # stable: exact ones first
        candidate, index = wanted[i], 2
        while candidate.lower() in used or (candidate in wire_set and candidate != wires[i]):
            candidate, index = f"{wanted[i]}_{index}", index + 1
        used.add(candidate.lower())
        final[i] = candidate
    for prop, py_name in zip(obj.properties, final):
        prop.py_name = py_name
    if obj.tag is not None:
        obj.tag.py_name = final[-1]


# -- operations ------------------------------------------------------------------

_VERBS = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
# Attributes of the generated clients that a resource must not shadow.
_CLIENT_ATTRIBUTES = frozenset({"close", "with_raw_response", "with_options", "base_url", "is_closed"})
# Argument names every generated method has besides the operation's parameters.
METHOD_ARGUMENTS = frozenset(
    {"self", "body", "options", "extra_headers", "extra_query", "extra_body", "timeout", "deadline", "max_retries", "models"}
)
# Path segments that name an action on what precedes them (`/tags/{id}/activate`).
_ACTIONS = frozenset(
    {
        "activate", "anonymize", "approve", "archive", "assign", "cancel", "claim", "close", "deactivate",
        "disable", "enable", "export", "followup", "import", "link", "merge", "offer", "publish", "reject",
        "reopen", "restore", "send", "start", "stop", "submit", "transfer", "unassign", "unlink", "unpublish",
        "upload",
    }
)
# Request bodies whose schema name says the POST reads rather than creates.
_QUERY_BODY = re.compile(r"^(Get|Search|Query|Find|List)[A-Z]")


def _name_operations(api: Api) -> None:
    """`Operation.resource` from the first tag (or the first path segment),
    `Operation.py_name` from method and path, `Parameter.py_name` from the wire
    name; names are unique within a resource."""
    by_resource: dict[str, list[Operation]] = defaultdict(list)
    prefix = _versioned_tag_prefix(api)
    for operation in api.operations:
        operation.resource = _resource_name(operation, prefix)
        by_resource[operation.resource].append(operation)
        used = set(METHOD_ARGUMENTS)
        for parameter in operation.parameters:
            name = identifier(parameter.name, fallback="param")
            if name in used:
                name = f"{name}_{parameter.location}" if f"{name}_{parameter.location}" not in used else f"{name}_"
            while name in used:
                name += "_"
            used.add(name)
            parameter.py_name = name
        _name_parts(api, operation, used)
    for operations in by_resource.values():
        wanted = [_operation_id_name(op) or _method_name(api, op) for op in operations]
        groups: dict[str, list[int]] = defaultdict(list)
        for index, name in enumerate(wanted):
            groups[name].append(index)
        for name, indexes in groups.items():
            if len(indexes) > 1:
                ranked = sorted(indexes, key=lambda i: (_path_params(operations[i]), i))
                for i in ranked[1:]:
                    wanted[i] = f"{name}_by_{_qualifier(operations[i])}"
        taken: set[str] = set()
        for operation, name in zip(operations, _dedupe(wanted)):
            if name in taken:
                name = _dedupe([*taken, name])[-1]
            operation.py_name = name
            taken.add(name)


def _tag_resource(tag: str, prefix: list[str]) -> str:
    """The resource a tag's operations make (`end-users` → `end_users`)."""
    words = _words(tag)
    text = "_".join(words[len(prefix) :]) if prefix and words[: len(prefix)] == prefix else tag
    name = identifier(text, fallback="api")
    return name + "_" if name in _CLIENT_ATTRIBUTES else name


def _nest_resources(api: Api) -> None:
    """`Api.resource_parents` from OpenAPI 3.2's hierarchical tags: a tag's
    resource is reached through its parent's (`client.feed.admin`), by its name
    without the parent's words where it starts with them (`feed-admin` under
    `feed` → `admin`). A parent without operations of its own is a resource
    too, holding its children. A child whose attribute its parent's methods
    (or another child) already take stays on the client."""
    if not api.tag_parents:
        return
    prefix = _versioned_tag_prefix(api)
    resource_of = {tag: _tag_resource(tag, prefix) for tag in {*api.tag_parents, *api.tag_parents.values()}}
    methods: dict[str, set[str]] = defaultdict(set)
    for operation in api.operations:
        methods[operation.resource].add(operation.py_name)
    used = {op.resource for op in api.operations}
    for tag, parent_tag in api.tag_parents.items():
        child, parent = resource_of[tag], resource_of[parent_tag]
        if child not in used or child == parent:
            continue  # a tag no operation uses makes no resource
        words, parent_words = child.split("_"), parent.split("_")
        short = "_".join(words[len(parent_words) :]) if words[: len(parent_words)] == parent_words else child
        attribute = short if short and short.isidentifier() and not keyword.iskeyword(short) else child
        if attribute in methods[parent] or attribute.startswith("_"):
            continue
        methods[parent].add(attribute)
        api.resource_parents[child] = (parent, attribute)


def _versioned_tag_prefix(api: Api) -> list[str]:
    """The leading words every tag shares when they end in a version word
    (Twilio's `Api20100401Account`, `Api20100401Call`; `ChatV1Channel`): the
    version of the whole API, said once by the package, not by each resource.
    Shared words without a version (`UserAccounts`, `UserGroups`) carry
    meaning and stay."""
    tags = {op.tags[0] for op in api.operations if op.tags}
    if len(tags) < 2:
        return []
    words = [_words(tag) for tag in tags]
    shared = 0
    while all(len(w) > shared + 1 and w[shared] == words[0][shared] for w in words):
        shared += 1
    while shared and not any(c.isdigit() for c in words[0][shared - 1]):
        shared -= 1
    return words[0][:shared]


def _resource_name(operation: Operation, prefix: list[str]) -> str:
    if operation.tags:
        return _tag_resource(operation.tags[0], prefix)
    else:
        statics = [s for s in _segments(operation.path) if not s.startswith("{")]
        name = identifier(statics[0], fallback="api") if statics else "api"
    return name + "_" if name in _CLIENT_ATTRIBUTES else name


def _segments(path: str) -> list[str]:
    segments = [s for s in path.split("/") if s]
    if segments and re.fullmatch(r"v\d+|beta|api", segments[0]):
        segments = segments[1:]
    return segments


def _path_params(operation: Operation) -> int:
    return sum(1 for p in operation.parameters if p.location == "path")


def _qualifier(operation: Operation) -> str:
    """`conversationId` → `conversation`: what a colliding name is narrowed by."""
    params = [p for p in operation.parameters if p.location == "path"]
    if not params:
        return snake(operation.method.lower())
    name = snake(params[-1].name)
    return re.sub(r"_id$", "", name) or name


def _words(text: str) -> list[str]:
    """`admin_inviteRequests.list`, `repos/list-for-org`, `ListCallRecording` → lower-case words."""
    return [word for word in snake(text).split("_") if word]


def _either_number(segment: str) -> tuple[str, ...]:
    """A path segment's words run together, the last one plural or singular (`getEntry` for `/entries`)."""
    words = _words(segment)
    if not words:
        return ("",)
    head = "".join(words[:-1])
    return tuple(sorted({head + words[-1], head + _singular(words[-1])}))


def _spells_method_and_path(spelled: str, operation: Operation) -> bool:
    """Whether an id (lower case, no separators) is the method and the path run
    together, a path parameter standing for any name (it may have been renamed).

    Matched by hand rather than with a regular expression made for each path:
    thousands of one-off patterns would each be compiled, and would push the
    module's own patterns out of `re`'s cache."""
    parts: list[tuple[str, ...] | None] = [
        None if segment.startswith("{") else _either_number(segment) for segment in _segments(operation.path)
    ]
    method = operation.method.lower()
    return (spelled.startswith(method) and _spells(spelled[len(method) :], parts)) or (
        spelled.endswith(method) and _spells(spelled[: len(spelled) - len(method)], parts)
    )


def _spells(text: str, parts: list[tuple[str, ...] | None]) -> bool:
    """Whether `text` is the parts run together: each one of its spellings, or
    any run of letters and digits where the part is None (a path parameter;
    the id's words are lower-case letters and digits only)."""
    failed: set[tuple[int, int]] = set()

    def match(index: int, at: int) -> bool:
        if index == len(parts):
            return at == len(text)
        if (index, at) in failed:
            return False
        part = parts[index]
        ends = range(at, len(text) + 1) if part is None else [at + len(s) for s in part if text.startswith(s, at)]
        if any(match(index + 1, end) for end in ends):
            return True
        failed.add((index, at))
        return False

    return match(0, 0)


# Words that open an id as its verb (`ListSipCredentialListMapping`): kept even
# where the resource's name has the same word (`credential_list_mapping`).
_ID_VERBS = frozenset(
    {"list", "get", "fetch", "read", "create", "update", "replace", "patch", "delete", "remove", "watch", "search"}
)
# Ids a tool numbered apart (`getItems_2`, Spring's `listUsingGET_1`): made, not meant.
_NUMBERED_ID = re.compile(r"[_-]\d+$|Using(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)", re.IGNORECASE)


def _operation_id_name(operation: Operation) -> str | None:
    """A method name from the operationId, when it says more than method and path.

    An id that only spells the method and the path (`getEndusersUserid` for
    `GET /endusers/{userId}`, as tapir and Stripe write them) says nothing the
    path does not, and the path gives the better name (`get`, `list`). Any other
    id names the call as its authors meant (`repos/list-for-org`, Slack's
    `chat_postMessage` for `/chat.postMessage`, Twilio's `ListCallRecording`);
    the words that repeat the resource are dropped (`repos.list_for_org`,
    `chat.post_message`, `account.list` for `ListAccount`). Ids a tool numbered
    apart (`getItems_2`) are not meant either: the path names those calls."""
    if not operation.operation_id or _NUMBERED_ID.search(operation.operation_id):
        return None
    words = _words(operation.operation_id)
    if not words or _spells_method_and_path("".join(words), operation):
        return None
    resource = [w for w in _words(operation.resource) if not w.isdigit()]
    forms = {w for word in resource for w in (word, _singular(word), _plural(word))}
    start = 0
    while start < len(words) - 1 and words[start] in forms and not (start == 0 and words[0] in _ID_VERBS):
        start += 1
    rest = words[start:]
    if len(rest) > 1 and all(w in forms for w in rest[1:]):
        rest = rest[:1]  # `ListAccount` on the `account` resource: `list`
    elif len(rest) > 2:
        # `listConversationMessages` on `conversations`: `list_messages`; a
        # resource of several words that ends the id stays whole
        # (`ListIncomingPhoneNumberAssignedAddOn` on `assigned_add_on`).
        tail = len(resource) if len(resource) > 1 and _ends_with(rest[1:], resource) else 1
        rest = [rest[0], *(w for w in rest[1:-tail] if w not in forms), *rest[-tail:]]
    return identifier("_".join(rest), fallback="call")


def _ends_with(words: list[str], resource: list[str]) -> bool:
    """Whether `words` end with the resource's words, its last one singular or plural."""
    if len(words) < len(resource) or words[-len(resource) : -1] != resource[:-1]:
        return False
    return _singular(words[-1]) == _singular(resource[-1])


def _method_name(api: Api, operation: Operation) -> str:
    """REST-style names from method and path, relative to the resource:
    `GET /endusers` → `list`, `GET /endusers/{id}` → `get`,
    `GET /conversations/{id}/messages` → `list_messages`,
    `POST /conversations/{id}/messages` → `create_message`,
    `PATCH /tags/{id}/activate` → `activate`, `POST /agents/bulk` → `create_bulk`,
    `PUT /agents` (many at once) → `update_bulk`. GET says `list` when the
    answer is a list, `get` otherwise."""
    segments = _segments(operation.path)
    key = operation.resource.replace("_", "")
    anchor = next(
        (
            i
            for i, s in enumerate(segments)
            if not s.startswith("{") and snake(s).replace("_", "") in (key, key + "s", key.removesuffix("s"))
        ),
        0 if segments and not segments[0].startswith("{") else -1,
    )
    rest = segments[anchor + 1 :]
    ends_with_param = bool(rest) and rest[-1].startswith("{")
    words: list[str] = []
    for index, segment in enumerate(rest):
        if segment.startswith("{"):
            continue
        word = snake(segment)
        followed_by_param = index + 1 < len(rest) and rest[index + 1].startswith("{")
        words.append(_singular(word) if followed_by_param else word)
    bulk = "bulk" in words or _array_body(api, operation)
    words = [w for w in words if w != "bulk"]
    if operation.method in ("PUT", "PATCH", "DELETE") and not words and not ends_with_param and not rest:
        bulk = bulk or operation.body is not None
    if operation.method != "GET" and words and not ends_with_param and _is_action(words[-1]):
        action = words.pop()
        name = "_".join([action, *(_singular(w) for w in words)])
    elif operation.method != "GET" and any(_is_action(w) for w in words):
        name = "_".join(words)
    else:
        verb = _VERBS.get(operation.method, operation.method.lower())
        if operation.method == "GET" and _returns_list(api, operation):
            verb = "list"
        elif operation.method == "POST" and _reads(operation):
            verb = "query"
        elif operation.method == "POST" and words and not bulk:
            words[-1] = _singular(words[-1])
        spoken = _summary_verb(operation, segments) if words else None
        name = "_".join([spoken or verb, *words])
        if spoken and _says_noun(spoken, words[-1]):
            name = "_".join([spoken, *words[:-1]])  # `Tag a conversation`: `tag`, not `tag_tag`
    if bulk:
        name += "_bulk"
    return identifier(name, fallback="call")


# Verbs of a summary that say what a call on a link between two things does,
# where the HTTP method only says `update` or `delete` (`PUT /conversations/{id}/tags/{tagId}`:
# "Attach a tag to a conversation" → `attach_tag`; "Tag a conversation" → `tag`).
_LINK_VERBS = frozenset(
    {
        "add", "assign", "attach", "block", "detach", "favorite", "follow", "label", "link", "lock", "move",
        "mute", "pin", "remove", "star", "subscribe", "tag", "unassign", "unblock", "unfavorite", "unfollow",
        "unlabel", "unlink", "unlock", "unmute", "unpin", "unstar", "unsubscribe", "untag", "unwatch", "watch",
    }
)
_SUMMARY_WORD = re.compile(r"[A-Za-z]+")


def _summary_verb(operation: Operation, segments: list[str]) -> str | None:
    """The verb a summary opens with, for a call that writes or removes one item
    of another's collection (`/conversations/{id}/tags/{tagId}`), when it is
    one of `_LINK_VERBS`: what a user says there is the link, not the method."""
    if operation.method not in ("PUT", "PATCH", "POST", "DELETE") or not operation.summary:
        return None
    if len(segments) < 3 or not (segments[-1].startswith("{") and segments[-3].startswith("{")):
        return None
    first = _SUMMARY_WORD.match(operation.summary.strip())
    word = first.group().lower() if first else ""
    return word if word in _LINK_VERBS else None


def _says_noun(verb: str, noun: str) -> bool:
    """Whether a verb is made of the noun it acts on (`tag`, `untag` for `tag`)."""
    return verb.removeprefix("un") == noun


def _is_action(word: str) -> bool:
    """Whether a path segment names an action rather than a collection or a property."""
    return word in _ACTIONS


@lru_cache(maxsize=None)
def _plural(word: str) -> str:
    return inflection.pluralize(word)


@lru_cache(maxsize=None)
def _singular(word: str) -> str:
    """The singular of a path segment's word (`caches` → `cache`, `analyses` → `analysis`)."""
    if word in _UNCHANGED:
        return word
    single = inflection.singularize(word)
    # The inflector's rule for `-ches` reads `caches` as the plural of `cach`.
    if word.endswith("aches") and single == word[:-2]:
        return word[:-1]
    return single


# Words the inflector would change that read better as they are in an API.
_UNCHANGED = frozenset({"data", "metadata", "media", "criteria", "status", "bulk", "presence", "analytics"})


def _array_body(api: Api, operation: Operation) -> bool:
    return operation.body is not None and isinstance(api.resolve(operation.body.type), ArrayType)


def _reads(operation: Operation) -> bool:
    body = operation.body
    return body is not None and isinstance(body.type, Ref) and bool(_QUERY_BODY.match(body.type.target))


def _returns_list(api: Api, operation: Operation) -> bool:
    if operation.paging is not None:
        return True
    success = operation.success
    return success is not None and success.payload is not None and isinstance(api.resolve(success.payload), ArrayType)


def _name_parts(api: Api, operation: Operation, used: set[str]) -> None:
    """A keyword argument per part of a multipart form whose schema names its
    parts: the part's field name, kept clear of the operation's parameters and
    of the arguments every method has."""
    body = operation.body
    if body is None or not is_multipart(body.content_type):
        return
    resolved = api.resolve(body.type)
    if not isinstance(resolved, ObjectType):
        return
    for prop in resolved.properties:
        name = prop.py_name
        while name in used:
            name += "_"
        used.add(name)
        body.part_arguments[prop.wire_name] = name


# -- client classes and credentials --------------------------------------------------

# Names a generated client module defines or imports, which a resource class must not take.
TAKEN_CLASS_NAMES = frozenset(
    {"Client", "AsyncClient", "ClientWithRawResponse", "AsyncClientWithRawResponse", "Endpoint", "Paging",
     "Stream", "AsyncStream"}
)
# What every resource module imports from the runtime.
RUNTIME_RESOURCE_NAMES = frozenset({"AsyncResource", "SyncResource", "Endpoint", "RequestOptions"})
# What a resource module imports from the runtime where its methods use it.
RUNTIME_HELPERS = frozenset({"Paging", "FileInput", "NOT_GIVEN", "NotGiven", "Stream", "AsyncStream"})


def resource_class_names(cls: str) -> set[str]:
    """The classes a resource `cls` defines."""
    return {cls, f"Async{cls}", f"{cls}WithRawResponse", f"Async{cls}WithRawResponse"}


def _name_resource_classes(api: Api) -> None:
    """`Api.resource_classes`: each resource's class, from its attribute
    (`end_users` → `EndUsers`), or `EndUsersResource` (numbered if need be)
    where one of its classes would be no valid name, or would shadow a name its
    module or the client module imports, defines or takes."""
    taken: set[str] = set()  # every resource's classes meet in client/__init__.py
    reserved = TAKEN_CLASS_NAMES | RUNTIME_RESOURCE_NAMES | RUNTIME_HELPERS

    def clashes(cls: str) -> bool:
        return keyword.iskeyword(cls) or cls in dir(builtins) or bool(resource_class_names(cls) & (reserved | taken))

    resources = [op.resource for op in api.operations] + [parent for parent, _ in api.resource_parents.values()]
    for attribute in dict.fromkeys(resources):
        wanted = pascal(attribute) or "Api"
        cls, number = wanted, 2
        if wanted[0].isdigit() or clashes(wanted):
            cls = f"{wanted}Resource"
            while clashes(cls):
                cls, number = f"{wanted}Resource{number}", number + 1
        api.resource_classes[attribute] = cls
        taken |= resource_class_names(cls)


def _name_credentials(api: Api) -> None:
    """`SecurityScheme.arguments`: the client's constructor arguments, one per
    thing sent, so that schemes that send the same thing (two bearer schemes,
    say) share one. API keys are `api_key`, then `api_key_2`, `api_key_3`, ...
    in the spec's order, whether in a header, the query or a cookie; HTTP Basic
    and Digest take `username` and `password`; HTTP Bearer, OAuth 2 and OpenID
    Connect take the token sent as `Authorization: Bearer ...`: `bearer_token`,
    or `access_token` when the spec has no HTTP Bearer scheme. Other schemes
    (mutual TLS, other HTTP schemes) take none."""
    groups: dict[tuple[str, ...], tuple[str, ...]] = {}
    keys = 0
    has_bearer = any(s.type == "http" and s.scheme == "bearer" for s in api.security_schemes)
    for scheme in api.security_schemes:
        if scheme.type == "apiKey" and scheme.location in ("header", "query", "cookie") and scheme.parameter_name:
            name = scheme.parameter_name
            group: tuple[str, ...] = (scheme.location, name.lower() if scheme.location == "header" else name)
        elif (scheme.type == "http" and scheme.scheme == "bearer") or scheme.type in ("oauth2", "openIdConnect"):
            group = ("bearer",)
        elif scheme.type == "http" and scheme.scheme in ("basic", "digest"):
            group = ("user",)
        else:
            continue
        if group not in groups:
            if group == ("bearer",):
                groups[group] = ("bearer_token" if has_bearer else "access_token",)
            elif group == ("user",):
                groups[group] = ("username", "password")
            else:
                keys += 1
                groups[group] = ("api_key" if keys == 1 else f"api_key_{keys}",)
        scheme.arguments = groups[group]
