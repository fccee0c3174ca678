"""The README documents every setting; every French interface string has its English translation; the layers hold."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from marketplace.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_readme_documents_every_setting_and_the_quick_start():
    readme = (ROOT / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.env}`" in readme, f"{setting.env} missing from README"
    assert "pip install -e . && marketplace demo" in readme
    assert "pip install -e '.[test]' && pytest" in readme


def test_every_interface_string_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        source_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with (ROOT / "marketplace/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id and (
        all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy}
    missing = sorted(source_ids - translated)
    assert missing == [], f"{len(missing)} strings without English translation, e.g. {missing[:5]}"
    hedged = sorted(text for text in source_ids if re.search(r"\w\((s|e|es|x)\)", text))
    assert hedged == [], f"a count's plural is ngettext's, not « (s) »: {hedged[:5]}"
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    mo_file = ROOT / "marketplace/translations/en/LC_MESSAGES/messages.mo"
    assert mo_file.read_bytes() == compiled.getvalue(), "messages.mo is stale: run pybabel compile"


def test_features_import_downwards_only():
    """The layers named in pyproject.toml (import-linter) hold: no feature imports one above it."""
    result = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                             "sys.exit(0 if lint_imports(no_cache=True, no_logo=True) == 0 else 1)"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _views(tree):
    """Functions decorated as routes (`@bp.get(...)`, `@bp.route(...)`...)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and call.attr in ("route", "get", "post"):
                    yield node
                    break


def test_views_stay_thin_and_modules_small():
    """A view parses, calls a service, commits, renders: 30 lines at most; no module over ~400 lines."""
    long_views, long_modules = [], []
    for path in (ROOT / "marketplace").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        if len(text.splitlines()) > 420:
            long_modules.append(str(path.relative_to(ROOT)))
        for view in _views(ast.parse(text)):
            length = view.end_lineno - view.lineno + 1
            if length > 30:
                long_views.append(f"{path.relative_to(ROOT)}:{view.name} ({length} lines)")
    assert (long_views, long_modules) == ([], [])
