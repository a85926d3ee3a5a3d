"""Read a published registry: `RegistryClient(url)` finds schemas by `$id` through its index,
checks each file's digest, caches on disk and serves from the cache when offline.

Every error the client raises is a `ClientError`; `RegistryError` is the root of every error of
the package, so code that catches it here catches them all.
"""

from __future__ import annotations

from registry.client.errors import (
    BadRegistryURL,
    ClientError,
    DigestMismatch,
    InvalidResponse,
    RegistryUnavailable,
    SchemaNotFound,
)
from registry.client.registry_client import RegistryClient
from registry.errors import RegistryError

__all__ = [
    "BadRegistryURL",
    "ClientError",
    "DigestMismatch",
    "InvalidResponse",
    "RegistryClient",
    "RegistryError",
    "RegistryUnavailable",
    "SchemaNotFound",
]
