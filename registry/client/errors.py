"""What can go wrong reading a published registry; each error carries its URL and reason."""

from __future__ import annotations

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
    """The registry could not be read and the cache holds no usable copy."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
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
    """Neither the registry nor the cache has this schema version; `reason` says why."""

    def __init__(self, schema_id: str, version: str | None, url: str, reason: str) -> None:
        self.schema_id = schema_id
        self.version = version
        self.url = url
        self.reason = reason
        which = f"version {version} of " if version else ""
        super().__init__(f"{which}{schema_id} is not available from {url}: {reason}")
