"""The window's pages in sidebar order: id, title, and where each is imported from.

Pages are imported and built when first shown (``MainWindow.page``), so the window appears
without paying for every page's engine imports up front.
"""

from __future__ import annotations

__all__ = ["PAGES"]

#: (page_id, title, module under gui/pages/, class)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "Overview", "overview_page", "OverviewPage"),
    ("metadata", "Metadata", "metadata_page", "MetadataPage"),
    ("interpreters", "Interpreters & Targets", "interpreters_page", "InterpretersPage"),
    ("build", "Build", "build_page", "BuildPage"),
    ("audit", "Audit", "audit_page", "AuditPage"),
    ("publish", "Publish", "publish_page", "PublishPage"),
    ("release", "Release", "release_page", "ReleasePage"),
)
