"""Auto-paging: iterate over every item of a list operation, one page at a time.

Two styles, chosen per operation by the generator:

- `page_key`: the answer's next link (`meta.next` in Dixa's v1 and beta APIs)
  carries a cursor in a query parameter (`pageKey`); the next request is the
  same call with that parameter set.
- `next_page_url`: the answer holds the URL of the next page
  (`paging.next_page` in the Integrations API), which is fetched as it is.

Pages are fetched lazily: nothing is sent until the first item is asked for,
and the next page only once the current one is used up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import httpx

__all__ = ["AsyncPager", "Page", "Paging", "SyncPager"]

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    """How an operation pages: what `generator.ir.Paging` says, at run time."""

    style: Literal["page_key", "next_page_url"]
    cursor_parameter: str
    next_path: tuple[str, ...]
    items_path: tuple[str, ...]

    def next_from(self, link: str | None) -> str | None:
        """The cursor (page_key) or URL (next_page_url) that the next request needs."""
        if not link or self.style == "next_page_url":
            return link
        if "?" not in link and "=" not in link:
            return link  # the cursor itself rather than a link
        return httpx.URL(link).params.get(self.cursor_parameter) or None

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
        if self.style == "next_page_url":
            return next_url(cursor), None
        return url, {**(query or {}), self.cursor_parameter: cursor}


@dataclass
class Page(Generic[T]):
    """One page: its items, what leads to the next one (None on the last) and the raw answer."""

    items: list[T]
    next: str | None
    response: httpx.Response

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
        while True:
            page = self._fetch(cursor)
            yield page
            if page.next is None or page.next in seen:
                return
            cursor = page.next
            seen.add(cursor)


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
        while True:
            page = await self._fetch(cursor)
            yield page
            if page.next is None or page.next in seen:
                return
            cursor = page.next
            seen.add(cursor)
