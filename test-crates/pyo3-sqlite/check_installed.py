"""Check the installed pyo3-sqlite wheel: import the extension and call libsqlite3 through it."""

import pyo3_sqlite

version = pyo3_sqlite.sqlite_version()
number = pyo3_sqlite.sqlite_version_number()
major, minor, patch = (int(part) for part in version.split(".")[:3])
assert number == major * 1_000_000 + minor * 1_000 + patch, (version, number)
assert major == 3, version
print(f"pyo3-sqlite OK (libsqlite3 {version})")
