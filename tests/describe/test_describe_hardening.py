"""What must never happen when talking to Ollama: the capture leaving through a proxy or a
redirect, a huge or trickling answer eating memory or outliving its deadline, a malformed
OLLAMA_HOST ending in a traceback."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
from ollama_stub import Behaviour, OllamaStub

from unifer_tray.config import OllamaConfig
from unifer_tray.describe import Describer, InvalidHost
from unifer_tray.describe.host import normalise_host


@pytest.fixture(scope="module")
def group(pipeline, data_dir):
    return pipeline.run(data_dir / "multi_face.jpg")


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("::", "http://[::1]:11434"),
        ("[::]:8080", "http://[::1]:8080"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("localhost:11434", "http://localhost:11434"),
        ("https://127.0.0.1", "https://127.0.0.1:443"),
    ],
)
def test_ollama_host_forms(value, expected):
    assert normalise_host(value) == expected


@pytest.mark.parametrize("value", ["127.0.0.1:1143x", "127.0.0.1:99999", "127.0.0.1:0", "ftp://127.0.0.1", "[::1"])
def test_a_malformed_ollama_host_falls_back_with_a_reason(value, group, monkeypatch):
    with pytest.raises(InvalidHost, match="not a valid address"):
        normalise_host(value)
    monkeypatch.setenv("OLLAMA_HOST", value)
    analysis, rgb = group
    result = Describer(OllamaConfig(host=None, timeout=2)).describe(analysis, rgb)
    assert result.description.status == "fallback" and "not a valid address" in result.description.reason
    assert [f.expression for f in result.faces] == ["happiness"] * 5


def test_doctor_and_the_cli_explain_a_malformed_ollama_host(monkeypatch, tmp_path, data_dir, capsys):
    from unifer_tray.cli.main import main
    from unifer_tray.doctor import check_ollama

    monkeypatch.setenv("UNIFER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:1143x")
    check = check_ollama()
    assert check.status == "warn" and "not a valid address" in check.detail and "OLLAMA_HOST" in (check.fix or "")
    assert main(["analyze", "--describe", "--format", "json", str(data_dir / "single_face.jpg")]) == 0
    out = capsys.readouterr().out
    assert '"status": "fallback"' in out and "not a valid address" in out


@pytest.mark.parametrize("value", ["::", "http://127.0.0.1:1143x"])
def test_a_fresh_cli_with_an_odd_ollama_host_gives_the_reading_and_a_reason(value, tmp_path, data_dir):
    """In a new process, where importing `ollama` itself reads OLLAMA_HOST (it used to raise)."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "OLLAMA_HOST": value, "UNIFER_CONFIG": str(tmp_path / "config.toml")}
    command = "import sys; from unifer_tray.cli.main import main; sys.exit(main(sys.argv[1:]))"
    image = str(data_dir / "single_face.jpg")
    result = subprocess.run(
        [sys.executable, "-c", command, "analyze", "--describe", "--format", "json", image],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (analysis,) = json.loads(result.stdout)
    assert analysis["faces"][0]["expression"] == "happiness"
    assert analysis["description"]["status"] == "fallback" and analysis["description"]["reason"]
    assert os.environ.get("OLLAMA_HOST") != value  # the test process itself was left alone


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


def test_a_listener_of_another_account_on_the_ollama_port_gets_no_faces(group, tmp_path):
    """Another user listening on the loopback port (no Ollama running) would receive every
    capture; the port's owner is checked and the reading arrives with the reason."""
    import os
    import shutil
    import subprocess
    import sys

    from unifer_tray.describe.host import listener_owners

    if listener_owners(1) is None:
        pytest.skip("this system does not say who owns a socket (no /proc/net/tcp): not checked here")
    if os.getuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("running the stranger as another uid needs root and setpriv")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stranger = subprocess.Popen(
        [
            "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c",
            "import socket, sys, time; s = socket.create_server(('127.0.0.1', int(sys.argv[1]))); "
            "print('listening', flush=True); time.sleep(60)",
            str(port),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert stranger.stdout.readline().strip() == "listening"
        analysis, rgb = group
        result = Describer(OllamaConfig(host=f"http://127.0.0.1:{port}", timeout=5)).describe(analysis, rgb)
        assert result.description.status == "fallback"
        assert "held by another account (nobody" in result.description.reason
        assert [f.expression for f in result.faces] == ["happiness"] * 5
    finally:
        stranger.kill()
        stranger.wait()
    with OllamaStub() as stub:  # the same port question for a server of this user's own: trusted
        assert describe(stub.url, group).description.status == "ok"


def test_the_owner_of_a_listening_socket_is_read_from_the_kernel_tables(tmp_path):
    from unifer_tray.describe.host import listener_owners

    table = tmp_path / "tcp"
    table.write_text(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:2CAE 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 1 1\n"
        "   1: 0100007F:2CAE 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 2 1\n"
    )
    assert listener_owners(11438, (table,)) == {65534}  # the established connection is not a listener
    assert listener_owners(11434, (table,)) == set()
    assert listener_owners(11438, (tmp_path / "absent",)) is None
