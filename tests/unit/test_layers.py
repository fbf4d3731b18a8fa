"""The folders of kb/ depend one way: store <- answer <- learn, accounts beside them, api and cli on top."""

from __future__ import annotations

import ast
from pathlib import Path

KB = Path(__file__).resolve().parents[2] / "kb"
TOP = {"types", "settings", "engines"}  # plain data, configuration, one engine per URL: every layer may use them
ALLOWED = {
    "store": {"store"},
    "answer": {"answer", "store"},
    "accounts": {"accounts"},
    "learn": {"learn", "answer", "store", "accounts"},
    "api": {"api", "accounts", "learn", "answer", "store", "service", "app_services", "factory"},
    "cli": {"cli", "accounts", "learn", "answer", "store", "service", "factory", "app_services", "api"},
}


def _runtime_imports(path: Path) -> set[str]:
    """The kb parts a module imports when it runs (imports under `if TYPE_CHECKING:` are for type hints only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module + "." + a.name for a in node.names] if node.module == "kb" else [node.module]
        for n in names:
            parts = n.split(".")
            if parts[0] == "kb" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_each_folder_imports_only_the_layers_below_it():
    offenders = []
    for part, allowed in ALLOWED.items():
        for path in sorted((KB / part).glob("*.py")):
            bad = _runtime_imports(path) - allowed - TOP
            if bad:
                offenders.append(f"kb/{part}/{path.name} -> {sorted(bad)}")
    assert offenders == []


def test_the_service_gets_the_glossary_as_a_mapping_and_never_imports_the_workflows():
    assert _runtime_imports(KB / "service.py") <= {"answer", "store"} | TOP
