"""`unifer doctor`: check each part the app relies on and say how to fix what is missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

OK, WARN, FAIL = "ok", "warn", "fail"  # fail: needed and broken; warn: optional and missing


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str | None = None


def check_models() -> Check:
    from .vision.models import ModelError, manifest, model_bytes

    try:
        infos = manifest()
        for info in infos.values():
            model_bytes(info)
    except ModelError as exc:
        return Check("models", FAIL, str(exc), "reinstall unifer-tray")
    names = ", ".join(f"{i.file} ({i.version})" for i in infos.values())
    return Check("models", OK, f"{len(infos)} models present, sha256 verified: {names}")


def check_config() -> Check:
    from .config import ConfigError, config_path, load_config

    path = config_path()
    try:
        config = load_config(path)
    except ConfigError as exc:
        return Check("config", FAIL, str(exc), f"edit {path}")
    where = str(path) if path.exists() else f"{path} (not created; defaults in use)"
    if config.warnings:
        return Check("config", WARN, f"{where}: " + "; ".join(config.warnings), f"edit {path}")
    return Check("config", OK, where)


def check_ollama() -> Check:
    """Optional: without Ollama the classifier still works, with a templated summary."""
    import httpx
    import ollama

    from .config import ConfigError, load_config
    from .describe import Describer, RemoteHostRefused, resolve_host
    from .describe.describer import DescribeFailed

    try:
        config = load_config().ollama
        host = resolve_host(config)
    except (ConfigError, RemoteHostRefused) as exc:
        return Check("ollama", WARN, str(exc), "fix the [ollama] section of the config")
    try:
        version = httpx.get(f"{host}/api/version", timeout=3).json().get("version", "?")
    except (httpx.HTTPError, ValueError):
        return Check(
            "ollama",
            WARN,
            f"not reachable at {host}; descriptions fall back to the classifier's summary",
            "install Ollama from ollama.com and start it (`ollama serve`), then `ollama pull gemma3:4b`",
        )
    client = ollama.Client(host=host, timeout=10)
    describer = Describer(config)
    try:
        vision = describer.vision_models(client, host)
        chosen = describer.pick_model(client, host)
    except DescribeFailed as exc:
        return Check("ollama", WARN, f"Ollama {version} at {host}; {exc}", "ollama pull gemma3:4b")
    except (ollama.ResponseError, httpx.HTTPError, ConnectionError) as exc:
        return Check("ollama", WARN, f"Ollama {version} at {host} answered with an error: {exc}", "restart Ollama")
    return Check("ollama", OK, f"Ollama {version} at {host}; vision models: {', '.join(vision)}; would use {chosen}")


CHECKS: list[Callable[[], Check]] = [check_models, check_config, check_ollama]


def run_checks() -> list[Check]:
    return [check() for check in CHECKS]


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
