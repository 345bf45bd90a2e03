"""Where the Ollama server is, and whether faces may be sent there."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from ..config import OllamaConfig

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_PORT = 11434


class HostError(ValueError):
    """The Ollama host cannot be used; the message says why and what to change."""


class RemoteHostRefused(HostError):
    """The configured Ollama host is not on this machine and the user has not allowed that."""


class InvalidHost(HostError):
    """The Ollama host (config or OLLAMA_HOST) is not an address."""


def normalise_host(host: str) -> str:
    """`OLLAMA_HOST`-style values ("0.0.0.0", "host:port", "http://host") as a full URL.

    0.0.0.0 and :: are what people set for the *server* to listen everywhere; as a destination
    they mean this machine, so they become the loopback address. Raises InvalidHost.
    """
    text = host.strip()
    if text in ("::", "[::]"):  # a bare IPv6 "any" cannot be split into host and port
        text = "[::]"
    if "://" not in text:
        text = "http://" + text
    problem = f"Ollama host {host!r} is not a valid address"
    fix = "; use e.g. http://127.0.0.1:11434 (config [ollama] host, or OLLAMA_HOST)"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:  # a port that is not a number, or out of 0-65535; bad brackets
        raise InvalidHost(f"{problem} ({exc}){fix}") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidHost(f"{problem} (scheme {parts.scheme!r}){fix}")
    hostname = parts.hostname or "127.0.0.1"
    if hostname in ("0.0.0.0", "::"):
        hostname = "127.0.0.1" if hostname == "0.0.0.0" else "::1"
    if port == 0:
        raise InvalidHost(f"{problem} (port 0){fix}")
    port = port or (DEFAULT_PORT if "://" not in host else {"http": 80, "https": 443}[parts.scheme])
    shown = f"[{hostname}]" if ":" in hostname else hostname
    return f"{parts.scheme}://{shown}:{port}{parts.path.rstrip('/')}"


def is_loopback(url: str) -> bool:
    hostname = urlsplit(url).hostname or ""
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:  # a name: we do not resolve it, since DNS could point anywhere
        return False


def resolve_host(config: OllamaConfig) -> str:
    """The host to use: the config's, else $OLLAMA_HOST, else the local default; checked for
    privacy. Raises HostError (RemoteHostRefused or InvalidHost)."""
    host = normalise_host(config.host or os.environ.get("OLLAMA_HOST") or DEFAULT_HOST)
    if not is_loopback(host) and not config.allow_remote:
        raise RemoteHostRefused(
            f"Ollama host {host} is not on this machine; faces are only sent to a local server. "
            "To allow it, set allow_remote = true in the [ollama] section of the config"
        )
    return host
