"""The web layer's shape: handlers leave transactions to service/, and every package gets its
routes from modules it imports at its top, never from imports at its bottom."""
import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def _modules():
    for path in sorted(WEB.rglob("*.py")):
        yield path.relative_to(WEB.parent).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_under_web_commits_or_rolls_back():
    """A view parses, makes one service call and answers: the service owns its transaction."""
    calls = [f"{name}:{node.lineno} .{node.func.attr}()"
             for name, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in ("commit", "rollback", "begin", "begin_nested")]
    assert calls == []


def test_no_module_under_web_passes_commit_false():
    """Grouping steps into one transaction is the service's business too."""
    found = [f"{name}:{node.lineno}" for name, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.keyword) and node.arg == "commit"]
    assert found == []


def test_imports_come_first_in_every_module_under_web():
    """No import below the module's code: a blueprint's route modules are imported at the top
    of its package (they take the blueprint from a module of its own), so nothing is half
    defined when they run."""
    late = []
    for name, tree in _modules():
        code_seen = False
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if code_seen:
                    late.append(f"{name}:{node.lineno}")
            elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                code_seen = True
    assert late == []


def test_every_console_form_is_read_by_a_marshmallow_schema():
    """One form style in the console: plain HTML forms read into the same kind of schema as the
    JSON API (web/console/formdata.py), none a WTForms class."""
    console = [(name, tree) for name, tree in _modules() if name.startswith("web/console/")]
    wtforms = [f"{name}:{node.lineno}" for name, tree in console for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("wtforms", "flask_wtf")
               or isinstance(node, ast.Import) and any(a.name.split(".")[0] in ("wtforms", "flask_wtf")
                                                       for a in node.names)]
    assert wtforms == []
    assert len(console) > 10
