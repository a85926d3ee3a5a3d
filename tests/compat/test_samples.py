"""Sample values: each format sample passes its format's checker, one probe per JSON type."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from registry.compat.samples import FORMATS, PROBES
from registry.compat.values import ALL_TYPES, FRACTION, value_atom
from registry.core.dialects import dialect_or_default

CHECKED = sorted(set(FORMATS) & set(Draft202012Validator.FORMAT_CHECKER.checkers))


def test_the_installed_checkers_cover_some_samples() -> None:
    assert {"date", "email", "ipv4", "ipv6", "uuid"} <= set(CHECKED)


@pytest.mark.parametrize("name", CHECKED)
def test_each_checked_format_sample_passes_its_checker(name: str) -> None:
    validator = Draft202012Validator(
        {"format": name}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert validator.is_valid(FORMATS[name])
    if name != "regex":  # any text without special characters is a regular expression
        assert not validator.is_valid("not a " + name)


def test_the_probes_hold_one_value_of_each_json_type_but_a_fraction() -> None:
    dialect = dialect_or_default({})
    atoms = [value_atom(value, dialect) for value in PROBES]
    assert len(set(atoms)) == len(PROBES)
    assert set(atoms) == ALL_TYPES - {FRACTION}
