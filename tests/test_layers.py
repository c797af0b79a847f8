"""The layers point one way: ``app.py`` → ``ui/`` → ``compute.py`` → ``model/``, ``lab/``. Read from the source with
``ast`` (nothing is imported), so an import hidden inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What each layer must never import (a module or a package, and everything under it).
NEVER = {
    "model": ("ui", "compute", "lab", "app"),
    "lab": ("ui", "compute", "model", "app", "gradio"),
    "compute.py": ("ui", "app"),
    "ui": ("app",),
}


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, by its full dotted name (``from ui import errors`` gives ``ui`` and
    ``ui.errors``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_files(layer: str) -> list[Path]:
    path = ROOT / layer
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def breaks(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in forbidden)


@pytest.mark.parametrize("layer", sorted(NEVER))
def test_each_layer_imports_only_below_it(layer: str) -> None:
    files = layer_files(layer)
    assert files, f"no Python files under {layer}"
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in imported_modules(path)
        if breaks(name, NEVER[layer])
    }
    assert not wrong, sorted(wrong)


def test_the_rule_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "import ui.i18n\nfrom ui import errors\nfrom .local import thing\n"
        "def late():\n    from compute import READER\n",
        encoding="utf-8",
    )
    assert imported_modules(source) == {"ui.i18n", "ui", "ui.errors", "compute", "compute.READER"}
    assert breaks("ui.errors", ("ui",)) and not breaks("uipath", ("ui",))
