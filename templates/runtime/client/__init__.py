"""The HTTP machinery under every generated client, written once for all specs.

A generated client is a thin layer: one method per operation that turns its
typed arguments into an `Endpoint` call. Everything else lives in this
package, one concern per module:

- `options`: `NOT_GIVEN` (an omitted argument, not `None`), the per-call
  `RequestOptions` and the defaults of timeout and retries;
- `auth`: security schemes, the choice of credentials per operation, cookies;
- `parsing`: `Endpoint`, the path template and the parsing of answers;
- `bodies`: request bodies (JSON, forms, multipart); parameters are written
  by `styles.py`, which the stub server reads them back with;
- `retries` and `deadline`: when to send again, and the limits in time;
- `failures`: failed calls as `errors.py`'s exceptions;
- `raw`: raw responses (`client.with_raw_response...`);
- `base` and `transport`: the sync and async clients and their send loops.

Generated code imports from here, not from the modules, which may move.
"""

from ..paging import Paging
from ..styles import path_param
from .auth import AuthScheme, Security
from .deadline import DEFAULT_MAX_RESPONSE_BYTES
from .options import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    FileInput,
    NotGiven,
    RequestOptions,
    TimeoutTypes,
)
from .parsing import Endpoint
from .raw import APIResponse, to_async_raw_response, to_raw_response
from .streaming import AsyncStream, ServerSentEvent, Stream
from .transport import AsyncBaseClient, AsyncResource, SyncBaseClient, SyncResource

__all__ = [
    "AsyncStream",
    "ServerSentEvent",
    "Stream",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIResponse",
    "AsyncBaseClient",
    "AsyncResource",
    "AuthScheme",
    "Endpoint",
    "FileInput",
    "NotGiven",
    "Paging",
    "RequestOptions",
    "Security",
    "SyncBaseClient",
    "SyncResource",
    "TimeoutTypes",
    "path_param",
    "to_async_raw_response",
    "to_raw_response",
]
