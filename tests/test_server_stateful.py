"""The stub server in stateful mode: what is created can be read, listed
(with real `pageKey` paging), updated and deleted, and everything else
agrees with it.

The scenarios follow what the specs offer: Dixa has no DELETE for end users
(they are anonymized, not deleted) and no PATCH on tags or teams (tags are
activated and deactivated, teams change through their agents), so those
steps use the operations the spec has instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import TypeAdapter

from .test_server import AUTH, USER_ID, call, server


def answer(app: Any, operation_id: str, response: Any) -> Any:
    """The response parsed with the model of its documented status."""
    op = app.operations[operation_id]
    reply = next(r for r in op.replies if r.status == str(response.status_code))
    return TypeAdapter(reply.type).validate_json(response.content) if reply.type is not None else None


@pytest.mark.parametrize("api", ["v1", "beta"])
def test_end_users_create_get_patch_replace_list(api: str) -> None:
    app = server(api).create_app(stateful=True, seed=1)
    base = f"/{api}/endusers"
    created = call(app, "POST", base, headers=AUTH, json={"displayName": "Ada Lovelace", "email": "ada@example.com"})
    assert created.status_code == 201, created.text
    user = answer(app, "postEndusers", created).data
    assert (user.display_name, user.email) == ("Ada Lovelace", "ada@example.com")
    url = f"{base}/{user.id}"

    fetched = call(app, "GET", url, headers=AUTH)
    assert fetched.status_code == 200
    assert fetched.json() == created.json()

    patched = call(app, "PATCH", url, headers=AUTH, json={"displayName": "Ada King"})
    assert patched.status_code == 200, patched.text
    assert answer(app, "patchEndusersUserid", patched).data.display_name == "Ada King"
    assert call(app, "GET", url, headers=AUTH).json()["data"]["displayName"] == "Ada King"
    assert call(app, "GET", url, headers=AUTH).json()["data"]["email"] == "ada@example.com"

    replaced = call(app, "PUT", url, headers=AUTH, json={"displayName": "Countess", "phoneNumber": "+4512345678"})
    assert replaced.status_code == 200, replaced.text
    assert call(app, "GET", url, headers=AUTH).json()["data"]["phoneNumber"] == "+4512345678"

    listed = call(app, "GET", base, headers=AUTH)
    assert [u["id"] for u in listed.json()["data"]] == [str(user.id)]
    answer(app, "getEndusers", listed)

    assert call(app, "GET", f"{base}/{USER_ID}", headers=AUTH).status_code == 404
    assert call(app, "GET", f"{base}/{USER_ID}/conversations", headers=AUTH).status_code == 404
    assert call(app, "GET", f"{url}/conversations", headers=AUTH).status_code == 200
    assert call(app, "DELETE", url, headers=AUTH).status_code == 405  # not in the spec


def test_end_users_page_with_page_key() -> None:
    app = server("v1").create_app(stateful=True, seed=1)
    ids = []
    for n in range(23):
        response = call(app, "POST", "/v1/endusers", headers=AUTH, json={"displayName": f"user {n}", "email": f"u{n}@example.com"})
        ids.append(response.json()["data"]["id"])
    assert len(set(ids)) == 23
    seen: list[str] = []
    params: dict[str, str] = {"pageLimit": "10"}
    pages = 0
    while True:
        response = call(app, "GET", "/v1/endusers", headers=AUTH, params=params)
        assert response.status_code == 200
        page = answer(app, "getEndusers", response)
        seen += [str(u.id) for u in page.data]
        pages += 1
        link = response.json().get("meta", {}).get("next")
        if not link:
            break
        params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        assert "pageKey" in params
    assert (seen, pages) == (ids, 3)
    assert call(app, "GET", "/v1/endusers", headers=AUTH).json()["data"][0]["id"] == ids[0]
    assert len(call(app, "GET", "/v1/endusers", headers=AUTH).json()["data"]) == 10  # the default page size
    by_email = call(app, "GET", "/v1/endusers", headers=AUTH, params={"email": "u7@example.com"}).json()["data"]
    assert [u["id"] for u in by_email] == [ids[7]]
    bad = call(app, "GET", "/v1/endusers", headers=AUTH, params={"pageKey": "not-a-key"})
    assert bad.status_code == 400
    assert "pageKey" in bad.json()["message"]


@pytest.mark.parametrize("api", ["v1", "beta"])
def test_tags_create_get_activate_list_delete(api: str) -> None:
    app = server(api).create_app(stateful=True, seed=1)
    base = f"/{api}/tags"
    created = call(app, "POST", base, headers=AUTH, json={"name": "vip", "color": "#ff0000"})
    assert created.status_code == 200, created.text
    tag = answer(app, "postTags", created).data
    assert tag.name == "vip"
    url = f"{base}/{tag.id}"
    assert call(app, "GET", url, headers=AUTH).json() == created.json()
    assert call(app, "PATCH", f"{url}/deactivate", headers=AUTH).status_code == 204
    assert call(app, "PATCH", f"{url}/activate", headers=AUTH).status_code == 204
    other = call(app, "POST", base, headers=AUTH, json={"name": "churn-risk"}).json()["data"]
    listed = call(app, "GET", base, headers=AUTH)
    assert [t["name"] for t in listed.json()["data"]] == ["vip", "churn-risk"]
    answer(app, "getTags", listed)
    assert call(app, "DELETE", url, headers=AUTH).status_code == 204
    assert call(app, "GET", url, headers=AUTH).status_code == 404
    assert call(app, "DELETE", url, headers=AUTH).status_code == 404
    assert call(app, "PATCH", f"{url}/activate", headers=AUTH).status_code == 404
    assert [t["id"] for t in call(app, "GET", base, headers=AUTH).json()["data"]] == [other["id"]]


@pytest.mark.parametrize("api", ["v1", "beta"])
def test_teams_create_get_add_agents_list_delete(api: str) -> None:
    app = server(api).create_app(stateful=True, seed=1)
    base = f"/{api}/teams"
    created = call(app, "POST", base, headers=AUTH, json={"name": "Tier 1"})
    assert created.status_code == 201, created.text
    team = answer(app, "postTeams", created).data
    url = f"{base}/{team.id}"
    assert answer(app, "getTeamsTeamid", call(app, "GET", url, headers=AUTH)).data.name == "Tier 1"
    added = call(app, "PATCH", f"{url}/agents", headers=AUTH, json={"agentIds": [USER_ID]})
    assert added.status_code == 200, added.text
    assert [t["id"] for t in call(app, "GET", base, headers=AUTH).json()["data"]] == [str(team.id)]
    assert call(app, "DELETE", url, headers=AUTH).status_code == 204
    assert call(app, "GET", url, headers=AUTH).status_code == 404
    assert call(app, "PATCH", f"{url}/agents", headers=AUTH, json={"agentIds": [USER_ID]}).status_code == 404
    assert call(app, "GET", base, headers=AUTH).json()["data"] == []


def test_nested_collections_are_kept_per_parent() -> None:
    app = server("v1").create_app(stateful=True, seed=1)
    conversation = call(app, "POST", "/v1/conversations", headers=AUTH, json=_conversation(app))
    assert conversation.status_code == 201, conversation.text
    csid = conversation.json()["data"]["id"]
    note = call(app, "POST", f"/v1/conversations/{csid}/notes", headers=AUTH, json={"message": "Called back"})
    assert note.status_code == 200, note.text
    notes = call(app, "GET", f"/v1/conversations/{csid}/notes", headers=AUTH)
    assert [n["id"] for n in notes.json()["data"]] == [note.json()["data"]["id"]]
    assert call(app, "GET", f"/v1/conversations/{csid + 1}/notes", headers=AUTH).status_code == 404


def _conversation(app: Any) -> Any:
    from .test_server import synthesizer

    return synthesizer().value(app.operations["postConversations"].body.type)


def test_ids_are_deterministic_for_a_seed() -> None:
    def first_id(seed: int) -> str:
        app = server("v1").create_app(stateful=True, seed=seed)
        return str(call(app, "POST", "/v1/tags", headers=AUTH, json={"name": "x"}).json()["data"]["id"])

    assert first_id(5) == first_id(5)
    assert first_id(5) != first_id(6)


def test_integrations_users_are_created_and_listed() -> None:
    app = server("integrations").create_app(stateful=True, seed=1)
    op = app.operations["createUser"]
    from .test_server import synthesizer

    body = synthesizer().value(op.body.type)
    created = call(app, "POST", "/v1/users", headers=AUTH, json=body)
    assert created.status_code == 201, created.text
    listed = call(app, "GET", "/v1/users", headers=AUTH)
    assert [u["id"] for u in listed.json()["data"]] == [created.json()["data"]["id"]]
    answer(app, "listUsers", listed)


def test_reset_forgets_items_and_overrides() -> None:
    app = server("v1").create_app(stateful=True)
    call(app, "POST", "/v1/tags", headers=AUTH, json={"name": "x"})
    app.override("getTags", lambda request: {"data": []})
    app.reset()
    assert call(app, "GET", "/v1/tags", headers=AUTH).json()["data"] == []
    assert "getTags" not in app._overrides
