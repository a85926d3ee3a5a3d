"""Version arithmetic behind the bump rules, for all semantic versions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from registry.checks.governance.versions import BUMPS, next_version, satisfies
from registry.core.model import Version

versions = st.builds(
    lambda major, minor, patch: Version.parse(f"{major}.{minor}.{patch}"),
    st.integers(0, 40),
    st.integers(0, 40),
    st.integers(0, 40),
)
bumps = st.sampled_from(["patch", "minor", "major"])


def _kind(before: Version, after: Version) -> str:
    if after.major != before.major:
        return "major"
    return "minor" if after.minor != before.minor else "patch"


@given(versions, bumps)
def test_the_suggested_version_is_greater_and_satisfies_the_required_bump(
    before: Version, required: str
) -> None:
    suggested = Version.parse(next_version(before, required))
    assert suggested > before
    assert satisfies(_kind(before, suggested), required, before)


@given(versions, bumps, bumps)
def test_a_bump_satisfies_every_smaller_requirement(
    before: Version, bump: str, required: str
) -> None:
    if BUMPS.index(bump) >= BUMPS.index(required):
        assert satisfies(bump, required, before)
    elif before.major > 0:
        assert not satisfies(bump, required, before)


def test_while_major_is_zero_a_minor_bump_may_break() -> None:
    zero = Version.parse("0.3.1")
    assert satisfies("minor", "major", zero)
    assert not satisfies("patch", "major", zero)
    assert next_version(zero, "major") == "0.4.0"
    assert not satisfies("minor", "major", Version.parse("1.3.1"))
