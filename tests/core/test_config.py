from __future__ import annotations

from pathlib import Path

import pytest

from registry.core.config import ConfigError, Settings, load_settings
from registry.core.model import Mode, Severity


def write(tmp_path: Path, text: str, name: str = "pyproject.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_no_configuration_gives_working_defaults(tmp_path: Path) -> None:
    settings = load_settings(start=tmp_path)
    assert settings == Settings()
    assert settings.base_url.endswith("/")
    assert settings.compatibility is Mode.BACKWARD and settings.policy == "strict"
    assert "user-identifier" in settings.categories


def test_a_pyproject_without_the_table_gives_defaults_rooted_beside_it(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[project]\nname = 'x'\n"))
    assert settings.schema_root == tmp_path / "schemas"
    assert settings.base_url == Settings().base_url


def test_the_nearest_pyproject_above_the_start_folder_is_used(tmp_path: Path) -> None:
    write(tmp_path, '[tool.telemetry-registry]\nbase-url = "https://e.example.com/s"\n')
    (tmp_path / "a" / "b").mkdir(parents=True)
    settings = load_settings(start=tmp_path / "a" / "b")
    assert settings.base_url == "https://e.example.com/s/"


def test_overrides_pick_the_longest_matching_prefix(tmp_path: Path) -> None:
    settings = load_settings(
        write(
            tmp_path,
            """
[tool.telemetry-registry]
compatibility = "forward"
[tool.telemetry-registry.overrides."https://events.example.org/schemas/lab/"]
compatibility = "full"
[tool.telemetry-registry.overrides."https://events.example.org/schemas/lab/cell"]
policy = "lenient"
""",
        )
    )
    assert (
        settings.for_event("https://events.example.org/schemas/other/x").compatibility
        is Mode.FORWARD
    )
    lab = settings.for_event("https://events.example.org/schemas/lab/open")
    assert (lab.compatibility, lab.policy) == (Mode.FULL, "strict")
    cell = settings.for_event("https://events.example.org/schemas/lab/cell")
    assert (cell.compatibility, cell.policy) == (Mode.FORWARD, "lenient")


def test_a_standalone_toml_holds_the_settings_at_its_top_level(tmp_path: Path) -> None:
    path = write(tmp_path, 'schema-root = "events"\n[rules]\ntitle-present = "off"\n', "r.toml")
    settings = load_settings(path)
    assert settings.schema_root == tmp_path / "events"
    assert settings.severity("title-present", Severity.ERROR) is Severity.OFF
    assert settings.severity("metaschema", Severity.ERROR) is Severity.ERROR


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('base-ur = "x"', "unknown key 'base-ur'"),
        ('compatibility = "sideways"', "compatibility must be one of"),
        ('policy = "loose"', "policy must be strict or lenient"),
        ('[tool.telemetry-registry.rules]\nmetaschema = "fatal"', "severity must be error"),
        ("categories = 3", "'categories' must be a list"),
        ("max-file-bytes = 0", "'max-file-bytes' must be a positive integer"),
        ('[tool.telemetry-registry.overrides."x"]\nmode = "full"', "may set only"),
    ],
)
def test_mistakes_are_reported_with_the_file_and_the_key(
    tmp_path: Path, table: str, message: str
) -> None:
    path = write(tmp_path, f"[tool.telemetry-registry]\n{table}\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(write(tmp_path, "[tool\n"))
