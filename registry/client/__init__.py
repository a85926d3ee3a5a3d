"""Read a published registry: `RegistryClient(url)` finds schemas by `$id` through its index,
checks each file's digest, caches on disk and serves from the cache when offline."""

from __future__ import annotations

from registry.client.registry_client import (
    DigestMismatch,
    InvalidResponse,
    RegistryClient,
    RegistryError,
    RegistryUnavailable,
    SchemaNotFound,
)

__all__ = [
    "DigestMismatch",
    "InvalidResponse",
    "RegistryClient",
    "RegistryError",
    "RegistryUnavailable",
    "SchemaNotFound",
]
