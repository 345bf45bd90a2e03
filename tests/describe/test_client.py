"""What must never happen when talking to Ollama: the capture leaving through a proxy or a
redirect, a huge or trickling answer eating memory or outliving its deadline, a malformed
OLLAMA_HOST ending in a traceback."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from ollama_stub import Behaviour, OllamaStub

from unifer_tray.config import OllamaConfig
from unifer_tray.describe import Describer


def describe(url: str, group, timeout: float = 5.0):
    analysis, rgb = group
    return Describer(OllamaConfig(host=url, timeout=timeout)).describe(analysis, rgb)


class Listener:
    """A TCP port that records whatever connects to it (a proxy or a redirect target)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.received: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                with contextlib.suppress(OSError):
                    self.received.append(connection.recv(4096))


def test_proxy_variables_are_not_followed(group, monkeypatch):
    proxy = Listener()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with OllamaStub() as stub:
        result = describe(stub.url, group)
    assert result.description.status == "ok" and len(stub.chat_requests()) == 1
    time.sleep(0.2)
    # Nothing at all went to the proxy: not the capture, and not onnxruntime's telemetry either,
    # which did go there from this test process until it was switched off (tests/test_privacy.py).
    assert proxy.received == []


def test_redirects_are_not_followed(group):
    elsewhere = Listener()
    with OllamaStub(Behaviour(redirect_to=elsewhere.url)) as stub:
        result = describe(stub.url, group)
    assert result.description.status == "fallback" and "307" in result.description.reason
    time.sleep(0.2)
    assert elsewhere.received == []


def test_a_huge_answer_is_cut_off_while_it_streams(group):
    with OllamaStub(Behaviour(stream_bytes=400_000_000)) as stub:
        result = describe(stub.url, group)
    assert result.description.status == "fallback" and "too long" in result.description.reason
    assert stub.streamed_bytes < 20_000_000  # we hung up early; nothing close to 400 MB was sent


def test_a_trickling_server_is_dropped_at_the_deadline(group):
    earlier = set(threading.enumerate())  # other tests' threads are not this one's concern
    with OllamaStub(Behaviour(trickle=0.05, chunk_chars=8)) as stub:
        start = time.monotonic()
        result = describe(stub.url, group, timeout=1.0)
        waited = time.monotonic() - start
        assert result.description.status == "fallback" and "within 1 s" in result.description.reason
        assert waited < 1.5

        # the request itself is closed too: no describe thread stays behind sending or reading
        def describing() -> list[threading.Thread]:
            return [t for t in threading.enumerate() if t.name == "unifer-describe" and t not in earlier]

        deadline = time.monotonic() + 2
        while describing() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not describing()
        time.sleep(0.3)  # TCP lets one more write through before the peer's reset arrives
        sent = stub.streamed_bytes
        time.sleep(0.3)
        assert stub.streamed_bytes == sent  # the connection is closed: the stub can no longer send


def test_ollama_is_imported_only_inside_describe_after_its_guard():
    import ast
    from pathlib import Path

    package = Path(__file__).parents[2] / "unifer_tray"
    importers = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name.split(".")[0] == "ollama" for name in names):
                importers.append(path.relative_to(package).as_posix())
    assert importers and all(name.startswith("describe/") for name in importers)
    first = ast.parse((package / "describe" / "__init__.py").read_text(encoding="utf-8")).body[1]
    assert isinstance(first, ast.ImportFrom) and [a.name for a in first.names] == ["client"]


def test_a_compressed_answer_is_refused_before_it_inflates(group):
    """0.4 MB of gzip would inflate to 400 MB after the transport's byte count."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with OllamaStub(Behaviour(gzip_bomb=400_000_000)) as stub:
        result = describe(stub.url, group)
        assert stub.streamed_bytes < 1_000_000  # the bomb really was small on the wire
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.description.status == "fallback" and "compressed reply (gzip)" in result.description.reason
    assert [f.expression for f in result.faces] == ["happiness"] * 5
    assert grown_mb < 100


def test_we_ask_for_uncompressed_replies(group):
    with OllamaStub() as stub:
        seen = []
        original = stub.server.RequestHandlerClass.do_POST

        def recording(handler):
            seen.append(handler.headers.get("Accept-Encoding"))
            original(handler)

        stub.server.RequestHandlerClass.do_POST = recording
        result = describe(stub.url, group)
    assert result.description.status == "ok"
    assert seen and set(seen) == {"identity"}


def test_a_chat_line_is_capped_while_it_arrives(group):
    """One NDJSON line of 3 MB (under the 4 MB reply cap) is refused before it is read whole."""
    from unifer_tray.describe.client import MAX_CHAT_LINE_BYTES

    with OllamaStub(Behaviour(stream_bytes=3_000_000, chunk_chars=3_000_000)) as stub:
        result = describe(stub.url, group)
    assert result.description.status == "fallback"
    assert f"a line of more than {MAX_CHAT_LINE_BYTES / 1000:g} kB" in result.description.reason
