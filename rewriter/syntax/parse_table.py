"""The LALR(1) table of grammar/dockerfile.lark, which rewriter.syntax.parser runs.

Generated from the grammar by ``python -m rewriter.syntax.generate``; do not edit. The tests
regenerate it and fail when it differs.
"""

from __future__ import annotations

# The rules: (name, what a reduce does with each symbol: k keeps the child, s splices in
# the children of an inlined _rule, d drops a filtered token). A rule named _... builds
# no node; the rule that uses it takes its children.
RULES: tuple[tuple[str, str], ...] = (
    # 0: start: BOM __start_star_0 __start_star_1 __start_star_2
    ("start", "ksss"),
    # 1: start: BOM __start_star_0 __start_star_1
    ("start", "kss"),
    # 2: start: BOM __start_star_0 __start_star_2
    ("start", "kss"),
    # 3: start: BOM __start_star_0
    ("start", "ks"),
    # 4: start: BOM __start_star_1 __start_star_2
    ("start", "kss"),
    # 5: start: BOM __start_star_1
    ("start", "ks"),
    # 6: start: BOM __start_star_2
    ("start", "ks"),
    # 7: start: BOM
    ("start", "k"),
    # 8: start: __start_star_0 __start_star_1 __start_star_2
    ("start", "sss"),
    # 9: start: __start_star_0 __start_star_1
    ("start", "ss"),
    # 10: start: __start_star_0 __start_star_2
    ("start", "ss"),
    # 11: start: __start_star_0
    ("start", "s"),
    # 12: start: __start_star_1 __start_star_2
    ("start", "ss"),
    # 13: start: __start_star_1
    ("start", "s"),
    # 14: start: __start_star_2
    ("start", "s"),
    # 15: start:
    ("start", ""),
    # 16: stage: FROM __start_star_1
    ("stage", "ks"),
    # 17: stage: FROM
    ("stage", "k"),
    # 18: _item: ITEMS
    ("_item", "k"),
    # 19: _item: heredoc_instruction
    ("_item", "k"),
    # 20: heredoc_instruction: HEREDOC_INSTRUCTION __heredoc_instruction_plus_3
    ("heredoc_instruction", "ks"),
    # 21: __start_star_0: DIRECTIVE
    ("__start_star_0", "k"),
    # 22: __start_star_0: __start_star_0 DIRECTIVE
    ("__start_star_0", "sk"),
    # 23: __start_star_1: _item
    ("__start_star_1", "s"),
    # 24: __start_star_1: __start_star_1 _item
    ("__start_star_1", "ss"),
    # 25: __start_star_2: stage
    ("__start_star_2", "k"),
    # 26: __start_star_2: __start_star_2 stage
    ("__start_star_2", "sk"),
    # 27: __heredoc_instruction_plus_3: HEREDOC
    ("__heredoc_instruction_plus_3", "k"),
    # 28: __heredoc_instruction_plus_3: __heredoc_instruction_plus_3 HEREDOC
    ("__heredoc_instruction_plus_3", "sk"),
)
# STATES[state][symbol]: the next state (>= 0: shift the token, or go there after
# reducing to the rule), or ~rule (< 0): reduce by RULES[rule].
STATES: tuple[dict[str, int], ...] = (
    {  # 0
        "$END": -16, "BOM": 1, "DIRECTIVE": 2, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_0": 6,
        "__start_star_1": 7, "__start_star_2": 8, "_item": 9, "heredoc_instruction": 10, "stage": 11, "start": 12,
    },
    {  # 1
        "$END": -8, "DIRECTIVE": 2, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_0": 13,
        "__start_star_1": 14, "__start_star_2": 15, "_item": 9, "heredoc_instruction": 10, "stage": 11,
    },
    {"$END": -22, "DIRECTIVE": -22, "FROM": -22, "HEREDOC_INSTRUCTION": -22, "ITEMS": -22},  # 2
    {  # 3
        "$END": -18, "FROM": -18, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_1": 16, "_item": 9,
        "heredoc_instruction": 10,
    },
    {"HEREDOC": 17, "__heredoc_instruction_plus_3": 18},  # 4
    {"$END": -19, "FROM": -19, "HEREDOC_INSTRUCTION": -19, "ITEMS": -19},  # 5
    {  # 6
        "$END": -12, "DIRECTIVE": 19, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_1": 20,
        "__start_star_2": 21, "_item": 9, "heredoc_instruction": 10, "stage": 11,
    },
    {  # 7
        "$END": -14, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_2": 22, "_item": 23,
        "heredoc_instruction": 10, "stage": 11,
    },
    {"$END": -15, "FROM": 3, "stage": 24},  # 8
    {"$END": -24, "FROM": -24, "HEREDOC_INSTRUCTION": -24, "ITEMS": -24},  # 9
    {"$END": -20, "FROM": -20, "HEREDOC_INSTRUCTION": -20, "ITEMS": -20},  # 10
    {"$END": -26, "FROM": -26},  # 11
    {},  # 12
    {  # 13
        "$END": -4, "DIRECTIVE": 19, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_1": 25,
        "__start_star_2": 26, "_item": 9, "heredoc_instruction": 10, "stage": 11,
    },
    {  # 14
        "$END": -6, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_2": 27, "_item": 23,
        "heredoc_instruction": 10, "stage": 11,
    },
    {"$END": -7, "FROM": 3, "stage": 24},  # 15
    {"$END": -17, "FROM": -17, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "_item": 23, "heredoc_instruction": 10},  # 16
    {"$END": -28, "FROM": -28, "HEREDOC": -28, "HEREDOC_INSTRUCTION": -28, "ITEMS": -28},  # 17
    {"$END": -21, "FROM": -21, "HEREDOC": 28, "HEREDOC_INSTRUCTION": -21, "ITEMS": -21},  # 18
    {"$END": -23, "DIRECTIVE": -23, "FROM": -23, "HEREDOC_INSTRUCTION": -23, "ITEMS": -23},  # 19
    {  # 20
        "$END": -10, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_2": 29, "_item": 23,
        "heredoc_instruction": 10, "stage": 11,
    },
    {"$END": -11, "FROM": 3, "stage": 24},  # 21
    {"$END": -13, "FROM": 3, "stage": 24},  # 22
    {"$END": -25, "FROM": -25, "HEREDOC_INSTRUCTION": -25, "ITEMS": -25},  # 23
    {"$END": -27, "FROM": -27},  # 24
    {  # 25
        "$END": -2, "FROM": 3, "HEREDOC_INSTRUCTION": 4, "ITEMS": 5, "__start_star_2": 30, "_item": 23,
        "heredoc_instruction": 10, "stage": 11,
    },
    {"$END": -3, "FROM": 3, "stage": 24},  # 26
    {"$END": -5, "FROM": 3, "stage": 24},  # 27
    {"$END": -29, "FROM": -29, "HEREDOC": -29, "HEREDOC_INSTRUCTION": -29, "ITEMS": -29},  # 28
    {"$END": -9, "FROM": 3, "stage": 24},  # 29
    {"$END": -1, "FROM": 3, "stage": 24},  # 30
)
START = 0
ACCEPT = 12  # after reducing the whole file to start
END = "$END"  # the token kind that ends the input
