"""The stateful stub sends Dixa's webhooks over real sockets: a receiver on
127.0.0.1 subscribes through the SDK's client to the stub served by uvicorn,
and gets signed events it verifies with `dixa_sdk.v1.webhooks.unwrap`; the
delivery-status operations show each attempt; a failing receiver is retried,
and a dead or hanging one slows neither the API nor the server's shutdown.

Dixa's v1 has no subscription operations, its beta has: subscriptions are
made through the beta client (the events are the same in both).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Callable


from dixa_sdk.beta import server as beta_server
from dixa_sdk.beta.client import Client
from dixa_sdk.v1 import webhooks
from dixa_sdk.v1.models import ConversationClosedEvent, ConversationCreatedEvent
from tests.processes import free_port, served

Answer = Callable[[int], Any]  # the number of the delivery (from 1) -> a status, or "hang"


class Receiver:
    """An ASGI app that keeps what it is posted and answers as `answer` says."""

    def __init__(self, answer: Answer = lambda n: 200) -> None:
        self.answer = answer
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self.arrived = threading.Condition()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        with self.arrived:
            self.received.append((body, headers))
            number = len(self.received)
            self.arrived.notify_all()
        status = self.answer(number)
        if status == "hang":
            await asyncio.sleep(3600)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"OK" if status < 300 else b"no"})

    def wait_for(self, count: int, timeout: float = 10) -> list[tuple[bytes, dict[str, str]]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            assert len(self.received) >= count, f"{len(self.received)} deliveries, not {count}"
            return list(self.received)


def stub(**sender: Any) -> Any:
    options = {"backoff": 0.05, "max_backoff": 0.1, "timeout": 1.0, **sender}
    return beta_server.create_app(stateful=True, sender=beta_server.Sender(**options))


def subscribe(client: Client, url: str, *events: str) -> Any:
    return client.webhooks.create(
        body={
            "name": "test receiver",
            "url": url,
            "events": list(events),
            "authorization": {"_type": "NoAuth"},
            "customHeaders": {"X-Test": "yes"},
        }
    )


def conversation(client: Client) -> int:
    user = client.end_users.create(body={"displayName": "Ada", "email": "ada@example.com"})
    created = client.conversations.create(
        body={
            "_type": "Email",
            "requesterId": str(user.id),
            "emailIntegrationId": "support@example.com",
            "subject": "Hello",
            "message": {"_type": "Inbound", "content": {"_type": "Text", "value": "hi"}, "attachments": []},
        }
    )
    return int(created.id)


def test_a_receiver_gets_signed_events_it_verifies_and_the_log_shows_them() -> None:
    receiver = Receiver()
    app = stub()
    with served(receiver) as receiver_url, served(app) as stub_url:
        with Client(api_key="key", base_url=stub_url, max_retries=0) as client:
            subscription = subscribe(client, receiver_url + "/dixa", "ConversationCreated", "ConversationClosed")
            secret = subscription.secret_key
            assert len(secret) == 64 and bytes.fromhex(secret)
            assert client.webhooks.get(webhook_subscription_id=subscription.id).secret_key == secret
            csid = conversation(client)
            (body, headers), = receiver.wait_for(1)
            event = webhooks.unwrap(body, headers, secret)
            assert isinstance(event, ConversationCreatedEvent)
            assert event.data.conversation.csid == csid and event.data.conversation.status == "OPEN"
            assert event.data.conversation.channel == "EMAIL" and event.data.conversation.subject == "Hello"
            assert headers["x-dixa-subscription-id"] == str(subscription.id)
            assert headers["x-test"] == "yes" and headers["content-type"] == "application/json"

            client.conversations.close(conversation_id=csid)
            closed = webhooks.unwrap(*receiver.wait_for(2)[1], secret)
            assert isinstance(closed, ConversationClosedEvent) and closed.data.conversation.status == "CLOSED"
            assert closed.event_id != event.event_id

            logs = client.webhooks.list_delivery_status_log(
                webhook_subscription_id=subscription.id, event="ConversationCreated"
            )
            assert len(logs) == 1 and logs[0].payload == body.decode()
            detail = logs[0].delivery_detail
            assert (detail.success, detail.response_code, detail.response_text) == (True, 200, "OK")
            status = {s.event.value: s.delivery_status for s in client.webhooks.list_delivery_status(
                webhook_subscription_id=subscription.id
            )}
            assert status["ConversationClosed"].type == "DeliveryDetail"
            # A message added was not asked for: nothing came of the first message.
            assert len(receiver.received) == 2
            client.webhooks.delete(webhook_subscription_id=subscription.id)
            client.conversations.reopen(conversation_id=csid)
            client.conversations.close(conversation_id=csid)
    assert len(receiver.received) == 2
    # The server stopped: its sender did too.
    assert app.deliveries._thread is None


def test_a_500_then_a_200_is_retried_with_the_same_event_and_both_attempts_logged() -> None:
    receiver = Receiver(lambda n: 500 if n == 1 else 200)
    with served(receiver) as receiver_url, served(stub()) as stub_url:
        with Client(api_key="key", base_url=stub_url, max_retries=0) as client:
            subscription = subscribe(client, receiver_url, "ConversationCreated")
            conversation(client)
            first, second = receiver.wait_for(2)
            assert first[0] == second[0]  # the same body: the same event_id
            assert webhooks.unwrap(second[0], second[1], subscription.secret_key).event_id
            time.sleep(0.2)
            logs = client.webhooks.list_delivery_status_log(
                webhook_subscription_id=subscription.id, event="ConversationCreated"
            )
    assert [(log.delivery_detail.response_code, log.delivery_detail.success) for log in logs] == [
        (200, True),
        (500, False),
    ]


def test_dead_and_hanging_receivers_slow_neither_the_api_nor_the_shutdown() -> None:
    hanging = Receiver(lambda n: "hang")
    dead = f"http://127.0.0.1:{free_port()}/nobody"
    app = stub(timeout=30.0, attempts=3)
    with served(hanging) as hanging_url:
        with served(app) as stub_url:
            with Client(api_key="key", base_url=stub_url, max_retries=0) as client:
                dead_one = subscribe(client, dead, "ConversationCreated")
                subscribe(client, hanging_url, "ConversationCreated")
                calls = time.monotonic()
                for _ in range(5):
                    conversation(client)
                assert time.monotonic() - calls < 3  # 15 calls, none waiting for a receiver
                hanging.wait_for(1)
                time.sleep(0.3)
                logs = client.webhooks.list_delivery_status_log(
                    webhook_subscription_id=dead_one.id, event="ConversationCreated"
                )
                assert logs and all(not log.delivery_detail.success for log in logs)
                assert all(log.delivery_detail.response_code == 0 for log in logs)
            stopping = time.monotonic()
        # The stub stopped at once though a delivery hung (its sender's thread is gone).
        assert time.monotonic() - stopping < 4 and app.deliveries._thread is None


class Kept:
    """A sender that keeps what it is handed instead of posting it."""

    def __init__(self) -> None:
        self.deliveries: list[Any] = []

    def submit(self, delivery: Any) -> None:
        self.deliveries.append(delivery)

    def drain(self) -> list[Any]:
        return []

    def close(self) -> None:
        pass


def _channel_filter(kind: str, strategy: str = "All", *extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "Conversation": {
            "_type": "CombinedFilters",
            "strategy": strategy,
            "conditions": [{"_type": kind, "field": "InitialChannel", "values": ["email", "pstn_phone"]}, *extra],
        }
    }


def test_a_subscription_gets_only_the_events_its_filters_pass() -> None:
    """Dixa's filters (as its examples write them: channels in lower case):
    IsOneOf and IsNotOneOf, combined by All or Any; a condition on a field the
    stub cannot read (`OperationOrigin`: it imports nothing) filters nothing."""
    from dixa_sdk.beta import testing

    sender = Kept()
    app = testing.create_stub(sender=sender)
    other_queue = {"_type": "IsOneOf", "field": "QueueId", "values": ["f0475e4c-64ae-4c8e-8644-4ed10dc8d752"]}
    origin = {"_type": "IsNotOneOf", "field": "OperationOrigin", "values": ["ApiImport"]}
    wanted = {
        "email": _channel_filter("IsOneOf", "All", origin),
        "not email": _channel_filter("IsNotOneOf"),
        "email and a queue": _channel_filter("IsOneOf", "All", other_queue),
        "email or a queue": _channel_filter("IsOneOf", "Any", other_queue),
        "no filters": None,
    }
    with testing.client(app) as client:
        names = {}
        for name, filters in wanted.items():
            body: dict[str, Any] = {"name": name, "url": "http://127.0.0.1:9/x", "events": ["ConversationCreated"],
                                    "authorization": {"_type": "NoAuth"}, "customHeaders": {}}
            if filters is not None:
                body["filters"] = filters
            names[str(client.webhooks.create(body=body).id)] = name
        conversation(client)
    got = sorted(names[delivery.subscription] for delivery in sender.deliveries)
    assert got == ["email", "email or a queue", "no filters"]


def test_v1_subscriptions_take_filters_too() -> None:
    from dixa_sdk.v1 import testing

    sender = Kept()
    app = testing.create_stub(sender=sender)
    kept = app.subscribe("http://127.0.0.1:9/a", ["ConversationCreated"], filters=_channel_filter("IsNotOneOf"))
    app.subscribe("http://127.0.0.1:9/b", ["ConversationCreated"], filters=_channel_filter("IsOneOf"))
    assert kept["filters"]["Conversation"]["strategy"] == "All"
    with testing.client(app) as client:
        user = client.end_users.create({"displayName": "Ada", "email": "ada@example.com"})
        client.conversations.create(
            {"_type": "Email", "requesterId": str(user.id), "emailIntegrationId": "support@example.com",
             "subject": "Hello", "message": {"_type": "Inbound", "content": {"_type": "Text", "value": "hi"},
                                             "attachments": []}}
        )
    assert [delivery.url for delivery in sender.deliveries] == ["http://127.0.0.1:9/b"]
