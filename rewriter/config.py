"""Settings that shape a rewrite. Loaded from [tool.goslim] / .goslim.toml by the CLI."""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from pathlib import Path

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, Final

RUNTIMES = ("scratch", "distroless-static", "alpine")
EMPTY_RUNTIMES = frozenset({"scratch", "distroless-static"})  # no program there but the service's own
# The base image of the runtime stage for each ``runtime`` setting.
RUNTIME_IMAGES = {
    "scratch": "scratch",
    "distroless-static": "gcr.io/distroless/static-debian12",
    "alpine": "alpine:3.20",
}
HEALTHCHECK_MODES = ("refuse", "drop")
GO_LIST_MODES = ("auto", "always", "never")  # auto: for a single Dockerfile, not for batches
CONFIG_NAMES = (".goslim.toml", "pyproject.toml")  # in this order within one folder
_RULE_CODE = r"GS\d{3}"  # compiled on first use (re caches it): few configs name rules
_MAX_ID = 2**31 - 1


class Config(Record):
    _fields: ClassVar[tuple[str, ...]] = (
        "runtime",
        "uid",
        "gid",
        "disable",
        "extra_copy",
        "writable",
        "cross_compile",
        "cache_mounts",
        "healthcheck",
        "main_package",
        "require_context",
        "go_list",
        "contexts",
    )

    runtime: Final[str]  # one of RUNTIMES
    uid: Final[int]
    gid: Final[int]
    disable: Final[frozenset[str]]  # rule codes turned off
    extra_copy: Final[tuple[str, ...]]  # extra paths copied from the builder into the runtime stage
    writable: Final[tuple[str, ...]]  # extra folders the runtime user must be able to write
    cross_compile: Final[bool]  # FROM --platform=$BUILDPLATFORM + TARGETOS/TARGETARCH
    cache_mounts: Final[bool]  # RUN --mount=type=cache for the module and build caches
    healthcheck: Final[str]  # "refuse" or "drop" a HEALTHCHECK that needs a shell/curl
    main_package: Final[str | None]  # which package to build when several mains exist
    require_context: Final[bool]  # no build context found: refuse instead of warning
    go_list: Final[str]  # one of GO_LIST_MODES: when to ask `go list`
    # (folder of the config file, Dockerfile path or pattern relative to it, context relative to it)
    contexts: Final[tuple[tuple[str, str, str], ...]]

    def __init__(
        self,
        runtime: str = "scratch",
        uid: int = 10001,
        gid: int = 10001,
        disable: frozenset[str] = frozenset(),
        extra_copy: tuple[str, ...] = (),
        writable: tuple[str, ...] = (),
        cross_compile: bool = False,
        cache_mounts: bool = False,
        healthcheck: str = "refuse",
        main_package: str | None = None,
        require_context: bool = False,
        go_list: str = "auto",
        contexts: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        self.runtime = runtime
        self.uid = uid
        self.gid = gid
        self.disable = disable
        self.extra_copy = extra_copy
        self.writable = writable
        self.cross_compile = cross_compile
        self.cache_mounts = cache_mounts
        self.healthcheck = healthcheck
        self.main_package = main_package
        self.require_context = require_context
        self.go_list = go_list
        self.contexts = contexts

    def enabled(self, code: str) -> bool:
        return code not in self.disable

    @property
    def runtime_image(self) -> str:
        """The base image the runtime stage starts FROM."""
        return RUNTIME_IMAGES[self.runtime]

    def merged(self, **overrides: Any) -> Config:
        """This config with command-line values on top; ``None`` means "not given"."""
        given = {key: value for key, value in overrides.items() if value is not None}
        values = {}
        for name, value in given.items():
            key = name.replace("_", "-")
            if key == "contexts":
                raise ConfigError("command line", name, "set in a config file")
            if key not in _CHECKS:
                raise ConfigError("command line", name, "unknown setting")
            values[name] = _CHECKS[key](key, value, "command line")
        return self.replace(**values)


class ConfigError(Exception):
    """A config file goslim cannot use; names the file and, when known, the key."""

    def __init__(self, path: str | os.PathLike, key: str | None, message: str) -> None:
        super().__init__(message)
        self.path = os.fspath(path)
        self.key = key
        self.message = message

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.path}:{key} {self.message}"

    def __reduce__(self):
        return (ConfigError, (self.path, self.key, self.message))


def load_config(dockerfile_path: str | os.PathLike) -> Config:
    """The config that applies to a Dockerfile: the nearest one found upward from its folder."""
    path = find_config(dockerfile_path)
    return DEFAULTS if path is None else _config_in(path)


def find_config(dockerfile_path: str | os.PathLike) -> Path | None:
    """The file load_config reads for this Dockerfile, or None when the defaults apply."""
    return _config_path_for_directory(os.path.dirname(os.path.abspath(dockerfile_path)))


def load_config_file(path: str | os.PathLike) -> Config:
    """Read one config file named explicitly (``--config``)."""
    path = Path(path)
    table = _read_table(path)
    if table is None:
        if path.name == "pyproject.toml":
            raise ConfigError(path, "tool.goslim", "no [tool.goslim] table in this file")
        table = {}
    return from_table(table, path)


def clear_cache() -> None:
    """Forget what was read, for a process that watches files change."""
    _config_in.cache_clear()
    _config_path_for_directory.cache_clear()
    _read_table.cache_clear()


DEFAULTS = Config()  # frozen, so one object serves every file and call with no config
_NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})  # as Path.is_file


@functools.cache
def _config_path_for_directory(directory: str) -> Path | None:
    """Keyed by string: a batch asks once per Dockerfile folder, and most share their parents."""
    for name in CONFIG_NAMES:
        candidate = os.path.join(directory, name)
        if _is_file(candidate) and _read_table(Path(candidate)) is not None:
            return Path(candidate)
    parent = os.path.dirname(directory)
    if parent == directory:
        return None
    return _config_path_for_directory(parent)


def _is_file(path: str) -> bool:
    """Path.is_file for a string: False when missing, other errors (permission) raised."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            return False
        raise
    except ValueError:
        return False


@functools.cache
def _config_in(path: Path) -> Config:
    return from_table(_read_table(path) or {}, path)


@functools.cache
def _read_table(path: Path) -> dict | None:
    """The goslim settings in a file: top level of .goslim.toml, [tool.goslim] elsewhere."""
    import tomllib  # here, not at the top: the CLI imports this module on every start

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("goslim")
        if table is not None and not isinstance(table, dict):
            raise ConfigError(path, "tool.goslim", "must be a table")
        return table
    return data


def from_table(table: dict, path: str | os.PathLike) -> Config:
    """The Config a table of settings describes (the keys of .goslim.toml); ``path`` names
    where the table came from in errors."""
    path = Path(path)
    values = {}
    for key, value in table.items():
        check = _CHECKS.get(key.replace("_", "-"))  # main_package and main-package alike
        if check is None:
            raise ConfigError(path, key, _unknown_key_message(key, path))
        values[key.replace("-", "_")] = check(key, value, path)
    return Config(**values)


def _unknown_key_message(key: str, path: Path) -> str:
    import difflib

    message = "unknown key"
    if key == "tool" and path.name != "pyproject.toml":
        return message + f" (in {path.name} the settings go at the top level)"
    close = difflib.get_close_matches(key.replace("_", "-"), _CHECKS, n=1)
    if close:
        return message + f"; did you mean '{close[0]}'?"
    return message + f"; known keys: {', '.join(_CHECKS)}"


def _check_choice(choices):
    def check(key, value, path):
        if not isinstance(value, str) or value not in choices:
            raise ConfigError(path, key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    return check


def _check_id(minimum):
    def check(key, value, path):
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _MAX_ID:
            raise ConfigError(path, key, f"must be an integer from {minimum} to {_MAX_ID}; got {value!r}")
        return value

    return check


def _check_bool(key, value, path):
    if not isinstance(value, bool):
        raise ConfigError(path, key, f"must be true or false; got {value!r}")
    return value


def _check_strings(key, value, path):
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(path, key, f"must be a list of non-empty strings; got {value!r}")
    return tuple(value)


def _check_codes(key, value, path):
    codes = _check_strings(key, value, path)
    for code in codes:
        if not re.fullmatch(_RULE_CODE, code):
            raise ConfigError(path, key, f"'{code}' is not a rule code (like GS101)")
    return frozenset(codes)


def _check_package(key, value, path):
    if not isinstance(value, str) or not value:
        raise ConfigError(path, key, f"must be a package path like ./cmd/api; got {value!r}")
    return value


def _check_contexts(key, value, path):
    """``[[contexts]]`` entries: which folder each Dockerfile (path or pattern, relative to
    the config file's folder, .dockerignore's pattern rules) is built from."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(path, key, "must be a list of tables with dockerfile and context")
    base = os.path.dirname(os.path.abspath(path)) if path != "command line" else os.getcwd()
    out = []
    for number, entry in enumerate(value, 1):
        extra = set(entry) - {"dockerfile", "context"}
        dockerfile, context = entry.get("dockerfile"), entry.get("context")
        if extra or not isinstance(dockerfile, str) or not dockerfile or not isinstance(context, str) or not context:
            raise ConfigError(
                path,
                f"{key}[{number}]",
                f'needs dockerfile = "PATH" and context = "DIR" (strings), nothing else; got {entry!r}',
            )
        out.append((base, dockerfile, context))
    return tuple(out)


_CHECKS = {
    "runtime": _check_choice(RUNTIMES),
    "uid": _check_id(1),  # 0 would run as root
    "gid": _check_id(0),  # group 0 is fine (OpenShift runs arbitrary uids in it)
    "disable": _check_codes,
    "extra-copy": _check_strings,
    "writable": _check_strings,
    "cross-compile": _check_bool,
    "cache-mounts": _check_bool,
    "healthcheck": _check_choice(HEALTHCHECK_MODES),
    "main-package": _check_package,
    "require-context": _check_bool,
    "go-list": _check_choice(GO_LIST_MODES),
    "contexts": _check_contexts,
}
