"""Descriptions of the faces by a local multimodal model served by Ollama, fused with the classifier."""

from . import client  # noqa: F401  first: the one guarded import of `ollama` (see there)
from .describer import Describer
from .fusion import fuse_label
from .host import HostError, InvalidHost, RemoteHostRefused, resolve_host

__all__ = ["Describer", "HostError", "InvalidHost", "RemoteHostRefused", "fuse_label", "resolve_host"]
