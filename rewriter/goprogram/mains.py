"""Which main package ``go build [package]`` produces, and the name Go gives its binary."""

from __future__ import annotations

import posixpath
import re

from rewriter.goprogram.model import GoProgram, MainChoice

_VERSION_ELEMENT = re.compile(r"v(?:[2-9]|[1-9]\d+)\d*")


def resolve_main(ctx: GoProgram, package: str | None, build_dir: str = ".") -> MainChoice:
    """Tell which main package ``go build [package]`` in ``build_dir`` produces and its binary name.

    ``package`` may be a dir ("./cmd/api", or "cmd/api" as in [tool.goslim] main-package),
    a pattern ("./...", "./cmd/..."), an import path of the module, several of those
    separated by spaces, or .go files. None means no argument: Go builds build_dir.
    """
    base = clean_dir(build_dir)
    args = package.split() if package else []

    if args and all(a.endswith(".go") for a in args):
        first = clean_dir(posixpath.join(base, args[0]))
        pkg = posixpath.dirname(first) or "."
        stem = posixpath.basename(first)[: -len(".go")]
        return MainChoice(pkg, stem, (pkg,), False, f"go build {args[0]} names the binary after that file")

    if args:
        what = " ".join(args)
        found: set[str] = set()
        for arg in args:
            found.update(ctx.mains_matching(_package_dir(ctx, arg, base)))
    else:
        what = f"go build without a package in {base}"
        found = set(ctx.mains_matching(base)) or set(ctx.mains_matching("..." if base == "." else base + "/..."))

    chosen = tuple(sorted(found))
    if len(chosen) == 1:
        pkg = chosen[0]
        name = binary_name(ctx, pkg)
        reason = f"{what} builds the main package in {pkg}"
        if name is None:
            reason += "; go.mod names no module, so the binary is named after the directory inside the image"
        return MainChoice(pkg, name, chosen, False, reason)
    if not chosen:
        mains = ctx.main_packages
        reason = f"{what} matches no main package"
        if mains:
            reason += f"; main packages in the context: {', '.join(mains)}"
        return MainChoice(None, None, mains, False, reason)
    return MainChoice(
        None,
        None,
        chosen,
        True,
        f"{what} matches {len(chosen)} main packages: {', '.join(chosen)}; pick the one the image "
        f'runs: set main_package = "{chosen[0]}" in [tool.goslim]',
    )


def _package_dir(ctx: GoProgram, arg: str, base: str) -> str:
    """A go build argument as a dir (or pattern) relative to the context root."""
    module = ctx.module_path
    if module and (arg == module or arg.startswith(module + "/")):
        return clean_dir(posixpath.join(ctx.module_dir or ".", arg[len(module) :].lstrip("/")))
    return clean_dir(posixpath.join(base, arg))


def binary_name(ctx: GoProgram, pkg: str) -> str | None:
    """Go's default executable name: the import path's last element, skipping a /vN major version."""
    if ctx.module_path is None:
        return None if pkg == "." else pkg.rsplit("/", 1)[-1]
    base = ctx.module_dir or "."
    if base == "." or pkg == base or pkg.startswith(base + "/"):
        rel = "." if pkg == base else pkg if base == "." else pkg[len(base) + 1 :]
    else:  # outside the module
        return pkg.rsplit("/", 1)[-1]
    import_path = ctx.module_path if rel == "." else f"{ctx.module_path}/{rel}"
    parent, _, last = import_path.rpartition("/")
    if parent and _VERSION_ELEMENT.fullmatch(last):
        last = parent.rpartition("/")[2]
    return last


def clean_dir(d: str) -> str:
    """A dir relative to the context root in posix form, "." for the root itself."""
    d = posixpath.normpath(d.replace("\\", "/").lstrip("/") or ".")
    return "." if d == ".." or d.startswith("../") else d


def under(d: str, parent: str) -> bool:
    return parent == "." or d == parent or d.startswith(parent + "/")
