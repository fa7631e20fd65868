"""rewriter.record.Record: the value semantics the syntax nodes and facts rely on, as a
dataclass gives them."""

from __future__ import annotations

import pickle

import pytest

from rewriter.record import Record
from rewriter.syntax.nodes import Comment, Segment


class Point(Record):
    _fields = ("x", "y")

    def __init__(self, x: int, y: int = 0) -> None:
        self.x = x
        self.y = y
        self.cache = None  # outside the value


class OtherPoint(Point):
    pass


def test_equal_by_class_and_fields():
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != OtherPoint(1, 2)  # another class, as with dataclasses
    assert Point(1, 2) != (1, 2)


def test_hashed_by_fields_and_usable_as_keys():
    a, b = Point(1, 2), Point(1, 2)
    a.cache = "worked out"
    assert hash(a) == hash(b) == hash((1, 2))
    assert {a: "first"}[b] == "first"


def test_repr_names_the_fields_only():
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    assert repr(Comment("", "# hi", "\n")) == "Comment(indent='', text='# hi', newline='\\n')"


def test_replace_makes_a_new_value_and_leaves_caches_behind():
    a = Point(1, 2)
    a.cache = "worked out"
    b = a.replace(y=5)
    assert (b.x, b.y, b.cache) == (1, 5, None) and (a.x, a.y) == (1, 2)
    assert a.replace() == a and a.replace() is not a
    with pytest.raises(TypeError, match="Point has no field z"):
        a.replace(z=1)


def test_nodes_change_through_with_changes_and_pickle():
    segment = Segment(("go build",))
    assert segment.with_changes(parts=("go vet",)).value == "go vet"
    assert pickle.loads(pickle.dumps(Point(3, 4))) == Point(3, 4)
