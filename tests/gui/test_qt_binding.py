"""Guards against a broken Qt binding build rather than testing our code.

PySide6 6.12.0 under Python 3.11 releases one reference to None on every call of a method
that returns void; after a few thousand calls (one cargo log line is several) the interpreter
aborts with "deallocating None". pyproject.toml excludes it; this test fails if such a build
comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit


def test_void_calls_keep_the_reference_count_of_none(qtbot) -> None:
    editor = QPlainTextEdit()
    label = QLabel()
    qtbot.addWidget(editor)
    qtbot.addWidget(label)
    cursor = QTextCursor(editor.document())
    fmt = QTextCharFormat()
    before = sys.getrefcount(None)
    for _ in range(200):
        cursor.insertText("x", fmt)
        cursor.insertBlock()
        label.setText("y")
    assert sys.getrefcount(None) - before > -50
