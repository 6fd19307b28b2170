"""Pages of a list operation: the items of one page, the way to the next, and
iteration over every item across pages.

A list method returns its first page (`SyncPage` or `AsyncPage`): `.items` are
that page's items; iterating the page (`for item in page`, `async for item in
page`) yields every item of every page, fetching each page when it is reached.
`.next_page_params()` is the keyword argument that fetches the next page from
the same method (`{"page_key": "..."}`, `{"offset": 40}`, `{"page_url": "..."}`),
plain JSON, so that a job can store where it stopped and resume in another
process by calling the method with it (and its other arguments again).

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
- `offset`: the next request skips the items seen so far (`offset=<count>`,
  an integer parameter; an offset the API hands back as a string is a
  `cursor`); `page_number`: it asks for the next page (`page=2`, `3`, ...).
  Both end with an empty page.

The first page is fetched by the call; the next page only once the current
one is used up (or `.get_next_page()` asks for it). A cursor that comes
back a second time, or a page the same as the one before, ends the iteration,
so a server that repeats itself cannot make it endless.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .models import to_wire

if TYPE_CHECKING:
    # Only read for a `page_key` link at run time: the stub's table uses `Paging`
    # without the HTTP client.
    import httpx2

__all__ = ["AsyncPage", "Paging", "SyncPage"]

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
    # The keyword argument of the method that takes what leads to a page
    # (`page_key`; `page_url` for the styles that follow a URL).
    resume: str = ""

    @property
    def by_url(self) -> bool:
        """Whether the next page is fetched from a URL the answer gives."""
        return self.style in ("next_page_url", "link_header")

    def resume_value(self, cursor: str) -> str | int:
        """What `next_page_params` gives for `cursor`: a number for the counting styles."""
        return int(cursor) if self.style in ("offset", "page_number") else cursor

    def next_from(self, link: str | None) -> str | None:
        """The cursor (page_key, cursor) or URL (next_page_url) that the next request needs."""
        if not link or self.style != "page_key":
            return link
        if "?" not in link and "=" not in link:
            return link  # the cursor itself rather than a link
        import httpx2

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


Fetch = Callable[[str | None], "tuple[list[Any], str | None, httpx2.Response]"]
AsyncFetch = Callable[[str | None], "Awaitable[tuple[list[Any], str | None, httpx2.Response]]"]


class _BasePage(Generic[T]):
    """What both kinds of page share: the items, the next cursor, the answer."""

    def __init__(
        self,
        items: list[T],
        next: str | None,
        response: httpx2.Response,
        paging: Paging,
        seen: AbstractSet[str] = frozenset(),
    ) -> None:
        self.items = items
        self.response = response
        self._next = next
        self._paging = paging
        # The cursors that led to this page and the ones before it: one seen
        # again means the server goes round in circles, and the list ends.
        self._seen = seen

    def has_next_page(self) -> bool:
        """Whether there is a page after this one."""
        return self._next is not None and self._next not in self._seen

    def next_page_params(self) -> dict[str, Any] | None:
        """The keyword argument that fetches the next page from the same method
        (with the method's other arguments as they were), or None on the last
        page. It is plain JSON: store it to resume in another process."""
        if not self.has_next_page() or not self._paging.resume:
            return None
        assert self._next is not None
        return {self._paging.resume: self._paging.resume_value(self._next)}

    def _repeats(self, page: _BasePage[T]) -> bool:
        """Whether `page` is this one again (a server that ignores the cursor)."""
        return bool(page.items) and page.response.content == self.response.content

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} items={len(self.items)} has_next_page={self.has_next_page()}>"
        )


class SyncPage(_BasePage[T]):
    """One page of a list: `for item in page` yields every item across pages."""

    def __init__(
        self,
        items: list[T],
        next: str | None,
        response: httpx2.Response,
        paging: Paging,
        fetch: Fetch,
        seen: AbstractSet[str] = frozenset(),
    ) -> None:
        super().__init__(items, next, response, paging, seen)
        self._fetch = fetch

    def get_next_page(self) -> SyncPage[T]:
        """Fetch the page after this one; raises `LookupError` on the last."""
        if not self.has_next_page():
            raise LookupError("this is the last page: check has_next_page() first")
        assert self._next is not None
        items, following, response = self._fetch(self._next)
        return SyncPage(
            items, following, response, self._paging, self._fetch, self._seen | {self._next}
        )

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page and every one after it, each fetched when it is reached."""
        page = self
        yield page
        while page.has_next_page():
            following = page.get_next_page()
            if page._repeats(following):
                return
            page = following
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_BasePage[T]):
    """One page of a list: `async for item in page` yields every item across pages."""

    def __init__(
        self,
        items: list[T],
        next: str | None,
        response: httpx2.Response,
        paging: Paging,
        fetch: AsyncFetch,
        seen: AbstractSet[str] = frozenset(),
    ) -> None:
        super().__init__(items, next, response, paging, seen)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncPage[T]:
        """Fetch the page after this one; raises `LookupError` on the last."""
        if not self.has_next_page():
            raise LookupError("this is the last page: check has_next_page() first")
        assert self._next is not None
        items, following, response = await self._fetch(self._next)
        return AsyncPage(
            items, following, response, self._paging, self._fetch, self._seen | {self._next}
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every one after it, each fetched when it is reached."""
        page = self
        yield page
        while page.has_next_page():
            following = await page.get_next_page()
            if page._repeats(following):
                return
            page = following
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item
