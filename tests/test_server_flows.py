"""A whole Dixa conversation played against the stateful stub, through the
generated client, as a user testing an integration would: what is created
reads back as created, and every later operation shows in later reads as
Dixa documents it (the stub's table of effects, `stubs/dixa.yaml`;
docs/stub.md tables it).
"""

from __future__ import annotations

import asyncio
import json
import importlib
from typing import Any, Awaitable, Callable
from uuid import UUID

import pytest

from dixa_sdk import BadRequestError, NotFoundError

AGENT = "0f8fad5b-d9cb-469f-a165-70867728950e"
QUEUE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ENDPOINT = "+4512345678"
WIDGET = "a3bb189e-8bf9-3888-9912-ace4e6543002"


def play(api: str, scenario: Callable[[Any, Any], Awaitable[None]]) -> None:
    """Run `scenario(client, models)` against a fresh stateful stub of `api`, in-process."""
    package = importlib.import_module(f"dixa_sdk.{api}")
    testing = importlib.import_module(f"dixa_sdk.{api}.testing")
    app = testing.create_stub(seed=5)

    async def run() -> None:
        async with testing.async_client(app, max_retries=0) as client:
            await scenario(client, package.models)

    asyncio.run(run())


def first_message(m: Any, text: str) -> Any:
    return m.Inbound(content=m.Text(value=text), attachments=[])


APIS = ["v1", "beta"]


class Ratings:
    """The rating operations by one name in both APIs (beta's client keeps them under `conversations`)."""

    def __init__(self, client: Any) -> None:
        grouped = getattr(client, "ratings", None)
        self.offer = grouped.offer if grouped else client.conversations.offer_rating
        self.submit = grouped.submit if grouped else client.conversations.submit_rating
        self.list = grouped.list if grouped else client.conversations.list_ratings


@pytest.mark.parametrize("api", APIS)
def test_created_items_keep_unset_fields_unset_and_tags_start_active(api: str) -> None:
    async def scenario(client: Any, m: Any) -> None:
        user = await client.end_users.create(body=m.CreateEndUserInput(display_name="Ada", email="ada@example.com"))
        assert (user.display_name, user.email) == ("Ada", "ada@example.com")
        assert user.first_name is None and user.phone_number is None and user.custom_attributes is None
        again = await client.end_users.get(user_id=user.id)
        assert again.first_name is None and again.display_name == "Ada"
        for n in range(5):
            tag = await client.tags.create(body=m.CreateTagInput(name=f"tag {n}"))
            assert tag.state == "Active" and tag.name == f"tag {n}" and tag.color is None
            assert (await client.tags.get(tag_id=tag.id)).state == "Active"
        await client.tags.deactivate(tag_id=tag.id)
        assert (await client.tags.get(tag_id=tag.id)).state == "Inactive"
        await client.tags.activate(tag_id=tag.id)
        assert (await client.tags.get(tag_id=tag.id)).state == "Active"
        assert [t.name for t in await client.tags.list()] == [f"tag {n}" for n in range(5)]

    play(api, scenario)


@pytest.mark.parametrize("api", APIS)
def test_every_channel_reads_back_as_created(api: str) -> None:
    async def scenario(client: Any, m: Any) -> None:
        user = await client.end_users.create(body={"displayName": "Ada", "email": "ada@example.com"})
        requester = user.id
        bodies = {
            "EmailConversation": (
                m.Email(
                    requester_id=requester,
                    email_integration_id="support@acme.email.dixa.io",
                    subject="Broken parcel",
                    message=first_message(m, "my parcel came broken"),
                    language="da",
                ),
                "Email",
            ),
            "ContactFormConversation": (
                m.ContactForm(
                    requester_id=requester,
                    email_integration_id="form@acme.email.dixa.io",
                    subject="A form",
                    message=first_message(m, "form text"),
                ),
                "ContactForm",
            ),
            "ChatConversation": (
                m.Chat(requester_id=requester, widget_id=WIDGET, message=first_message(m, "hi there")),
                "WidgetChat",
            ),
            "SmsConversation": (
                m.Sms(requester_id=requester, contact_endpoint_id=ENDPOINT, message=first_message(m, "sms text")),
                "Sms",
            ),
            "PstnPhoneConversation": (
                m.Callback(requester_id=requester, direction="Inbound", contact_endpoint_id=ENDPOINT, queue_id=QUEUE),
                "Callback",
            ),
        }
        ids = []
        for expected_type, (body, channel) in bodies.items():
            created = await client.conversations.create(body=body)
            ids.append(created.id)
            got = await client.conversations.get(conversation_id=created.id)
            assert (got.type, got.id, got.channel, got.requester_id) == (expected_type, created.id, channel, requester)
            assert got.state == "Open" and got.assignment is None and got.link is None
            if expected_type == "EmailConversation":
                assert (got.subject, got.language, got.integration_email) == (
                    "Broken parcel",
                    "da",
                    "support@acme.email.dixa.io",
                )
                assert got.from_email == "ada@example.com"
            if expected_type == "PstnPhoneConversation":
                assert str(got.queue.id) == QUEUE
            if expected_type == "ChatConversation":
                assert got.browser_info is None and got.language is None
        assert len(set(ids)) == len(ids)
        # The conversations of an end user are those created for them, each readable.
        other = await client.end_users.create(body={"displayName": "Bob"})
        theirs = await client.conversations.create(
            body=m.Chat(requester_id=other.id, widget_id=WIDGET, message=first_message(m, "bob here"))
        )
        listed = (await client.end_users.list_conversations(user_id=requester)).items
        assert [c.id for c in listed] == ids
        for conversation in listed:
            assert (await client.conversations.get(conversation_id=conversation.id)).requester_id == requester
        assert [c.id for c in (await client.end_users.list_conversations(user_id=other.id)).items] == [theirs.id]

    play(api, scenario)


@pytest.mark.parametrize("api", APIS)
def test_a_whole_conversation(api: str) -> None:
    async def scenario(client: Any, m: Any) -> None:
        user = await client.end_users.create(body={"displayName": "Ada", "email": "ada@example.com"})
        created = await client.conversations.create(
            body=m.Email(
                requester_id=user.id,
                email_integration_id="support@acme.email.dixa.io",
                subject="Broken parcel",
                message=first_message(m, "my parcel came broken"),
            )
        )
        csid = created.id

        # Messages: the first one, then those created, as sent (content types included).
        reply = await client.conversations.create_message(
            body=m.Outbound(content=m.Html(value="<p>sorry!</p>"), agent_id=AGENT, external_id="ext-1"),
            conversation_id=csid,
        )
        assert (reply.content.type, reply.content.value) == ("Html", "<p>sorry!</p>")
        assert (str(reply.author_id), reply.direction, reply.external_id) == (AGENT, "Outbound", "ext-1")
        await client.conversations.create_message(
            body=m.Inbound(content=m.Markdown(value="**thanks**"), attachments=[]), conversation_id=csid
        )
        messages = await client.conversations.list_messages(conversation_id=csid)
        contents = [(msg.attributes.email_content.content.type, msg.attributes.email_content.content.value) for msg in messages]
        assert contents == [("Text", "my parcel came broken"), ("Html", "<p>sorry!</p>"), ("Markdown", "**thanks**")]
        assert [msg.attributes.type for msg in messages] == ["EmailAttributes"] * 3
        assert [msg.attributes.direction for msg in messages] == ["Inbound", "Outbound", "Inbound"]
        assert [str(msg.author_id) for msg in messages] == [str(user.id), AGENT, str(user.id)]
        assert str(messages[1].id) == str(reply.message_id) and messages[1].external_id == "ext-1"

        # Notes.
        note = await client.conversations.create_note(body={"message": "call back tomorrow", "agentId": AGENT}, conversation_id=csid)
        notes = await client.conversations.list_notes(conversation_id=csid)
        assert [(n.id, n.message, str(n.author_id), n.csid) for n in notes] == [(note.id, "call back tomorrow", AGENT, csid)]

        # Tags: added, removed, in bulk by name (a new name makes an active tag); an inactive one is refused.
        vip = await client.tags.create(body={"name": "vip"})
        urgent = await client.tags.create(body={"name": "urgent"})
        await client.conversations.tag(conversation_id=csid, tag_id=vip.id)
        await client.conversations.tag(conversation_id=csid, tag_id=urgent.id)
        await client.conversations.tag(conversation_id=csid, tag_id=urgent.id)
        assert [t.name for t in await client.conversations.list_tags(conversation_id=csid)] == ["vip", "urgent"]
        await client.conversations.untag(conversation_id=csid, tag_id=vip.id)
        assert [t.name for t in await client.conversations.list_tags(conversation_id=csid)] == ["urgent"]
        await client.conversations.create_tags_bulk(body={"data": [{"name": "vip"}, {"name": "refund"}]}, conversation_id=csid)
        tags = await client.conversations.list_tags(conversation_id=csid)
        assert [(t.name, t.state) for t in tags] == [("urgent", "Active"), ("vip", "Active"), ("refund", "Active")]
        assert sorted(t.name for t in await client.tags.list()) == ["refund", "urgent", "vip"]
        await client.tags.deactivate(tag_id=urgent.id)
        assert [t.state for t in await client.conversations.list_tags(conversation_id=csid)][0] == "Inactive"
        old = await client.tags.create(body={"name": "old"})
        await client.tags.deactivate(tag_id=old.id)
        with pytest.raises(BadRequestError):
            await client.conversations.tag(conversation_id=csid, tag_id=old.id)
        with pytest.raises(NotFoundError):
            await client.conversations.tag(conversation_id=csid, tag_id=UUID(int=7))

        # Life cycle: assign, transfer, follow up, close, reopen.
        async def read() -> Any:
            return await client.conversations.get(conversation_id=csid)

        await client.conversations.claim(body={"agentId": AGENT}, conversation_id=csid)
        assert str((await read()).assignment.agent_id) == AGENT
        await client.conversations.transfer_queue(body={"queueId": QUEUE}, conversation_id=csid)
        assert str((await read()).queue.id) == QUEUE
        await client.conversations.followup(body={"timestamp": "2030-01-01T10:00:00Z"}, conversation_id=csid)
        assert (await read()).state == "Pending"
        await client.conversations.close(conversation_id=csid)
        closed = await read()
        assert closed.state == "Closed" and closed.state_updated_at is not None
        await client.conversations.reopen(conversation_id=csid)
        assert (await read()).state == "Open"
        assert (await read()).subject == "Broken parcel"

        # Ratings: offered, listed, submitted (v1's client groups them as `ratings`).
        ratings = Ratings(client)
        offer = await ratings.offer(body={"ratingType": "Csat", "agentId": AGENT}, conversation_id=csid)
        assert (offer.rating_type, str(offer.user_id), str(offer.agent_id)) == ("Csat", str(user.id), AGENT)
        [offered] = await ratings.list(conversation_id=csid)
        assert (offered.id, offered.rating_status, offered.rating_score) == (offer.id, "Offered", None)
        result = await ratings.submit(
            body={"ratingResult": {"_type": "Csat", "value": 5}, "comment": "great"},
            conversation_id=csid,
            rating_id=str(offer.id),
        )
        assert (str(result.rating_id), result.rating_result.value, result.comment) == (str(offer.id), 5, "great")
        [rated] = await ratings.list(conversation_id=csid)
        assert (rated.rating_status, rated.rating_score, rated.rating_comment) == ("Rated", 5, "great")
        assert set(rated.timestamps) == {"offered", "rated"}

        # Links: a side conversation is listed under its parent.
        side = await client.conversations.create(
            body=m.Email(
                requester_id=user.id,
                email_integration_id="support@acme.email.dixa.io",
                subject="Asking the warehouse",
                message=first_message(m, "what happened?"),
            )
        )
        await client.conversations.link(body={"parentId": csid, "linkType": "SideConversation"}, conversation_id=side.id)
        assert [c.id for c in await client.conversations.list_linked(conversation_id=csid)] == [side.id]
        linked = await client.conversations.get(conversation_id=side.id)
        assert (linked.link.type, linked.link.parent_id) == ("SideConversation", csid)

        # A conversation the stub does not hold is 404 everywhere.
        with pytest.raises(NotFoundError):
            await client.conversations.close(conversation_id=999999)
        with pytest.raises(NotFoundError):
            await client.conversations.list_messages(conversation_id=999999)

    play(api, scenario)


def test_a_table_of_effects_naming_an_unknown_operation_is_a_located_error(tmp_path: Any) -> None:
    from generator.reading.read import read_api
    from generator.rendering.effects import EffectsError, effects_file

    from .conftest import SPECS

    table = tmp_path / "effects.yaml"
    table.write_text("operations:\n  postTags:\n    steps: [{create: /tags, item: {id: 1}}]\n  noSuchOperation: {}\n")
    api = read_api(SPECS["v1"], strict=False).api
    with pytest.raises(EffectsError, match=r"effects.yaml#/operations/noSuchOperation: .* no operation"):
        effects_file(table, api)
    table.write_text("operations:\n  postTags:\n    steps: [{fly: /tags}]\n")
    with pytest.raises(EffectsError, match=r"#/operations/postTags/steps/0: a step is one of"):
        effects_file(table, api)
    table.write_text("operations:\n  postTags:\n    steps: [{emit: ConversationLaunched}]\n")
    with pytest.raises(EffectsError, match=r"#/operations/postTags/steps/0/emit: .* no webhook 'ConversationLaunched'"):
        effects_file(table, api)
    table.write_text("operations:\n  noSuchOperation: {optional: true}\n  postTags: {steps: [{emit: ConversationCreated}]}\n")
    shipped = json.loads(effects_file(table, api))
    assert list(shipped["operations"]) == ["postTags"]


def test_a_v1_stub_sends_to_a_subscription_made_in_python() -> None:
    """v1 has no subscription operations: `app.subscribe` stands in for them,
    and the events its operations emit reach the sender (a fake transport here)."""
    import httpx2

    from dixa_sdk.v1 import server, testing, webhooks

    posted: list[httpx2.Request] = []

    def receiver(request: httpx2.Request) -> httpx2.Response:
        posted.append(request)
        return httpx2.Response(204)

    app = testing.create_stub(sender=server.Sender(transport=httpx2.MockTransport(receiver)))
    with pytest.raises(ValueError, match="no webhook event 'ConversationLaunched'"):
        app.subscribe("http://receiver.test/hook", ["ConversationLaunched"])
    subscription = app.subscribe("http://receiver.test/hook", ["ConversationClosed"])
    try:
        with testing.client(app, max_retries=0) as client:
            user = client.end_users.create(body={"displayName": "Ada"})
            created = client.conversations.create(
                body={"_type": "Chat", "requesterId": str(user.id), "widgetId": WIDGET,
                      "message": {"_type": "Inbound", "content": {"_type": "Text", "value": "hi"}, "attachments": []}}
            )
            client.conversations.close(conversation_id=created.id)
            assert app.deliveries.wait_idle(5)
    finally:
        app.close()
    (request,) = posted
    event = webhooks.unwrap(request.content, request.headers, subscription["secretKey"])
    assert event.event_fqn == "CONVERSATION_CLOSED" and event.data.conversation.csid == created.id
    assert event.data.conversation.channel == "WIDGET_CHAT"
