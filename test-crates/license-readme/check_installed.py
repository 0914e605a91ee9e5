"""Check the installed license-readme wheel: module works, metadata and licenses arrived."""

from importlib.metadata import distribution

import license_readme

assert license_readme.cargo_version() == "1.2.0-alpha.1"

dist = distribution("license-readme")
meta = dist.metadata
assert dist.version == "1.2.0a1", dist.version
assert meta["License-Expression"] == "MIT", meta["License-Expression"]
assert meta["Description-Content-Type"].startswith("text/markdown")
assert "\n\n# license-readme\n" in dist.read_text("METADATA")
assert "Ada Lovelace <ada@example.com>" in meta["Author-email"]
assert "test" in meta.get_all("Provides-Extra")
files = {str(f) for f in dist.files}
assert any(f.endswith("licenses/LICENSE") for f in files), files
assert any(f.endswith("licenses/NOTICE") for f in files), files
print("license-readme OK")
