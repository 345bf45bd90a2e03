"""The one way we talk to Ollama: an `ollama.Client` whose HTTP layer cannot leak or hang.

- The environment's proxies (HTTP_PROXY, ALL_PROXY, .netrc) are never used: a proxy would carry
  the capture off the machine even though the host itself is on loopback.
- Redirects are not followed: a redirect could point anywhere.
- No response may grow past MAX_RESPONSE_BYTES, and none may still be arriving after the
  deadline: the body is checked chunk by chunk as it streams in, so a huge or trickling reply
  is cut off instead of buffered or waited for. A chat stream's lines are capped as they arrive
  (MAX_CHAT_LINE_BYTES), before the client's line splitter can hold a long one whole.
- Replies are asked for and accepted uncompressed only (`Accept-Encoding: identity`; any
  Content-Encoding is refused): httpx inflates after the transport, so a cap on the bytes
  received would let 0.4 MB of gzip become 400 MB in memory.
- This is the one module that imports `ollama` (the package's __init__ imports it first): the
  library builds a default client from $OLLAMA_HOST at import and raises on values it cannot
  parse ("::", a port with letters). We never use that client (every call goes through
  `guarded_client` with the host `resolve_host` checked and explained), so the variable is
  hidden while it imports.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx

from .reply import MAX_REPLY_BYTES, ReplyTooLarge

_host_setting = os.environ.pop("OLLAMA_HOST", None)
try:
    import ollama
finally:
    if _host_setting is not None:
        os.environ["OLLAMA_HOST"] = _host_setting

MAX_RESPONSE_BYTES = 4_000_000  # /api/show carries licence texts; a chat reply is capped lower
# One NDJSON line of a chat stream: a piece of the answer (all of it, at most MAX_REPLY_BYTES,
# JSON-escaped) and the closing statistics.
MAX_CHAT_LINE_BYTES = 2 * MAX_REPLY_BYTES + 4000


class DeadlinePassed(httpx.TimeoutException):
    """The server was still sending when the caller's deadline passed."""


class EncodedReply(httpx.DecodingError):
    """The server compressed its reply although we asked for none."""


class _GuardedStream(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, limit: int, line_limit: int | None, deadline: float) -> None:
        self._stream, self._limit, self._line_limit, self._deadline = stream, limit, line_limit, deadline

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        open_line = 0  # bytes of the line still arriving
        for chunk in self._stream:
            received += len(chunk)
            if received > self._limit:
                raise ReplyTooLarge(f"more than {self._limit / 1e6:g} MB")
            if self._line_limit is not None:
                first, *rest = chunk.split(b"\n")
                longest = max([open_line + len(first), *(len(part) for part in rest)])
                open_line = len(rest[-1]) if rest else open_line + len(first)
                if longest > self._line_limit:
                    raise ReplyTooLarge(f"a line of more than {self._line_limit / 1000:g} kB")
            if time.monotonic() > self._deadline:
                raise DeadlinePassed("the deadline passed while the answer was still arriving")
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, limit: int, deadline: float) -> None:
        super().__init__(trust_env=False)
        self._limit, self._deadline = limit, deadline

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Accept-Encoding"] = "identity"
        response = super().handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            response.close()
            raise EncodedReply(f"the server sent a compressed reply ({encoding}), which is refused", request=request)
        line_limit = MAX_CHAT_LINE_BYTES if request.url.path.endswith("/api/chat") else None
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_GuardedStream(response.stream, self._limit, line_limit, self._deadline),
            extensions=response.extensions,
        )


def guarded_client(host: str, deadline: float, limit: int = MAX_RESPONSE_BYTES) -> ollama.Client:
    """An Ollama client for `host` that gives up at `deadline` (time.monotonic())."""
    return ollama.Client(
        host=host,
        timeout=max(0.1, deadline - time.monotonic()),
        follow_redirects=False,
        trust_env=False,
        transport=_GuardedTransport(limit, deadline),
    )


def server_version(host: str, timeout: float = 3.0) -> str:
    """Ollama's version string, through the same guarded HTTP layer; raises httpx.HTTPError."""
    client = guarded_client(host, time.monotonic() + timeout)
    try:
        response = client._client.get("/api/version")  # the ollama client has no call for this
        response.raise_for_status()
        return str(response.json().get("version", "?"))
    finally:
        client.close()
