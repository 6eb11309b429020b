"""The map of the house (CONTRIBUTING.md), enforced: which flowkit layer may import what.

Every module under flowkit/ is parsed (not imported) and each of its imports, at module
level or inside a function, is checked against its layer's forbidden list.
"""

import ast
from pathlib import Path

import pytest

FLOWKIT = Path(__file__).resolve().parents[1] / "flowkit"
WIDGETS = ("matplotlib", "ipywidgets", "ipympl", "IPython")

# layer -> module prefixes it must never import
FORBIDDEN = {
    "registry": ("numpy", "scipy", "numba", *WIDGETS, "flowkit."),
    "base": (*WIDGETS, "flowkit.apps", "flowkit.check", "flowkit.style"),
    "physics": (*WIDGETS, "flowkit.apps", "flowkit.check", "flowkit.style", "flowkit.chapters"),
    "check": (*WIDGETS, "flowkit.apps", "flowkit.style"),
    "style": ("numba", "flowkit.apps", "flowkit.check"),
    "apps": ("tests", "benchmarks", "binder"),
}


def layer_of(path):
    rel = path.relative_to(FLOWKIT)
    if rel.parts[0] == "apps":
        return "apps"
    return {
        "chapters.py": "registry",
        "_validate.py": "base",
        "_jit.py": "base",
        "__init__.py": "base",
        "check.py": "check",
        "style.py": "style",
    }.get(str(rel), "physics")  # everything else (also a package such as randomwalk/) is physics


def module_name(path):
    rel = path.relative_to(FLOWKIT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path):
    """Absolute names of everything ``path`` imports (relative imports resolved)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            if node.module is None or node.level:  # `from . import fick`: each name is a module
                yield from (f"{prefix}.{alias.name}" for alias in node.names)
            else:
                yield prefix


MODULES = sorted(FLOWKIT.rglob("*.py"))


def violations(layer, names):
    """The names among ``names`` that ``layer`` must not import."""
    return sorted(
        name
        for name in set(names)
        for banned in FORBIDDEN[layer]
        if name == banned.rstrip(".") or name.startswith(banned if banned.endswith(".") else banned + ".")
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(FLOWKIT)))
def test_module_imports_only_what_its_layer_allows(path):
    layer = layer_of(path)
    bad = violations(layer, imports(path))
    assert not bad, f"{path.relative_to(FLOWKIT.parent)} ({layer} layer) imports {bad}; see CONTRIBUTING.md"


def test_the_layer_check_can_fail():
    assert violations("physics", ["matplotlib.pyplot", "flowkit.apps._base", "numpy", "flowkit._jit"]) == [
        "flowkit.apps._base",
        "matplotlib.pyplot",
    ]
    assert violations("registry", ["flowkit._validate", "dataclasses"]) == ["flowkit._validate"]
    # relative imports are resolved: `from . import _validate as _v` in fick.py is flowkit._validate
    assert "flowkit._validate" in set(imports(FLOWKIT / "fick.py"))
    assert "flowkit.style" in set(imports(FLOWKIT / "apps" / "flux.py"))
    assert layer_of(FLOWKIT / "fick.py") == "physics" and layer_of(FLOWKIT / "apps" / "walk.py") == "apps"
