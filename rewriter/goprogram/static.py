"""The static reader: the packages a build compiles, found by following imports from the
built package through the build context, one folder at a time.

It reads what ``go build`` would read and nothing else: the target packages, then each
import that stays in the module or goes to a local ``replace`` target, and (only for their
cgo use) the vendored packages they import. Folders named ``testdata`` or starting with
``_`` or ``.``, ``_test.go`` files, files of other systems and nested modules that nothing
imports are never opened. Every read goes through the ``BuildContext``, so nothing outside
the context and nothing ``.dockerignore`` drops is read.
"""

from __future__ import annotations

import fnmatch
import posixpath

from rewriter.context import BuildContext
from rewriter.goprogram import constraints
from rewriter.goprogram.modules import GoMod, parse_go_mod
from rewriter.goprogram.scan import SourceFile, scan

PACKAGE_WALK_LIMIT = 20_000  # folders a pattern such as ./... visits before it stops and says so
_SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules"})


class SourceIndex:
    """Go packages of one build context, read on demand and each read once."""

    def __init__(
        self,
        context: BuildContext,
        tags: frozenset[str] = frozenset(),
        named: dict[str, frozenset[str]] | None = None,
        copied: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.context = context
        self.tags = tags
        # Folders whose package is a list of files rather than the whole folder: the .go
        # files a build names (Go compiles exactly those, build constraints ignored), or
        # the only files COPY put in the folder the build runs in (constraints apply).
        self.named = named or {}
        self.copied = copied or {}
        self.only = {**self.copied, **self.named}
        self._packages: dict[str, list[SourceFile]] = {}
        self._entries: dict[str, list[tuple[str, bool]]] = {}
        self._mods: dict[str, GoMod | None] = {}
        self._module_dirs: dict[str, str | None] = {}
        self.truncated = False  # a pattern walk stopped at PACKAGE_WALK_LIMIT
        self.files_read = 0

    # --- folders and files -----------------------------------------------------------------

    def entries(self, d: str) -> list[tuple[str, bool]]:
        found = self._entries.get(d)
        if found is None:
            found = self._entries[d] = self.context.listdir(d)
        return found

    def package(self, d: str) -> list[SourceFile]:
        """The files of the package in folder ``d`` that a Linux build compiles."""
        found = self._packages.get(d)
        if found is not None:
            return found
        files = []
        named, copied = self.named.get(d), self.copied.get(d)
        for name, is_dir in self.entries(d):
            if is_dir or not (
                _go_source(name) and (copied is None or name in copied) if named is None else name in named
            ):
                continue
            data = self.context.read_listed(d, name)
            if data is None:
                continue
            self.files_read += 1
            parsed = scan(data, d, name, self.tags, constrained=named is None)
            if parsed is not None:
                files.append(parsed)
        self._packages[d] = files
        return files

    def is_main(self, d: str) -> bool:
        return any(f.package == "main" and f.func_main for f in self.package(d))

    def go_mod(self, d: str) -> GoMod | None:
        """The parsed go.mod in folder ``d``, if there is one."""
        if d not in self._mods:
            has = any(name == "go.mod" and not is_dir for name, is_dir in self.entries(d))
            data = self.context.read_bytes(_join(d, "go.mod")) if has else None
            self._mods[d] = parse_go_mod(data.decode("utf-8", errors="replace")) if data is not None else None
        return self._mods[d]

    def module_dir(self, d: str) -> str | None:
        """The nearest folder at or above ``d`` (inside the context) holding a go.mod."""
        if d not in self._module_dirs:
            if self.go_mod(d) is not None:
                self._module_dirs[d] = d
            else:
                self._module_dirs[d] = None if d == "." else self.module_dir(posixpath.dirname(d) or ".")
        return self._module_dirs[d]

    def has_file(self, d: str, name: str) -> bool:
        return any(n == name and not is_dir for n, is_dir in self.entries(d))

    # --- what a pattern names ---------------------------------------------------------------

    def package_dirs(self, under: str, module_dir: str | None) -> list[str]:
        """Folders under ``under`` (itself included) that belong to the same module and hold
        Go files, as ``under/...`` names them: nested modules, vendor, testdata and folders
        starting with ``.`` or ``_`` are left out. Bounded by PACKAGE_WALK_LIMIT."""
        out: list[str] = []
        queue = [under]
        visited = 0
        while queue:
            d = queue.pop()
            visited += 1
            if visited > PACKAGE_WALK_LIMIT:
                self.truncated = True
                break
            if d != under and self.go_mod(d) is not None and d != module_dir:
                continue  # a nested module: ./... stops there
            entries = self.entries(d)
            if any(not is_dir and _go_source(name) for name, is_dir in entries):
                out.append(d)
            for name, is_dir in entries:
                if is_dir and name[0] not in "._" and name not in _SKIP_DIRS:
                    queue.append(_join(d, name))
        return sorted(out)

    def mains_matching(self, pattern: str, module_dir: str | None) -> list[str]:
        """Main packages a Go package pattern (a folder, or one with ``...``) names. Outside
        a module a pattern names no folder below its own: there is no module tree to walk,
        and the context may be a whole file system (standard input read in ``/``)."""
        if "..." not in pattern or module_dir is None:
            pattern = pattern.split("...")[0].rstrip("/") or "."
            return [pattern] if self.is_main(pattern) else []
        literal = pattern.split("...")[0].rstrip("/")
        start = posixpath.dirname(literal) if literal and not pattern.startswith(literal + "/") else literal
        start = start or "."
        candidates = self.package_dirs(start, module_dir)
        return [d for d in candidates if _matches(pattern, d) and self.is_main(d)]


def closure(
    index: SourceIndex, targets: list[str], local: list[tuple[str, str]], vendor: str | None, relative: bool = False
) -> tuple[set[str], set[str]]:
    """(package folders the build compiles, vendored package folders it reaches).

    ``local`` maps import path prefixes to folders (the module and its local replace
    targets), longest first; ``vendor`` is the module's vendor folder when it has one;
    ``relative`` follows ``./x`` imports, which GOPATH mode allows outside $GOPATH."""
    seen: set[str] = set()
    vendored: set[str] = set()
    todo = [(d, False) for d in targets]
    while todo:
        d, in_vendor = todo.pop()
        if d in seen or d in vendored:
            continue
        (vendored if in_vendor else seen).add(d)
        for f in index.package(d):
            for imported in f.imports:
                if relative and imported.startswith(("./", "../")):
                    folder = posixpath.normpath(posixpath.join(d, imported))
                    if folder != ".." and not folder.startswith("../"):
                        todo.append((folder, False))
                    continue
                target = _local_dir(imported, local)
                if target is not None and not in_vendor:
                    if index.module_dir(target[0]) == index.module_dir(target[1]):  # not a nested module
                        todo.append((target[0], False))
                elif vendor is not None and _third_party(imported):
                    todo.append((_join(vendor, imported), True))
    return seen, vendored


def local_modules(index: SourceIndex, module_dir: str, mod: GoMod) -> list[tuple[str, str]]:
    """(import path prefix, folder) of the module and of each local replace target inside
    the context, longest prefix first. Nested modules are not listed: an import of one
    resolves to the version go.mod requires, not to the folder."""
    local: dict[str, str] = {}
    if mod.path:
        local[mod.path] = module_dir
    for old, new in mod.replaces:
        target = posixpath.normpath(posixpath.join(module_dir, new))
        if target != ".." and not target.startswith("../") and index.context.is_dir(target):
            local[old] = target
    return sorted(local.items(), key=lambda kv: len(kv[0]), reverse=True)


def _local_dir(imported: str, local: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(folder of an imported package, folder of the module it must belong to), when the
    import is local."""
    for prefix, d in local:
        if imported == prefix:
            return d, d
        if imported.startswith(prefix + "/"):
            return posixpath.normpath(posixpath.join(d, imported[len(prefix) + 1 :])), d
    return None


# First elements of the standard library's import paths (and cgo's "C").
_STANDARD_ROOTS = frozenset(
    "C archive arena bufio builtin bytes cmp compress container context crypto database debug embed encoding "
    "errors expvar flag fmt go hash html image index internal io iter log maps math mime net os path plugin "
    "reflect regexp runtime slices sort strconv strings structs sync syscall testing text time unicode unique "
    "unsafe weak".split()
)


def gopath_local(imported: str) -> bool:
    """Whether GOPATH mode finds an import under $GOPATH/src rather than downloading it
    or taking it from the standard library: no dot in its first element, not standard."""
    first = imported.split("/", 1)[0]
    return "." not in first and first not in _STANDARD_ROOTS


def _third_party(imported: str) -> bool:
    first = imported.split("/", 1)[0]
    return "." in first and imported != "C"


def _go_source(name: str) -> bool:
    return (
        name.endswith(".go")
        and name[0] not in "._"
        and not name.endswith("_test.go")
        and not constraints.name_excluded(name)
    )


def _matches(pattern: str, d: str) -> bool:
    """Go's package pattern match: "..." matches any string, and "x/..." matches x too."""
    if "..." not in pattern:
        return pattern == d
    if pattern == "...":
        return True
    if pattern.endswith("/...") and d == pattern[: -len("/...")]:
        return True
    return fnmatch.fnmatchcase(d, pattern.replace("...", "*"))


def _join(d: str, name: str) -> str:
    return name if d == "." else f"{d}/{name}"
