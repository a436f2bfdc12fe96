"""A Babel extractor for the label tables (`*_LABELS`, the menu, the workflow's step names):
every Chinese string literal in the files it is given becomes a message, so the console can
translate the labels it shows without the tables being marked up call by call.

babel.cfg maps it as `ys_labels = web.i18n_extract:extract_labels`.
"""
import ast
import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def extract_labels(fileobj, keywords, comment_tags, options):
    """Yield (line, function, message, comments) for each Chinese string literal that is not a
    docstring."""
    tree = ast.parse(fileobj.read().decode("utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and CJK.search(node.value) and "{" not in node.value):
            yield node.lineno, None, node.value, []
