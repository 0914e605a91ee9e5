"""Describe the Python interpreter that runs this file, as one JSON object on stdout.

cratewright never imports this module: ``interpreters/probe.py`` hands its source to each target
interpreter (``<exe> -I -c <source>``) because only the interpreter itself knows its ABI,
extension suffix and platform. It therefore uses the standard library only and avoids any
syntax newer than Python 2.7, so that even an interpreter that is too old to build for still
reports its version and gets a clear "Only python >= 3.7 is supported" error instead of a
SyntaxError.

The keys are those of maturin's ``get_interpreter_metadata.py`` plus ``has_cffi``,
``has_pip``, ``is_venv``, ``base_executable``, ``version`` (the full version), ``prefix`` and
``site_dirs``: the folders whose change (a package installed) makes a cached answer stale.
"""

import json
import platform
import struct
import sys
import sysconfig

__all__ = ["collect", "main"]


def _has_module(name):
    """Return True if ``name`` is importable, without importing it (imports have side effects)."""
    try:
        import importlib.util

        return importlib.util.find_spec(name) is not None
    except Exception:  # Python 2 has no importlib.util; broken finders may raise anything
        return False


def _ext_suffix(implementation):
    """Return the suffix that extension modules need to be importable by this interpreter.

    PyPy's sysconfig EXT_SUFFIX used to disagree with what its importer loads, so (like
    maturin) we ask the import machinery on PyPy.
    """
    if implementation == "PyPy":
        try:
            import importlib.machinery

            return importlib.machinery.EXTENSION_SUFFIXES[0]
        except Exception:
            pass
    return sysconfig.get_config_var("EXT_SUFFIX")


def _site_dirs():
    """Return the purelib/platlib folders; installing cffi or pip changes their mtime."""
    try:
        paths = sysconfig.get_paths()
    except Exception:  # a broken sysconfig must not hide the rest of the answer
        return []
    found = []
    for key in ("purelib", "platlib"):
        value = paths.get(key)
        if value and value not in found:
            found.append(value)
    return found


def collect():
    """Gather the interpreter facts as a JSON-serialisable dict."""
    implementation = platform.python_implementation()
    impl_info = getattr(sys, "implementation", None)
    base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
    base_executable = getattr(sys, "_base_executable", None)
    return {
        # sys.implementation.name can differ from platform.python_implementation(): Pyston
        # reports "pyston" here and "CPython" there; wheel tags depend on the difference.
        "implementation_name": impl_info.name if impl_info is not None else implementation.lower(),
        "executable": sys.executable or None,
        "major": sys.version_info[0],
        "minor": sys.version_info[1],
        "abiflags": sysconfig.get_config_var("ABIFLAGS"),
        "interpreter": implementation.lower(),
        "ext_suffix": _ext_suffix(implementation),
        "soabi": sysconfig.get_config_var("SOABI") or None,
        "platform": sysconfig.get_platform(),
        "system": platform.system().lower(),
        "pointer_width": struct.calcsize("P") * 8,
        "gil_disabled": sysconfig.get_config_var("Py_GIL_DISABLED") == 1,
        "has_cffi": _has_module("cffi"),
        "has_pip": _has_module("pip"),
        "is_venv": sys.prefix != base_prefix or hasattr(sys, "real_prefix"),
        "base_executable": base_executable or None,
        "version": platform.python_version(),
        "prefix": sys.prefix,
        "site_dirs": _site_dirs(),
    }


def main():
    """Print the facts; ASCII-only JSON so the output survives any locale."""
    sys.stdout.write(json.dumps(collect()) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
