"""Auto-paging: iterate over every item of a list operation, one page at a time.

The styles, chosen per operation by the generator:

- `page_key`: the answer's next link (`meta.next` in Dixa's v1 and beta APIs)
  carries a cursor in a query parameter (`pageKey`); the next request is the
  same call with that parameter set.
- `next_page_url`: the answer holds the URL of the next page
  (`paging.next_page` in the Integrations API, `next_page_uri` in Twilio's),
  which is fetched as it is.
- `cursor`: the answer holds the next cursor itself (Slack's
  `response_metadata.next_cursor`), sent in a query parameter (`cursor`); an
  empty one ends the list.
- `after_id`: while the answer says there are more (Stripe's `has_more`), the
  next request asks for the items after the last one (`starting_after=<id>`).
- `link_header`: the next page's URL is the `Link` header's `rel="next"` (GitHub).
- `offset`: the next request skips the items seen so far (`offset=<count>`);
  `page_number`: it asks for the next page (`page=2`, `3`, ...). Both end with
  an empty page.

Pages are fetched lazily: nothing is sent until the first item is asked for,
and the next page only once the current one is used up. A cursor that comes
back a second time, or a page the same as the one before, ends the iteration,
so a server that repeats itself cannot make it endless.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import httpx2

from .models import to_wire

__all__ = ["AsyncPager", "Page", "Paging", "SyncPager"]

T = TypeVar("T")

Style = Literal[
    "page_key", "next_page_url", "cursor", "after_id", "link_header", "offset", "page_number"
]


@dataclass(frozen=True)
class Paging:
    """How an operation pages: what `generator.ir.Paging` says, at run time.

    The client follows pages with it; the stub server (`stub/table.py`) makes
    them with the same description: the items at `items_path`, a link to the
    next page at `next_path` carrying the cursor in `cursor_parameter`, and
    the page size asked for in `limit_parameter`, where the list has one."""

    style: Style
    cursor_parameter: str
    next_path: tuple[str, ...]
    items_path: tuple[str, ...]
    has_more_path: tuple[str, ...] = ()
    item_id: str = ""
    limit_parameter: str | None = None

    @property
    def by_url(self) -> bool:
        """Whether the next page is fetched from a URL the answer gives."""
        return self.style in ("next_page_url", "link_header")

    def next_from(self, link: str | None) -> str | None:
        """The cursor (page_key, cursor) or URL (next_page_url) that the next request needs."""
        if not link or self.style != "page_key":
            return link
        if "?" not in link and "=" not in link:
            return link  # the cursor itself rather than a link
        return httpx2.URL(link).params.get(self.cursor_parameter) or None

    def page(
        self, value: Any, response: httpx2.Response, cursor: str | None
    ) -> tuple[list[Any], str | None]:
        """The items of the page at `cursor` (parsed as `value`) and the next cursor or URL."""
        items: Any = value
        for key in self.items_path:
            items = items[key]
        items = list(items)
        return items, self._next(value, items, response, cursor)

    def _next(
        self, value: Any, items: list[Any], response: httpx2.Response, cursor: str | None
    ) -> str | None:
        if self.has_more_path and _at(value, self.has_more_path) is not True:
            return None
        if self.style == "after_id":
            last = items[-1] if items else None
            ident = (
                (last if isinstance(last, Mapping) else to_wire(last)).get(self.item_id)
                if last
                else None
            )
            return None if ident is None else str(ident)
        if self.style == "link_header":
            next_link = response.links.get("next", {}).get("url")
            return str(next_link) if next_link else None
        if self.style == "offset":
            return str(int(cursor or 0) + len(items)) if items else None
        if self.style == "page_number":
            return str(int(cursor or 1) + 1) if items else None
        found = _at(value, self.next_path)
        return self.next_from(found if isinstance(found, str) and found else None)

    def request(
        self,
        url: str,
        query: Mapping[str, Any] | None,
        cursor: str | None,
        next_url: Callable[[str], str],
    ) -> tuple[str, Mapping[str, Any] | None]:
        """The URL and query of the request for the page at `cursor` (None: the first)."""
        if cursor is None:
            return url, query
        if self.by_url:
            return next_url(cursor), None
        return url, {**(query or {}), self.cursor_parameter: cursor}


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


@dataclass
class Page(Generic[T]):
    """One page: its items, what leads to the next one (None on the last) and the raw answer."""

    items: list[T]
    next: str | None
    response: httpx2.Response

    @property
    def has_next(self) -> bool:
        return self.next is not None


class SyncPager(Generic[T]):
    """Iterates over items across pages (`for item in pager`), or over the pages (`pager.pages()`)."""

    def __init__(self, fetch: Callable[[str | None], Page[T]]) -> None:
        self._fetch = fetch

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        cursor: str | None = None
        seen: set[str] = set()
        previous = b""
        while True:
            page = self._fetch(cursor)
            if page.items and page.response.content == previous:
                return  # the server ignores the cursor: the same page again
            yield page
            if page.next is None or page.next in seen:
                return
            cursor = page.next
            seen.add(cursor)
            previous = page.response.content


class AsyncPager(Generic[T]):
    """Iterates over items across pages (`async for item in pager`), or over the pages (`pager.pages()`)."""

    def __init__(self, fetch: Callable[[str | None], Awaitable[Page[T]]]) -> None:
        self._fetch = fetch

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        cursor: str | None = None
        seen: set[str] = set()
        previous = b""
        while True:
            page = await self._fetch(cursor)
            if page.items and page.response.content == previous:
                return  # the server ignores the cursor: the same page again
            yield page
            if page.next is None or page.next in seen:
                return
            cursor = page.next
            seen.add(cursor)
            previous = page.response.content
