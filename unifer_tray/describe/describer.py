"""Asking a local Ollama vision model to describe the faces, with a guaranteed fallback.

Whatever goes wrong (server down, slow, erroring, no vision model, output that fails the
schema, a remote host the user has not allowed, a newer capture superseding this one) the
analysis still comes back, with the classifier's labels and a templated summary, and the
description says why the model was not used. The wait never exceeds the configured timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import replace
from typing import cast

import httpx
import numpy as np
import ollama
from pydantic import ValidationError

from ..config import OllamaConfig
from ..result import Analysis, Description, fallback_summary, top_label
from .client import guarded_client
from .fusion import fuse_label
from .host import HostError, resolve_host
from .prompt import build_messages
from .reply import MAX_REPLY_BYTES, REPLY_SCHEMA, Reply, ReplyTooLarge, parse_reply

SUGGESTED_MODEL = "gemma3:4b"
SUGGESTED_BYTES = 3_338_801_804
SMALL_MODEL = "moondream"  # 1.7 GB: the vision model to suggest where SUGGESTED_MODEL does not fit
_POLL_SECONDS = 0.02
# A model fits when its file, times what loading adds (context, the vision encoder's buffers),
# leaves the desktop and a browser what they keep: so a 4 GB machine holds a 1.7 GB model but
# not a 4B one (3.3 GB needs about 6 GB). docs/adr/0003-describe-layer.md.
DESKTOP_RESERVE_BYTES = 1.8e9
LOADED_OVER_FILE = 1.25


def fits_in_memory(model_bytes: int, total_memory: int) -> bool:
    return model_bytes * LOADED_OVER_FILE + DESKTOP_RESERVE_BYTES <= total_memory


def suggested_model(memory: int) -> str:
    """The vision model to pull on a machine with this much RAM."""
    return SUGGESTED_MODEL if fits_in_memory(SUGGESTED_BYTES, memory) else SMALL_MODEL


def total_memory() -> int:
    """This machine's RAM in bytes."""
    import psutil

    return int(psutil.virtual_memory().total)


class DescribeFailed(Exception):
    """Why the model could not be used, in words for the user."""


def _matches(installed: str, wanted: str) -> bool:
    """'moondream' matches 'moondream:latest' and 'moondream:1.8b'; a tagged name must match exactly."""
    return installed == wanted or (":" not in wanted and installed.split(":")[0] == wanted)


def _collect(stream: Iterator[ollama.ChatResponse]) -> str:
    """The streamed answer's text, refused as soon as it passes MAX_REPLY_BYTES."""
    parts: list[str] = []
    size = 0
    for chunk in stream:
        text = chunk.message.content or ""
        size += len(text.encode())
        if size > MAX_REPLY_BYTES:
            raise ReplyTooLarge(f"more than {MAX_REPLY_BYTES / 1000:g} kB")
        parts.append(text)
    return "".join(parts)


class Describer:
    def __init__(self, config: OllamaConfig, memory: int | None = None):
        """`memory`: the RAM to fit a model into (default: this machine's)."""
        self.config = config
        self.memory = memory or total_memory()
        self._capabilities: dict[tuple[str, str, str], list[str]] = {}

    # -- talking to the server (runs in a worker thread) ------------------------------------
    def vision_models(self, client: ollama.Client, host: str) -> dict[str, int]:
        """Installed models that accept images with their size in bytes, in the user's order
        of preference."""
        installed = {m.model: m for m in client.list().models if m.model}
        preferred = [name for wanted in self.config.preference for name in installed if _matches(name, wanted)]
        ranked = list(dict.fromkeys(preferred + list(installed)))
        return {
            name: installed[name].size or 0
            for name in ranked
            if "vision" in self._capabilities_of(client, host, installed[name])
        }

    def fits(self, model_bytes: int) -> bool:
        return fits_in_memory(model_bytes, self.memory)

    def _capabilities_of(self, client: ollama.Client, host: str, model) -> list[str]:
        key = (host, model.model, model.digest or "")
        if key not in self._capabilities:
            try:
                self._capabilities[key] = list(client.show(model.model).capabilities or [])
            except ollama.ResponseError as exc:
                if exc.status_code != 404:
                    raise
                return []  # listed but not pulled (or being deleted): not usable
        return self._capabilities[key]

    def pick_model(self, client: ollama.Client, host: str) -> str:
        if self.config.model != "auto":
            if not any(m.model and _matches(m.model, self.config.model) for m in client.list().models):
                raise DescribeFailed(
                    f"model {self.config.model} is not installed: run `ollama pull {self.config.model}`"
                )
            return self.config.model
        models = self.vision_models(client, host)
        if not models:
            raise DescribeFailed(
                f"no vision model is installed in Ollama: run `ollama pull {suggested_model(self.memory)}`"
            )
        fitting = [name for name, size in models.items() if self.fits(size)]
        return (fitting or list(models))[0]  # the preferred one that fits; if none does, the preferred one

    def _ask(self, host: str, analysis: Analysis, rgb: np.ndarray, deadline: float) -> tuple[str, Reply]:
        client = guarded_client(host, deadline)
        model = None if self.config.model == "auto" else self.config.model
        try:
            model = self.pick_model(client, host)
            stream = client.chat(  # a generator over the NDJSON lines as they arrive
                model=model,
                messages=build_messages(analysis, rgb),
                format=REPLY_SCHEMA,
                options={"temperature": 0},
                keep_alive=self.config.keep_alive,
                stream=True,
            )
            with closing(cast("Generator[ollama.ChatResponse, None, None]", stream)):  # closes the response
                return model, parse_reply(_collect(stream))
        except ConnectionError:
            raise DescribeFailed(
                f"Ollama is not reachable at {host}: start it (`ollama serve`) or install it"
            ) from None
        except httpx.TimeoutException:
            raise DescribeFailed(f"Ollama did not answer within {self.config.timeout:g} s") from None
        except ollama.ResponseError as exc:
            if exc.status_code == 404 and model:
                raise DescribeFailed(f"model {model} was not found on the server: run `ollama pull {model}`") from None
            raise DescribeFailed(f"Ollama returned an error (HTTP {exc.status_code}): {exc.error[:200]}") from None
        except ReplyTooLarge as exc:
            raise DescribeFailed(f"the model's answer was too long ({exc}) and was ignored") from None
        except ValidationError:
            raise DescribeFailed("the model's answer did not match the expected format and was ignored") from None
        except httpx.HTTPError as exc:
            raise DescribeFailed(f"could not talk to Ollama at {host}: {exc}") from None
        finally:
            client.close()

    # -- the public entry point ---------------------------------------------------------------
    @staticmethod
    def will_ask(analysis: Analysis) -> bool:
        """Would `describe` ask the model? Not for a failed input or one without faces."""
        return analysis.ok and bool(analysis.faces)

    def describe(self, analysis: Analysis, rgb: np.ndarray, cancel: threading.Event | None = None) -> Analysis:
        """The analysis with a description; never raises, never waits past the timeout."""
        start = time.monotonic()
        if not analysis.ok:
            return analysis
        if not analysis.faces:
            return self._fallback(analysis, start, "no face to describe")
        try:
            host = resolve_host(self.config)
        except HostError as exc:
            return self._fallback(analysis, start, str(exc))
        deadline = start + self.config.timeout
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["reply"] = self._ask(host, analysis, rgb, deadline)
            except DescribeFailed as exc:
                outcome["error"] = str(exc)
            except Exception as exc:  # never let a surprise from the client or server crash the caller
                outcome["error"] = f"unexpected error while asking Ollama: {type(exc).__name__}: {exc}"

        worker = threading.Thread(target=work, name="unifer-describe", daemon=True)
        worker.start()
        while worker.is_alive():
            if cancel is not None and cancel.is_set():
                return self._fallback(analysis, start, "superseded by a newer capture")
            if time.monotonic() >= deadline:
                return self._fallback(analysis, start, f"Ollama did not answer within {self.config.timeout:g} s")
            worker.join(_POLL_SECONDS)
        if "error" in outcome:
            return self._fallback(analysis, start, outcome["error"])
        model, reply = outcome["reply"]
        return self._merge(analysis, model, reply, start)

    def _fallback(self, analysis: Analysis, start: float, reason: str) -> Analysis:
        description = Description(
            summary=fallback_summary(analysis),
            context=None,
            model=None,
            status="fallback",
            reason=reason,
            elapsed_ms=round((time.monotonic() - start) * 1000, 1),
        )
        return replace(analysis, description=description)

    def _merge(self, analysis: Analysis, model: str, reply: Reply, start: float) -> Analysis:
        by_number = {f.face: f for f in reply.faces}
        faces = []
        for number, face in enumerate(analysis.faces, start=1):
            said = by_number.get(number)
            if said is None:
                faces.append(face)
                continue
            top = top_label(face.probabilities)
            label, confidence = fuse_label(face.probabilities, said.expression, said.confidence)
            faces.append(
                replace(
                    face,
                    expression=label,
                    confidence=confidence,
                    model_expression=said.expression,
                    cues=said.cues,
                    agreement="agree" if said.expression == top else "disagree",
                )
            )
        description = Description(
            summary=reply.summary or fallback_summary(analysis),
            context=reply.context or None,
            model=model,
            status="ok",
            reason=None,
            elapsed_ms=round((time.monotonic() - start) * 1000, 1),
        )
        return replace(analysis, faces=faces, description=description)
