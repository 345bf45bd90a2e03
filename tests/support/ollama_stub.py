"""A loopback HTTP server that speaks the part of Ollama's API we use, for tests.

No Ollama server or model weights can be installed on our machines, so the real `ollama`
client is exercised against this: /api/version, /api/tags, /api/show and /api/chat (both the
non-streaming reply and the NDJSON stream), with payloads shaped like Ollama's, and knobs for
every failure the describe layer must survive.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = "0.12.6"


@dataclass
class Behaviour:
    # (name, capabilities) as `ollama list` / `ollama show` would report them
    models: list[tuple[str, list[str]]] = field(
        default_factory=lambda: [("llama3.2:3b", ["completion", "tools"]), ("gemma3:4b", ["completion", "vision"])]
    )
    not_pulled: set[str] = field(default_factory=set)  # listed, but /api/show and /api/chat answer 404
    sizes: dict[str, int] = field(default_factory=dict)  # bytes on disk by name (default: gemma3:4b's)
    reply: str | None = None  # assistant content; None: a valid answer for the faces in the request
    status: int = 200  # HTTP status of /api/chat
    raw_body: bytes | None = None  # sent as-is by /api/chat (malformed responses)
    delay: float = 0.0  # seconds /api/chat waits before answering
    redirect_to: str | None = None  # /api/chat answers 307 to this URL
    # /api/chat streams NDJSON chunks of `chunk_chars` of content, written as they are made (never
    # held whole), until `stream_bytes` are sent (0: forever) or the client leaves; `trickle` s apart.
    stream_bytes: int = 0
    trickle: float = 0.0
    chunk_chars: int = 65536
    # /api/chat answers a gzip body that inflates to this many bytes (0: no), whatever was asked
    gzip_bomb: int = 0


def valid_reply(face_count: int, expression: str = "happiness") -> str:
    faces = [
        {
            "face": i + 1,
            "expression": expression,
            "confidence": 0.8,
            "cues": ["raised cheeks", "lip corners pulled up"],
            "description": f"Face {i + 1} smiles broadly with raised cheeks.",
        }
        for i in range(face_count)
    ]
    return json.dumps(
        {
            "faces": faces,
            "summary": f"{face_count} smiling face(s).",
            "context": "The scene seems to be a relaxed moment outdoors.",
        }
    )


GEMMA3_4B_BYTES = 3_338_801_804


def _model_entry(name: str, size: int = GEMMA3_4B_BYTES) -> dict:
    digest = hashlib.sha256(name.encode()).hexdigest()
    family = name.split(":")[0]
    return {
        "name": name,
        "model": name,
        "modified_at": "2026-11-01T10:00:00.000000000Z",
        "size": size,
        "digest": digest,
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": "4.3B",
            "quantization_level": "Q4_K_M",
        },
    }


class OllamaStub:
    def __init__(self, behaviour: Behaviour | None = None):
        self.behaviour = behaviour or Behaviour()
        self.requests: list[tuple[str, dict]] = []
        self.streamed_bytes = 0  # how much of a `stream_bytes` answer went out before the client left
        self._stopping = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def setup(self) -> None:
                super().setup()
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as Go's net/http does

            def _send(self, status: int, payload: dict | bytes, content_type: str = "application/json") -> None:
                body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self) -> None:
                stub.requests.append((self.path, {}))
                if self.path == "/api/version":
                    self._send(200, {"version": VERSION})
                elif self.path == "/api/tags":
                    models = [
                        _model_entry(name, stub.behaviour.sizes.get(name, GEMMA3_4B_BYTES))
                        for name, _ in stub.behaviour.models
                    ]
                    self._send(200, {"models": models})
                else:
                    self._send(404, b"404 page not found", "text/plain")

            def do_POST(self) -> None:
                body = self._body()
                stub.requests.append((self.path, body))
                if self.path == "/api/show":
                    self._show(body)
                elif self.path == "/api/chat":
                    self._chat(body)
                else:
                    self._send(404, b"404 page not found", "text/plain")

            def _missing(self, name: str) -> bool:
                known = {n for n, _ in stub.behaviour.models} - stub.behaviour.not_pulled
                return name not in known

            def _show(self, body: dict) -> None:
                name = body.get("model", "")
                if self._missing(name):
                    self._send(404, {"error": f"model '{name}' not found"})
                    return
                capabilities = dict(stub.behaviour.models)[name]
                self._send(
                    200,
                    {
                        "modelfile": f"FROM {name}\n",
                        "parameters": "temperature 1",
                        "template": "{{ .Prompt }}",
                        "details": _model_entry(name)["details"],
                        "model_info": {"general.architecture": "gemma3"},
                        "capabilities": capabilities,
                        "modified_at": "2026-11-01T10:00:00.000000000Z",
                    },
                )

            def _chat(self, body: dict) -> None:
                behaviour = stub.behaviour
                if stub._stopping.wait(behaviour.delay):
                    return
                name = body.get("model", "")
                if self._missing(name):
                    self._send(404, {"error": f'model "{name}" not found, try pulling it first'})
                    return
                if behaviour.raw_body is not None:
                    self._send(behaviour.status, behaviour.raw_body)
                    return
                if behaviour.redirect_to is not None:
                    self.send_response(307)
                    self.send_header("Location", behaviour.redirect_to + "/api/chat")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if behaviour.stream_bytes or behaviour.trickle:
                    self._stream_endlessly(name)
                    return
                if behaviour.gzip_bomb:
                    self._send_gzip_bomb(behaviour.gzip_bomb)
                    return
                if behaviour.status != 200:
                    self._send(behaviour.status, {"error": "llama runner process has terminated: exit status 2"})
                    return
                images = sum(len(m.get("images") or []) for m in body.get("messages", []))
                content = behaviour.reply if behaviour.reply is not None else valid_reply(max(0, images - 1))
                done = {
                    "done": True,
                    "done_reason": "stop",
                    "total_duration": 4_935_886_791,
                    "load_duration": 534_986_708,
                    "prompt_eval_count": 512,
                    "prompt_eval_duration": 107_345_000,
                    "eval_count": 120,
                    "eval_duration": 4_289_432_000,
                }
                head = {"model": name, "created_at": "2026-11-25T20:00:00.000000Z"}
                if body.get("stream", True):
                    pieces = [content[i : i + 40] for i in range(0, len(content), 40)] or [""]
                    lines = [{**head, "message": {"role": "assistant", "content": p}, "done": False} for p in pieces]
                    lines.append({**head, "message": {"role": "assistant", "content": ""}, **done})
                    self._send(
                        200, b"".join(json.dumps(line).encode() + b"\n" for line in lines), "application/x-ndjson"
                    )
                else:
                    self._send(200, {**head, "message": {"role": "assistant", "content": content}, **done})

            def _send_gzip_bomb(self, inflated: int) -> None:
                squeezer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
                block = b" " * 1_000_000
                body = b"".join(squeezer.compress(block) for _ in range(inflated // len(block))) + squeezer.flush()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)
                    stub.streamed_bytes += len(body)

            def _stream_endlessly(self, name: str) -> None:
                """Chunked NDJSON as Ollama streams it, produced as it is sent."""
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                line = (
                    json.dumps(
                        {
                            "model": name,
                            "message": {"role": "assistant", "content": "x" * stub.behaviour.chunk_chars},
                            "done": False,
                        }
                    ).encode()
                    + b"\n"
                )
                chunk = f"{len(line):x}\r\n".encode() + line + b"\r\n"
                try:
                    while not stub.behaviour.stream_bytes or stub.streamed_bytes < stub.behaviour.stream_bytes:
                        if stub._stopping.wait(stub.behaviour.trickle):
                            return
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        stub.streamed_bytes += len(line)
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what we want to see

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def chat_requests(self) -> list[dict]:
        return [body for path, body in self.requests if path == "/api/chat"]

    def images_of(self, request: dict) -> list[bytes]:
        return [base64.b64decode(image) for m in request["messages"] for image in (m.get("images") or [])]

    def __enter__(self) -> OllamaStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
