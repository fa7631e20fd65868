"""Config loading: where the file is found, what it may contain, and the errors it gives."""

from __future__ import annotations

import pickle

import pytest

from rewriter import config as config_module
from rewriter.config import Config, ConfigError, find_config, load_config, load_config_file


@pytest.fixture(autouse=True)
def fresh_cache():
    config_module.clear_cache()
    yield
    config_module.clear_cache()


def dockerfile(folder):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Dockerfile"
    path.write_text("FROM golang\n")
    return path


def test_defaults_when_there_is_no_config(tmp_path):
    assert load_config(dockerfile(tmp_path / "svc")) == Config()
    assert find_config(tmp_path / "svc" / "Dockerfile") is None


def test_every_key(tmp_path):
    (tmp_path / ".goslim.toml").write_text(
        'runtime = "distroless-static"\nuid = 65532\ngid = 0\ndisable = ["GS101", "GS205"]\n'
        'extra-copy = ["/etc/ssl/certs", "/app/templates"]\ncross-compile = true\n'
        'cache-mounts = true\nhealthcheck = "drop"\nmain-package = "./cmd/api"\n'
    )
    assert load_config(dockerfile(tmp_path)) == Config(
        runtime="distroless-static",
        uid=65532,
        gid=0,
        disable=frozenset({"GS101", "GS205"}),
        extra_copy=("/etc/ssl/certs", "/app/templates"),
        cross_compile=True,
        cache_mounts=True,
        healthcheck="drop",
        main_package="./cmd/api",
    )


def test_found_upward_and_nearest_wins(tmp_path):
    (tmp_path / ".goslim.toml").write_text("uid = 2000\n")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "pyproject.toml").write_text("[tool.goslim]\nuid = 3000\n")
    assert load_config(dockerfile(tmp_path / "a" / "b")).uid == 2000
    assert load_config(dockerfile(tmp_path / "team" / "svc")).uid == 3000
    assert find_config(tmp_path / "team" / "svc" / "Dockerfile") == tmp_path / "team" / "pyproject.toml"


def test_goslim_toml_beats_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / ".goslim.toml").write_text("uid = 2000\n")
    (tmp_path / "pyproject.toml").write_text("[tool.goslim]\nuid = 3000\n")
    assert load_config(dockerfile(tmp_path)).uid == 2000


def test_pyproject_without_a_goslim_table_is_passed_over(tmp_path):
    (tmp_path / ".goslim.toml").write_text("uid = 2000\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "pyproject.toml").write_text("[tool.black]\nline-length = 99\n")
    assert load_config(dockerfile(tmp_path / "svc")).uid == 2000


def test_cached_per_directory(tmp_path):
    conf = tmp_path / ".goslim.toml"
    conf.write_text("uid = 2000\n")
    first = load_config(dockerfile(tmp_path / "a"))
    conf.write_text("uid = 3000\n")
    assert load_config(dockerfile(tmp_path / "b")) is first
    config_module.clear_cache()
    assert load_config(tmp_path / "a" / "Dockerfile").uid == 3000


@pytest.mark.parametrize(
    "text, key, message",
    [
        ("colour = 1\n", "colour", "unknown key; known keys: runtime, uid"),
        ("[tool.goslim]\nuid = 1\n", "tool", "unknown key (in .goslim.toml the settings go at the top level)"),
        ('runtime = "ubuntu"\n', "runtime", "must be one of scratch, distroless-static, alpine; got 'ubuntu'"),
        ("runtime = 1\n", "runtime", "must be one of"),
        ("uid = 0\n", "uid", "must be an integer from 1 to 2147483647; got 0"),
        ("uid = -5\n", "uid", "got -5"),
        ("uid = true\n", "uid", "got True"),
        ('uid = "10001"\n', "uid", "got '10001'"),
        ("uid = 1.5\n", "uid", "got 1.5"),
        ("gid = -1\n", "gid", "must be an integer from 0"),
        ('disable = "GS101"\n', "disable", "must be a list of non-empty strings"),
        ('disable = ["DL3006"]\n', "disable", "'DL3006' is not a rule code (like GS101)"),
        ('disable = ["gs101"]\n', "disable", "'gs101' is not a rule code"),
        ('disable = ["GS1011"]\n', "disable", "'GS1011' is not a rule code"),
        ("extra-copy = [1]\n", "extra-copy", "must be a list of non-empty strings"),
        ('cross-compile = "yes"\n', "cross-compile", "must be true or false; got 'yes'"),
        ("cache-mounts = 1\n", "cache-mounts", "must be true or false"),
        ('healthcheck = "keep"\n', "healthcheck", "must be one of refuse, drop; got 'keep'"),
        ('main-package = ""\n', "main-package", "must be a package path"),
        ("uid = \n", None, "invalid TOML: "),
    ],
)
def test_invalid_goslim_toml(tmp_path, text, key, message):
    conf = tmp_path / ".goslim.toml"
    conf.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(dockerfile(tmp_path / "svc"))
    error = caught.value
    assert (error.path, error.key) == (str(conf), key)
    assert message in error.message
    assert str(error).startswith(f"{conf}: {key + ': ' if key else ''}")
    assert "\n" not in str(error)


def test_invalid_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\ngoslim = "scratch"\n')
    with pytest.raises(ConfigError, match="tool.goslim: must be a table"):
        load_config(dockerfile(tmp_path))


def test_load_config_file(tmp_path):
    (tmp_path / "ci.toml").write_text('runtime = "alpine"\n')
    assert load_config_file(tmp_path / "ci.toml").runtime == "alpine"
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.goslim: no \[tool.goslim\] table"):
        load_config_file(tmp_path / "pyproject.toml")


def test_merged_puts_the_command_line_on_top():
    base = Config(runtime="alpine", uid=2000)
    assert base.merged(runtime="scratch", uid=None) == Config(runtime="scratch", uid=2000)
    assert base.merged(disable=["GS101"]).disable == frozenset({"GS101"})
    assert base.merged() is not base and base.merged() == base
    with pytest.raises(ConfigError, match="command line: runtime: must be one of"):
        base.merged(runtime="debian")
    with pytest.raises(ConfigError, match="command line: colour: unknown setting"):
        base.merged(colour="red")


def test_config_error_survives_pickling(tmp_path):
    error = pickle.loads(pickle.dumps(ConfigError(tmp_path / "x.toml", "uid", "bad")))
    assert str(error) == f"{tmp_path / 'x.toml'}: uid: bad"


def test_underscore_spellings_are_the_same_keys(tmp_path):
    """goslim's own messages say main_package = "..."; the file may say either."""
    (tmp_path / ".goslim.toml").write_text('main_package = "cmd/a"\nrequire_context = true\nextra-copy = ["/x"]\n')
    config = load_config(dockerfile(tmp_path / "svc"))
    assert (config.main_package, config.require_context, config.extra_copy) == ("cmd/a", True, ("/x",))


def test_context_mappings_are_relative_to_the_config_file(tmp_path):
    (tmp_path / ".goslim.toml").write_text(
        'go-list = "never"\n[[contexts]]\ndockerfile = "deploy/*.Dockerfile"\ncontext = "."\n'
    )
    config = load_config(dockerfile(tmp_path / "deploy"))
    assert config.contexts == ((str(tmp_path), "deploy/*.Dockerfile", "."),)
    assert config.go_list == "never"


@pytest.mark.parametrize(
    "text, key",
    [
        ("contexts = 1\n", "contexts"),
        ('[[contexts]]\ndockerfile = "a"\n', "contexts[1]"),
        ('[[contexts]]\ndockerfile = "a"\ncontext = "."\nother = 1\n', "contexts[1]"),
        ('go-list = "sometimes"\n', "go-list"),
        ('require-context = "yes"\n', "require-context"),
    ],
)
def test_invalid_context_settings(tmp_path, text, key):
    (tmp_path / ".goslim.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(dockerfile(tmp_path / "svc"))
    assert caught.value.key == key
