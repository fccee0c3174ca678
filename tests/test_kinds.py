"""The kind registry is the only list of kinds: every kind is declared once, by its package, and no module or
template outside that package names it; each kind is priced, labelled and holds its stock through its hooks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import marketplace.models  # noqa: F401  (imports every kind package)
from marketplace.core.kinds import OfferKind, all_kinds, get_kind, register_kind

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "marketplace"


def _owner_dir(kind: OfferKind) -> Path:
    return PACKAGE / kind.owner


def _python_files():
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            yield path


def _kind_side(node) -> bool:
    """`kind`, `x.kind` or `x["kind"]`: an expression naming an offer's kind."""
    if isinstance(node, ast.Name):
        return node.id == "kind"
    if isinstance(node, ast.Attribute):
        return node.attr == "kind"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "kind"
    return False


def _literals(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def kind_comparisons_in_python(codes: set[str]) -> list[tuple[Path, int, str]]:
    """Every comparison of a kind with a kind code written as a literal: `offer.kind == "room"`..."""
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            if any(_kind_side(side) for side in sides):
                found += [(path, node.lineno, code) for side in sides for code in _literals(side) if code in codes]
    return found


def kind_comparisons_in_templates(codes: set[str]) -> list[tuple[Path, int, str]]:
    pattern = re.compile(r"kind\b[^%}]*?(?:==|!=|\bin\b)\s*[(\[]?\s*['\"]([a-z_]+)['\"]")
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            found += [(path, number, code) for code in pattern.findall(line) if code in codes]
    return found


def test_no_module_or_template_outside_a_kind_s_package_compares_a_kind_to_its_code():
    owners = {kind.code: _owner_dir(kind) for kind in all_kinds()}
    codes = set(owners)
    offending = [(str(path.relative_to(ROOT)), line, code)
                 for path, line, code in kind_comparisons_in_python(codes) + kind_comparisons_in_templates(codes)
                 if owners[code] not in path.parents]
    assert offending == []


def test_the_check_catches_what_it_is_meant_to(tmp_path):
    probe = PACKAGE / "checkout" / "_probe_kind_literal.py"
    probe.write_text('def f(line):\n    return line.kind == "room" or line.kind in ("stand", "x")\n')
    try:
        found = {(path.name, code) for path, _line, code in kind_comparisons_in_python({"room", "stand"})}
        assert {("_probe_kind_literal.py", "room"), ("_probe_kind_literal.py", "stand")} <= found
    finally:
        probe.unlink()


def test_every_kind_is_declared_by_an_existing_package_with_a_label(app):
    codes = [kind.code for kind in all_kinds()]
    assert len(codes) == len(set(codes)) >= 10
    assert {"room", "membership", "service", "coworking"} <= set(codes)
    for kind in all_kinds():
        assert _owner_dir(kind).is_dir(), kind.owner
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(get_kind("stand").label) == "Exhibitor stand"


def test_kinds_with_stock_hold_it_through_their_policy():
    stocked = {kind.code: kind.stock.name for kind in all_kinds() if kind.stock is not None}
    assert stocked == {"event_ticket": "quota", "stand": "quota", "sponsorship": "quota",
                       "coworking": "daily", "room": "room_slots"}


def test_a_package_can_bring_its_own_hooks():
    original = get_kind("stand")
    try:
        register_kind(OfferKind("stand", original.label, "events", check_available=lambda *args: None))
        assert get_kind("stand").check_available is not None
    finally:
        register_kind(original)


@pytest.mark.parametrize("code", ["room", "membership"])
def test_kind_packages_bring_their_templates(code):
    kind = get_kind(code)
    for template in (kind.quote_fields, kind.page_section, kind.console_section):
        assert template is None or (ROOT / "templates" / template).is_file()
