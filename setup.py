"""Build goslim, compiling the modules every rewrite runs through with mypyc.

mypyc turns these type-annotated Python modules into C extensions (black ships the same
way): the same source, about twice as fast. The rest of the package stays plain Python.

- ``GOSLIM_PURE_PYTHON=1`` installs plain Python only. Use it while editing these
  modules: an extension built in place (``pip install -e .``) is imported instead of its
  ``.py`` file, so an edit shows only after the next install.
- Without a C compiler, or without mypyc, the build says so and installs plain Python.
"""

from __future__ import annotations

import glob
import os
import sys
import tomllib

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def compiled_modules() -> list[str]:
    """The files named (as globs) by [tool.goslim-build] compiled in pyproject.toml."""
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as handle:
        patterns = tomllib.load(handle)["tool"]["goslim-build"]["compiled"]
    return sorted({path for pattern in patterns for path in glob.glob(pattern, root_dir=HERE)})


def _warn(message: str) -> None:
    print(f"goslim: {message}; installing plain Python (slower, same behaviour)", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """Compile the extensions, or leave the plain Python modules in charge when the
    compiler is missing or fails."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler failure falls back the same way
            # All or none: a module's extension needs the shared one built with it.
            for path in self.get_outputs():
                if os.path.exists(path):
                    os.remove(path)
            _warn(f"the mypyc extensions were not built ({exc})")


def _forget_built_in_place() -> None:
    """Remove extensions an earlier ``pip install -e .`` built next to the sources: they
    would be imported instead of the plain Python this build installs."""
    built = glob.glob("goslim__mypyc*.so", root_dir=HERE) + glob.glob("rewriter/**/*.so", root_dir=HERE, recursive=True)
    for path in built:
        os.remove(os.path.join(HERE, path))


def _mypyc_extensions() -> list:
    if os.environ.get("GOSLIM_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not available")
        return []
    try:
        return mypycify(compiled_modules(), opt_level="3", group_name="goslim")
    except SystemExit:  # mypyc found a type error and printed it
        _warn("mypyc refused the modules")
        return []


def extensions() -> list:
    found = _mypyc_extensions()
    if not found:
        _forget_built_in_place()
    return found


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
