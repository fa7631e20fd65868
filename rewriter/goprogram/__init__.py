"""What a build context yields about the Go program a Dockerfile compiles.

``read_program`` starts from the package(s) the ``go build``/``go install`` names, taken
from where it runs (the WORKDIR mapped back through the COPY instructions), and reads the
packages that build compiles: with ``go list`` when a Go toolchain is at hand and the
modules are in its cache, else with the static reader, which follows imports itself. Both
hand every chosen file to the same scanner, so they judge a file alike; they differ in how
the package set and third-party cgo use are found, and the result says which one read.

Modules: ``model`` (the answer), ``scan`` (one file), ``constraints`` (build tags),
``modules`` (go.mod, go.sum), ``static`` (the import-following reader), ``golist`` (the
toolchain adapter), ``mains`` (which main package, which binary name).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from rewriter.context import BuildContext, ContextSource
from rewriter.goprogram import golist, modules, reach
from rewriter.goprogram.mains import binary_name, clean_dir, resolve_main
from rewriter.goprogram.model import (
    GO_LIST,
    KNOWN_CGO_IMPORTS,
    STATIC,
    TLS_IMPORTS,
    Finding,
    GoContext,
    GoProgram,
    MainChoice,
    MainsIndex,
    RuntimeFile,
)
from rewriter.goprogram.scan import SourceFile, prefix_of, runtime_files
from rewriter.goprogram.static import PACKAGE_WALK_LIMIT, SourceIndex, closure, gopath_local, local_modules

__all__ = [
    "GO_LIST",
    "KNOWN_CGO_IMPORTS",
    "STATIC",
    "TLS_IMPORTS",
    "Finding",
    "GoContext",
    "GoProgram",
    "MainChoice",
    "RuntimeFile",
    "analyze_context",
    "binary_name",
    "read_program",
    "resolve_main",
]


def read_program(
    context: BuildContext,
    *,
    build_dir: str = ".",
    package: str | None = None,
    tags: str | None = None,
    go: str | None = None,
    copied: tuple[str, ...] | None = None,
    import_path: str | None = None,
) -> GoProgram | None:
    """Read the Go program the build compiles; None when the build reads no Go from the
    context (no go.mod above the build folder and no Go files in the packages it names).

    ``build_dir`` is where ``go build`` runs, relative to the context root; ``package`` its
    package argument(s), None when it has none; ``tags`` its ``-tags``; ``go`` the Go
    command for ``go list``, None for the static reader alone. ``copied`` names the only
    files of ``build_dir`` the image holds, when COPY put single files there rather than
    the folder; ``import_path`` is the build folder's import path in GOPATH mode (its
    place under ``$GOPATH/src``), so that imports below it are followed.
    """
    if context.root is None or not context.is_dir("."):
        return None
    base = clean_dir(build_dir)
    tag_set = frozenset(t for t in (tags or "").replace(",", " ").split() if t)
    named = _named_files(package, base)
    kept = None
    if named is None and copied is not None:
        kept = {base: frozenset(posixpath.basename(c) for c in copied if (posixpath.dirname(c) or ".") == base)}
    index = SourceIndex(context, tag_set, named, kept)
    module_dir = index.module_dir(base)
    mod = index.go_mod(module_dir) if module_dir is not None else None
    program = GoProgram(
        root=context.root,
        module_path=mod.path if mod else None,
        go_version=mod.go_version if mod else None,
        has_go_sum=module_dir is not None and index.has_file(module_dir, "go.sum"),
        has_vendor=module_dir is not None and context.is_file(_join(module_dir, "vendor/modules.txt")),
        uses_cgo=(),
        uses_timezones=(),
        embeds_tzdata=False,
        uses_exec=(),
        uses_tls=False,
        runtime_files=(),
        module_dir=module_dir,
        context=context,
        build_dir=base,
        mains=_Mains(index, module_dir),
    )
    targets = _targets(program, index, package, base)
    if not targets:
        return None if mod is None else program

    note: str | None = None
    listed = None
    if go is not None and module_dir is not None:
        listed, note = _go_list(go, context, index, program, targets, tags)
    if listed is not None:
        scope, cgo = listed
        reader = GO_LIST
    else:
        if mod is not None and module_dir is not None:
            local = local_modules(index, module_dir, mod)
        else:
            local = [(import_path, base)] if import_path else []
        vendor = _join(module_dir, "vendor") if program.has_vendor and module_dir is not None else None
        scope, vendored = closure(index, targets, local, vendor, relative=mod is None)
        cgo = [f for d in sorted(vendored) for s in index.package(d) for f in s.cgo]
        if mod is not None and module_dir is not None and vendor is None:
            cgo += _over_approximated_cgo(index, module_dir, mod)
        reader = STATIC
    if index.truncated:
        extra = f"a package pattern stopped after {PACKAGE_WALK_LIMIT} folders"
        note = f"{note}; {extra}" if note else extra

    scoped = [f for d in sorted(scope) for f in index.package(d)]
    if not scoped and mod is None:
        return None
    unresolved = _unresolved(index, scoped, local) if mod is None and reader == STATIC else ()
    return GoProgram(
        root=context.root,
        module_path=program.module_path,
        go_version=program.go_version,
        has_go_sum=program.has_go_sum,
        has_vendor=program.has_vendor,
        uses_cgo=_sorted([f for s in scoped for f in s.cgo] + cgo),
        uses_timezones=_sorted(f for s in scoped for f in s.timezones),
        embeds_tzdata=any(s.tzdata for s in scoped),
        uses_exec=_sorted(f for s in scoped for f in s.exec),
        uses_tls=any(s.tls for s in scoped),
        runtime_files=runtime_files(context.exists, base, scoped),
        module_dir=module_dir,
        scope=tuple(sorted(d for d in scope if index.package(d))),
        reader=reader,
        reader_note=note,
        context=context,
        build_dir=base,
        mains=program.mains,
        literals=_literals(scoped),
        writes=_writes(scoped),
        imports=frozenset(i for f in scoped for i in f.imports),
        embeds=tuple(dict.fromkeys(e for f in scoped for e in f.embeds)),
        programs=tuple(p for f in scoped for p in f.programs),
        unresolved=unresolved,
    )


def _named_files(package: str | None, base: str) -> dict[str, frozenset[str]] | None:
    """{folder: names} when the build names .go files: Go compiles exactly those, as one
    package, whatever the folder's other files are."""
    args = package.split() if package else []
    if not args or not all(a.endswith(".go") for a in args):
        return None
    paths = [clean_dir(posixpath.join(base, a)) for a in args]
    folder = posixpath.dirname(paths[0]) or "."
    return {folder: frozenset(posixpath.basename(p) for p in paths if (posixpath.dirname(p) or ".") == folder)}


def _unresolved(index: SourceIndex, files: list[SourceFile], local: list[tuple[str, str]]) -> tuple[Finding, ...]:
    """GOPATH-mode imports of packages that are neither the standard library's nor
    fetched by path (no dot in the first element), and that the context does not hold
    where the build would find them: their code was not read."""
    out = []
    for f in files:
        for imported in f.imports:
            if imported.startswith(("./", "../")):
                if index.package(posixpath.normpath(posixpath.join(f.dir, imported))):
                    continue
            elif not gopath_local(imported) or any(imported == p or imported.startswith(p + "/") for p, _ in local):
                continue
            out.append(Finding(f.path, f.import_lines.get(imported, 1), f'import "{imported}"'))
    return _sorted(out)


def _literals(files: list[SourceFile]) -> tuple[reach.Literal, ...]:
    """Every string of the compiled files once, where it first appears."""
    seen: dict[str, reach.Literal] = {}
    for f in files:
        for literal in f.literals:
            seen.setdefault(literal.value, literal)
    return tuple(seen.values())


def _writes(files: list[SourceFile]) -> tuple[reach.Write, ...]:
    """The places the compiled files write, their paths spelled out with the string
    constants of each package (a name set in one file is used in another)."""
    writing = {f.dir for f in files if f.writes}
    names: dict[str, dict[str, str]] = {}
    for f in files:
        if f.dir in writing:
            names.setdefault(f.dir, {}).update(f.constants)
    out = [reach.resolve_write(w, names[f.dir]) for f in files for w in f.writes]
    return tuple(out)


def analyze_context(
    root: str | os.PathLike, *, build_dir: str = ".", package: str | None = None, go: str | None = None
) -> GoProgram | None:
    """``read_program`` for a folder taken as the context as it is (no .dockerignore
    lookup beyond the root's own)."""
    from rewriter.context.dockerignore import read_dockerignore

    root = Path(root)
    if not root.is_dir():
        return None
    ignore, _ = read_dockerignore(str(root))
    context = BuildContext(root, ContextSource("argument", str(root)), None, ignore)
    return read_program(context, build_dir=build_dir, package=package, go=go)


class _Mains(MainsIndex):
    def __init__(self, index: SourceIndex, module_dir: str | None) -> None:
        self.index = index
        self.module_dir = module_dir
        self._all: tuple[str, ...] | None = None

    def all(self) -> tuple[str, ...]:
        if self._all is None and self.module_dir is None:
            self._all = tuple(self.index.mains_matching(".", None))
        if self._all is None:
            start = self.module_dir or "."
            self._all = tuple(self.index.mains_matching("..." if start == "." else start + "/...", self.module_dir))
        return self._all

    def matching(self, pattern: str) -> list[str]:
        return self.index.mains_matching(pattern, self.module_dir)


def _targets(program: GoProgram, index: SourceIndex, package: str | None, base: str) -> list[str]:
    """The package folders the build names: the main package it makes when that is clear
    (or every candidate when it is not), else the folders its arguments name."""
    choice = resolve_main(program, package, base)
    if choice.package:
        return [choice.package]
    if choice.ambiguous:
        return list(choice.candidates)
    named: list[str] = []
    for arg in package.split() if package else ["."]:
        if arg.endswith(".go"):
            continue
        target = clean_dir(posixpath.join(base, arg))
        if "..." in target:
            literal = target.split("...")[0].rstrip("/") or "."
            module = index.module_dir(literal)
            named += index.package_dirs(literal, module) if module is not None else [literal]
        elif index.package(target):
            named.append(target)
    return named


def _go_list(
    go: str, context: BuildContext, index: SourceIndex, program: GoProgram, targets: list[str], tags: str | None
) -> tuple[tuple[set[str], list[Finding]] | None, str | None]:
    """(package folders, third-party cgo findings) from go list, or (None, why not)."""
    root = context.root
    assert root is not None and program.module_dir is not None
    workdir = root / program.build_dir if program.build_dir != "." else root
    patterns = []
    for t in targets:
        names = sorted(index.only[t]) if t in index.only else [""]
        patterns += ["./" + posixpath.relpath(posixpath.join(t, n) if n else t, program.build_dir) for n in names]
    listing = golist.go_list(go, workdir, patterns, vendor=program.has_vendor, tags=tags)
    if listing.error is not None:
        return None, f"go list failed ({listing.error}); the sources were read statically"
    real_root = os.path.realpath(root)
    by_path = {p.import_path: p for p in listing.packages}
    scope: set[str] = set()
    for p in listing.packages:
        if p.standard or not (p.main_module or p.local_replace):
            continue
        rel = _inside(real_root, p.dir)
        if rel is not None:
            scope.add(rel)
    scope.update(t for t in targets if t in index.only)  # files named: go list calls them command-line-arguments
    cgo: list[Finding] = []
    importers = [f for d in sorted(scope) for f in index.package(d)]
    for p in listing.packages:
        if p.standard or p.main_module or p.local_replace:
            continue
        known = prefix_of(p.import_path, modules.CGO_WHY)
        if not p.cgo_files and known is None:
            continue
        why = modules.CGO_WHY[known] if known else f"compiles C code ({', '.join(p.cgo_files)})"
        cgo.append(_cgo_path(importers, by_path, p, why))
    return (scope, cgo), None


def _cgo_path(
    importers: list[SourceFile], by_path: dict[str, golist.Package], target: golist.Package, why: str
) -> Finding:
    """A finding at the first import of the build's own files that leads to ``target``."""
    for f in importers:
        for imported in f.imports:
            if _reaches(imported, target.import_path, by_path):
                via = "" if imported == target.import_path else f", which imports {target.import_path}"
                return Finding(
                    f.path, f.import_lines.get(imported, 1), f'import "{imported}"{via}: needs cgo, {why} (go list)'
                )
    return Finding("go.mod", 1, f"the build reaches {target.import_path}: needs cgo, {why} (go list)")


def _reaches(start: str, goal: str, by_path: dict[str, golist.Package]) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current in seen:
            continue
        seen.add(current)
        package = by_path.get(current)
        if package is not None and not package.standard:
            todo.extend(package.imports)
    return False


def _over_approximated_cgo(index: SourceIndex, module_dir: str, mod: modules.GoMod) -> list[Finding]:
    go_sum_path = _join(module_dir, "go.sum")
    data = index.context.read_bytes(go_sum_path) if index.has_file(module_dir, "go.sum") else None
    go_sum = data.decode("utf-8", errors="replace") if data is not None else None
    return modules.reachable_cgo(mod, _join(module_dir, "go.mod"), go_sum, go_sum_path)


def _inside(real_root: str, directory: str) -> str | None:
    try:
        real = os.path.realpath(directory)
    except (OSError, ValueError):
        return None
    if real == real_root:
        return "."
    if not real.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return os.path.relpath(real, real_root).replace(os.sep, "/")


def _sorted(findings) -> tuple[Finding, ...]:
    return tuple(sorted(set(findings), key=lambda f: (f.path, f.line, f.detail)))


def _join(d: str, name: str) -> str:
    return name if d == "." else f"{d}/{name}"
