from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.core.model import Version, VersionError, VersionStyle


def test_integer_and_semver_versions_parse_with_their_style() -> None:
    assert Version.parse(3).style is VersionStyle.INTEGER
    assert Version.parse("3").style is VersionStyle.INTEGER
    assert Version.parse("1.2.0").style is VersionStyle.SEMVER
    assert str(Version.parse("1.2.0")) == "1.2.0"
    assert Version.parse("1.2.0").body_value == "1.2.0"
    assert Version.parse(2).body_value == 2


@pytest.mark.parametrize("bad", [True, -1, 1.5, "1.2", "v1", "1.0.0+build", "", None, "01"])
def test_values_that_are_not_versions_are_refused(bad: object) -> None:
    with pytest.raises(VersionError):
        Version.parse(bad)


def test_integers_order_as_major_versions_and_prereleases_before_releases() -> None:
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0", "1.4.0", "2", "2.0.1"]
    versions = [Version.parse(v) for v in ordered]
    assert sorted(reversed(versions)) == versions


@given(st.tuples(*[st.integers(0, 50)] * 3), st.tuples(*[st.integers(0, 50)] * 3))
def test_semver_order_is_tuple_order(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
    left = Version.parse(".".join(map(str, a)))
    right = Version.parse(".".join(map(str, b)))
    assert (left < right) == (a < b)
    assert (left == right) == (a == b)
