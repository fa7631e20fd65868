"""Value classes without ``dataclasses``.

goslim is started once per file by pre-commit hooks and editors, so its start matters. A
``@dataclass`` is built at import by compiling each generated method from source (about a
millisecond a class, and ``dataclasses`` itself imports ``inspect``, ``ast`` and ``dis``),
which was half of a single-file run. A ``Record`` writes its own ``__init__`` and lists its
fields in ``_fields``; equality, hashing, ``repr`` and ``replace`` come from that list, with
the meaning a dataclass gives them.

This module stays plain Python: mypyc lets its compiled classes inherit from a regular
Python class, and plain classes can inherit from this one.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, Self


class Record:
    """Equal to another of the same class with equal fields, hashed by them, shown by them.

    ``_fields`` names the fields that make the value, in ``__init__``'s order; attributes
    kept outside it (caches, bulky indexes) take no part in comparison or ``repr``. A record
    filled in after it is made (an accumulator) takes only its first fields in ``__init__``
    and has no ``replace``.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (by field name); attributes outside ``_fields`` start anew."""
        values = {name: changes.pop(name, getattr(self, name)) for name in self._fields}
        if changes:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(changes))}")
        return type(self)(**values)
