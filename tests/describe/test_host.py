"""Where Ollama is and whether faces may go there: OLLAMA_HOST's forms, malformed values, and
who listens on the port."""

from __future__ import annotations

import socket

import pytest
from ollama_stub import OllamaStub

from unifer_tray.config import OllamaConfig
from unifer_tray.describe import Describer, InvalidHost
from unifer_tray.describe.host import normalise_host


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("::", "http://[::1]:11434"),
        ("[::]:8080", "http://[::1]:8080"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("localhost:11434", "http://localhost:11434"),
        ("localhost:9999", "http://localhost:9999"),
        ("http://[::1]:11434/", "http://[::1]:11434"),
        ("https://127.0.0.1", "https://127.0.0.1:443"),
        ("https://example.org", "https://example.org:443"),
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
        own = Describer(OllamaConfig(host=stub.url, timeout=5)).describe(analysis, rgb)
        assert own.description.status == "ok"


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
