"""The Metadata page's readme preview: the readme file as PyPI would show it (markdown/rst/text)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QTextBrowser,
)

__all__ = ["ReadmePreview"]


class ReadmePreview(QTextBrowser):
    """The long description as PyPI would show it: Markdown rendered, RST via docutils."""

    def show_description(self, text: str | None, content_type: str | None) -> None:
        """Render ``text`` according to its Description-Content-Type."""
        self.setOpenExternalLinks(True)
        if not text:
            self.setPlainText("(no readme)")
            return
        kind = (content_type or "text/plain").split(";")[0].strip().lower()
        if kind == "text/markdown":
            self.setMarkdown(text)
        elif kind == "text/x-rst":
            self._rst(text)
        else:
            self.setPlainText(text)

    def _rst(self, text: str) -> None:
        try:
            from docutils.core import publish_parts
        except ImportError:
            self.setPlainText(text)
            return
        try:
            parts = publish_parts(
                text,
                writer_name="html",
                settings_overrides={"report_level": 5, "halt_level": 5, "warning_stream": False},
            )
        except Exception:  # docutils may fail on broken markup: show the source instead
            self.setPlainText(text)
            return
        self.setHtml(parts["html_body"])
