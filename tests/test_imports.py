"""The import contract: data flows one way (capture -> vision -> describe -> result -> outcome ->
notify/report/history), and the shells stay shells.

Direct imports are checked, lazy ones inside functions included: the tray and the CLI reach
vision, describe and imaging only through `pipeline` and `outcome`, which are their facade.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "unifer_tray"

# (importing package or module, packages it must never import)
FORBIDDEN = [
    ("tray", ["vision", "describe", "imaging", "cli"]),  # one shell never leans on the other
    ("cli", ["vision", "describe", "imaging", "tray"]),
    ("describe", ["report", "tray", "cli", "notify", "history", "outcome"]),
    ("doctor", ["tray"]),
    ("vision", ["describe", "tray", "notify", "capture", "history", "report", "outcome", "pipeline", "cli", "profile"]),
    ("profile", ["describe", "tray", "notify", "capture", "history", "report", "outcome", "pipeline", "cli"]),
    ("result", ["vision", "describe", "report", "tray", "notify", "history", "capture", "cli", "outcome"]),
    ("capture", ["vision", "describe", "report", "tray", "notify", "history", "outcome", "pipeline", "cli"]),
    ("notify", ["vision", "describe", "tray", "pipeline", "history", "cli"]),
    ("report", ["vision", "describe", "tray", "notify", "pipeline", "cli"]),
    ("history", ["vision", "describe", "tray", "notify", "pipeline", "cli", "report", "profile"]),
    ("live", ["tray", "cli", "history", "notify"]),
    (
        "photo",
        ["cli", "vision", "describe", "imaging", "report"],
    ),  # through the pipeline, the outcome step and the analyst
    ("teach", ["tray", "cli", "history", "notify", "describe"]),
    ("video", ["vision", "describe", "tray", "notify", "history", "cli", "report", "pipeline"]),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Absolute names of the unifer_tray modules that `source` (the text of `module`) imports."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            found.add(origin)
            found |= {f"{origin}.{alias.name}" for alias in node.names}  # `from .. import vision`
    return {name for name in found if name == "unifer_tray" or name.startswith("unifer_tray.")}


def part_of(name: str, area: str) -> bool:
    target = f"unifer_tray.{area}"
    return name == target or name.startswith(target + ".")


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        imported = imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
        for area, banned in FORBIDDEN:
            if not part_of(module, area):
                continue
            for name in sorted(imported):
                for other in banned:
                    if part_of(name, other):
                        found.append(f"{module} imports {name} ({area} must not import {other})")
    return found


def test_the_import_contract_holds():
    assert violations() == []


def test_the_checker_sees_relative_lazy_and_from_package_imports():
    source = "def f():\n    from ..vision import FaceAnalyzer\nfrom .. import describe\nimport unifer_tray.imaging\n"
    names = imports_of(source, "unifer_tray.tray.app")
    assert {"unifer_tray.vision", "unifer_tray.describe", "unifer_tray.imaging"} <= names
    assert imports_of("from . import sources", "unifer_tray.capture", is_package=True) == {
        "unifer_tray.capture",
        "unifer_tray.capture.sources",
    }


@pytest.mark.parametrize("area", sorted({area for area, _ in FORBIDDEN}))
def test_every_area_in_the_contract_exists(area):
    assert (PACKAGE / area).is_dir() or (PACKAGE / f"{area}.py").is_file()


def os_checks(source: str) -> list[str]:
    """`platform.system()`, `sys.platform` and `os.name` in `source`: which OS this is is asked
    of unifer_tray.platform only."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
            continue
        if (node.value.id, node.attr) in (("sys", "platform"), ("os", "name")):
            found.append(f"{node.value.id}.{node.attr}")
        elif (node.value.id, node.attr) == ("platform", "system"):
            found.append("platform.system()")
    return found


def test_no_os_checks_outside_the_platform_package():
    found = {
        module_name(path): os_checks(path.read_text(encoding="utf-8"))
        for path in PACKAGE.rglob("*.py")
        if not part_of(module_name(path), "platform")
    }
    assert {module: checks for module, checks in found.items() if checks} == {}


def test_the_os_check_finder_sees_each_form():
    source = "import os, sys\nif sys.platform == 'win32' or os.name == 'nt' or platform.system() == 'windows': pass\n"
    assert sorted(os_checks(source)) == ["os.name", "platform.system()", "sys.platform"]


def import_graph() -> dict[str, set[str]]:
    """Each module of ours -> the modules of ours it imports (lazily, or for type checking, too)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for module, path in modules.items():
        names = imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
        # `from .x import name` names a module, or a name inside one: count the module
        targets = {name if name in modules else name.rpartition(".")[0] for name in names}
        graph[module] = {target for target in targets if target in modules and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round about (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_round_trip():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


RENDERERS = ("report.annotate", "report.text", "report.html", "report.timeline", "report.dashboard")


def test_only_the_outcome_step_and_report_import_the_renderers():
    """Every shell renders through `outcome`, so a result reads the same everywhere."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        if module == "unifer_tray.outcome" or part_of(module, "report"):
            continue
        for name in imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"):
            if any(part_of(name, renderer) for renderer in RENDERERS):
                found.append(f"{module} imports {name}")
    assert found == []


HEAVY = ("numpy", "onnxruntime", "cv2", "mss", "ollama", "httpx", "cryptography")


def test_the_tray_process_stays_light_with_a_result_in_hand(pipeline, data_dir):
    """The tray process (menu, hotkeys, notifications, reports) and what the analysis process
    sends it load none of the heavy libraries: those live and die with the analysis process
    (docs/adr/0011)."""
    import pickle
    import subprocess
    import sys

    from unifer_tray.outcome import finish
    from unifer_tray.tray.jobs import Shown

    analysis, rgb = pipeline.run(data_dir / "single_face.jpg")
    message = pickle.dumps(Shown(finish(analysis, rgb, pipeline.model_versions), describing=True, correctable=False))
    probe = (
        "import pickle, sys\n"
        "import unifer_tray.tray.main, unifer_tray.tray.app, unifer_tray.notify.handlers\n"
        "import unifer_tray.teach, unifer_tray.live  # their windows are started by the tray\n"
        "shown = pickle.loads(sys.stdin.buffer.read())\n"
        "assert shown.outcome.analysis.faces\n"
        f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], input=message, capture_output=True, check=True)
    assert loaded.stdout.decode().strip() == "[]"
