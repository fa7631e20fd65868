""".dockerignore matching: Docker's documented examples and moby/patternmatcher's own cases.

pathspec's gitignore matching is not Docker's: there ``*.md`` and ``foo`` match at any
depth, here only at the context root; the test below pins that difference.
"""

from __future__ import annotations

import pytest

from rewriter.context.dockerignore import DockerIgnore, PatternError, compile_pattern, read_dockerignore


def ignore(text: str) -> DockerIgnore:
    rules, problems = DockerIgnore.parse(text)
    assert problems == []
    return rules


# The example file of Docker's documentation ("Build context", .dockerignore files).
DOCS_EXAMPLE = "# comment\n*/temp*\n*/*/temp*\ntemp?\n"


@pytest.mark.parametrize(
    "path, excluded",
    [
        ("somedir/temporary.txt", True),  # */temp*: names starting with temp one level down
        ("somedir/temp", True),
        ("somedir/subdir/temporary.txt", True),  # */*/temp*: two levels down
        ("tempa", True),  # temp?: one more character, at the root
        ("tempb", True),
        ("temp", False),
        ("temporary.txt", False),  # at the root, */temp* does not apply
        ("a/b/c/temp.txt", False),  # three levels down: no line matches
        ("somedir/temp/file.go", True),  # a matched folder takes its contents with it
        ("# comment", False),  # comments are not patterns
    ],
)
def test_docs_example(path, excluded):
    assert ignore(DOCS_EXAMPLE).excluded(path) is excluded


def test_docs_double_star_go_files():
    rules = ignore("**/*.go\n")
    assert rules.excluded("main.go")
    assert rules.excluded("cmd/api/main.go")
    assert not rules.excluded("cmd/api/config.yaml")


@pytest.mark.parametrize(
    "text, kept",
    [
        # "*.md, !README.md": every Markdown file at the root but README.md is left out
        ("*.md\n!README.md\n", {"README.md", "docs/guide.md"}),
        # "!README*.md" then README-secret.md: no README but README-secret.md is kept
        ("*.md\n!README*.md\nREADME-secret.md\n", {"README.md", "README-x.md", "docs/guide.md"}),
        # the middle line has no effect: !README*.md comes last and matches README-secret.md
        ("*.md\nREADME-secret.md\n!README*.md\n", {"README.md", "README-x.md", "README-secret.md", "docs/guide.md"}),
    ],
)
def test_docs_exceptions(text, kept):
    paths = {"README.md", "README-x.md", "README-secret.md", "CHANGES.md", "docs/guide.md"}
    rules = ignore(text)
    assert {p for p in paths if not rules.excluded(p)} == kept


def test_leading_slash_and_dot_mean_the_context_root():
    """Docker's docs: /foo/bar and foo/bar are the same pattern; so is ./foo/bar."""
    for text in ("/foo/bar\n", "foo/bar\n", "./foo/bar\n", "foo/bar/\n"):
        rules = ignore(text)
        assert rules.excluded("foo/bar")
        assert rules.excluded("foo/bar/x.go")
        assert not rules.excluded("x/foo/bar")


def test_exception_under_an_excluded_folder_brings_the_child_back():
    rules = ignore("docs\n!docs/README.md\n")
    assert rules.excluded("docs/other.md")
    assert not rules.excluded("docs/README.md")
    assert rules.may_include_below("docs")
    assert not ignore("docs\n").may_include_below("docs")
    assert not ignore("docs\n!src/x\n").may_include_below("docs")
    assert ignore("vendor\n!**/keep\n").may_include_below("vendor")


def test_not_gitignore_semantics():
    """Where pathspec's gitignore rules would say "excluded", Docker keeps the file."""
    import pathspec

    git = pathspec.GitIgnoreSpec.from_lines(["*.md", "build"])
    docker = ignore("*.md\nbuild\n")
    for path in ("docs/guide.md", "cmd/build/main.go"):
        assert git.match_file(path)
        assert not docker.excluded(path)


def test_comments_only_at_line_start_blank_lines_and_bom():
    rules = ignore("\ufeff# a comment\n\n   \n  #not-a-comment\n*.log  \n")
    assert [p.text for p in rules.patterns] == ["#not-a-comment", "*.log"]
    assert rules.excluded("#not-a-comment")
    assert rules.excluded("x.log")


def test_bad_lines_are_reported_and_left_out():
    rules, problems = DockerIgnore.parse("ok\n[\n!\n", "ctx/.dockerignore")
    assert [p.text for p in rules.patterns] == ["ok"]
    assert problems[0].startswith("ctx/.dockerignore:2: bad pattern")
    assert problems[1] == 'ctx/.dockerignore:3: illegal exclusion pattern: "!"'


# moby/patternmatcher TestMatches: (pattern, path, matched by MatchesOrParentMatches)
MOBY_CASES = [
    ("**", "file", True),
    ("**", "file/", True),
    ("**/", "file", True),
    ("**/", "file/", True),
    ("**", "/", True),
    ("**/", "/", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("**", "dir/file/", True),
    ("**/", "dir/file/", True),
    ("**/**", "dir/file", True),
    ("**/**", "dir/file/", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/file/", True),
    ("dir/**", "dir/dir2/file", True),
    ("dir/**", "dir/dir2/file/", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/*", "dir/dir2/file/", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file/", True),
    ("**file", "file", True),
    ("**file", "dir/file", True),
    ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file", True),
    ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True),
    ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True),
    ("a[b-d]e", "ae", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcdef", False),
    ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "dir/foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def", True),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\\\", "a\\", True),
    ("a\\*b", "a*b", True),
]


@pytest.mark.parametrize("pattern, path, matched", MOBY_CASES)
def test_moby_patternmatcher_cases(pattern, path, matched):
    rules = DockerIgnore([compile_pattern(pattern)])
    assert rules.excluded(path.rstrip("/") or "/") is matched


@pytest.mark.parametrize(
    "patterns, path, matched",
    [
        (["**", "!util/docker/web"], "util/docker/web/foo", False),
        (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
        (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", False),
        (["docs", "!docs/README.md"], "docs/README.md", False),
        (["docs/*", "!docs/README.md"], "docs/README.md", False),
        (["*.go", "!fileutils.go"], "fileutils.go", False),
        (["!fileutils.go", "*.go"], "fileutils.go", True),
    ],
)
def test_moby_multi_pattern_cases(patterns, path, matched):
    assert DockerIgnore([compile_pattern(p) for p in patterns]).excluded(path) is matched


@pytest.mark.parametrize("pattern", ["[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[-x]", "[a-b-c]", "\\"])
def test_go_bad_patterns(pattern):
    with pytest.raises(PatternError):
        compile_pattern(pattern)


@pytest.mark.parametrize(
    "pattern, name, matched",
    [
        ("[\\]a]", "]", True),
        ("[\\-]", "-", True),
        ("[x\\-]", "-", True),
        ("[x\\-]", "z", False),
        ("a?b", "a☺b", True),
        ("a*b", "a/b", False),
        ("a?b", "a/b", False),
        ("*x", "xxx", True),
    ],
)
def test_go_filepath_match_cases(pattern, name, matched):
    assert compile_pattern(pattern).match(name) is matched


def test_dockerfile_specific_ignore_file_wins(tmp_path):
    (tmp_path / ".dockerignore").write_text("*.md\n")
    (tmp_path / "deploy").mkdir()
    dockerfile = tmp_path / "deploy" / "api.Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    rules, _ = read_dockerignore(str(tmp_path), str(dockerfile))
    assert rules.excluded("README.md") and rules.source == str(tmp_path / ".dockerignore")
    (tmp_path / "deploy" / "api.Dockerfile.dockerignore").write_text("secrets\n")
    rules, _ = read_dockerignore(str(tmp_path), str(dockerfile))
    assert not rules.excluded("README.md")
    assert rules.excluded("secrets/key")
