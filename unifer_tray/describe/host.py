"""Where the Ollama server is, and whether faces may be sent there.

Loopback is not proof of who listens: with no Ollama running, another account on the machine
can listen on 127.0.0.1:11434 and receive every capture. Where the kernel says who owns a
listening socket (Linux's /proc/net/tcp and tcp6), a local server must belong to this user, to
root or to the `ollama` service account; elsewhere this is not checked (README, `doctor`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from pathlib import Path
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


class UntrustedListener(HostError):
    """The local port is held by another account, not by this user, root or Ollama's service."""


SOCKET_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
LISTEN = "0A"
SERVICE_ACCOUNT = "ollama"  # what Ollama's Linux installer creates for its systemd service


def listener_owners(port: int, tables: tuple[Path, ...] = SOCKET_TABLES) -> set[int] | None:
    """The uids of the sockets listening on `port`; None where the system does not say."""
    if not any(table.exists() for table in tables):
        return None
    owners = set()
    for table in tables:
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 7 and fields[3] == LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                owners.add(int(fields[7]))
    return owners


def trusted_uids() -> set[int]:
    """Only asked where listener_owners answered, which is POSIX (pwd and getuid exist)."""
    import pwd

    trusted = {os.getuid(), 0}
    with contextlib.suppress(KeyError):
        trusted.add(pwd.getpwnam(SERVICE_ACCOUNT).pw_uid)
    return trusted


def check_listener(url: str) -> str:
    """Raises UntrustedListener if another account holds the port; returns what was checked."""
    port = urlsplit(url).port or DEFAULT_PORT
    owners = listener_owners(port)
    if owners is None:
        return "who listens is not checked on this system"
    strangers = owners - trusted_uids()
    if strangers:
        names = ", ".join(_account(uid) for uid in sorted(strangers))
        raise UntrustedListener(
            f"port {port} on this machine is held by another account ({names}), not by you, root or the "
            f"'{SERVICE_ACCOUNT}' service: faces are not sent to it. Stop that program or start Ollama yourself"
        )
    return "the listening server belongs to you, root or the ollama service" if owners else "nothing listens there"


def _account(uid: int) -> str:
    import pwd

    try:
        return f"{pwd.getpwuid(uid).pw_name}, uid {uid}"
    except KeyError:
        return f"uid {uid}"


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
    if is_loopback(host):
        check_listener(host)
    return host
