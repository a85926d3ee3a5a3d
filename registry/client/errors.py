"""What can go wrong reading a published registry; each error carries its URL and reason."""

from __future__ import annotations

from registry.core.suggest import closest
from registry.errors import EXIT_USAGE, RegistryError


class ClientError(RegistryError):
    """Any failure to read a schema from a registry."""


class BadRegistryURL(ClientError, ValueError):
    """A registry URL the client cannot read from: not http(s)://, file:// or a folder."""

    exit_code = EXIT_USAGE

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url!r}: {reason}")


class RegistryUnavailable(ClientError):
    """The registry could not be read and the cache holds no usable copy.

    `timed_out`: the registry did not answer in time (it may be slow rather than down).
    """

    def __init__(self, url: str, reason: str, *, timed_out: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.timed_out = timed_out
        super().__init__(
            f"cannot read {url}: {reason}",
            "check the registry URL and the network; schemas fetched once before are served "
            "from the cache",
        )


class InvalidResponse(ClientError):
    """The registry answered with something that is not what a published registry serves."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            f"{url} is not a usable registry file: {reason}",
            "check that the client's URL is the folder that holds index.json, and republish "
            "the registry if its files are damaged",
        )


class DigestMismatch(ClientError):
    """A schema's bytes differ from the sha256 the index lists; the schema was not used."""

    def __init__(self, url: str, expected: str, actual: str) -> None:
        self.url = url
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{url} has sha256 {actual} but the index lists {expected}: the file was changed "
            "after publishing or damaged in transit",
            "republish the registry, or read it from its original location instead of this copy",
        )


class SchemaNotFound(ClientError, LookupError):
    """Neither the registry nor the cache has this schema version; `reason` says why.

    The cause is data: `listed` holds the index's events when it lists no such `$id`,
    `versions` the event's versions when it lists no such version, and `unreachable` says the
    registry could not be read (nor the cache).
    """

    def __init__(
        self,
        schema_id: str,
        version: str | None,
        url: str,
        reason: str,
        *,
        listed: tuple[str, ...] = (),
        versions: tuple[str, ...] = (),
        unreachable: bool = False,
    ) -> None:
        self.schema_id = schema_id
        self.version = version
        self.url = url
        self.reason = reason
        self.listed = listed
        self.versions = versions
        self.unreachable = unreachable
        which = f"version {version} of " if version else ""
        super().__init__(f"{which}{schema_id} is not available from {url}: {reason}", _hint(self))


def _hint(error: SchemaNotFound) -> str:
    """What to do about a schema the registry did not provide, by cause."""
    if error.listed:
        close = closest(error.schema_id, error.listed)
        guess = f"did you mean {close}? " if close else ""
        return f"{guess}check the `$id`, or publish the registry again if the event is new"
    if error.versions:
        return "ask for one of those versions"
    if error.unreachable:
        return (
            "check the registry URL and the network; a schema read once is served from the "
            "cache when the registry cannot be reached"
        )
    return ""
