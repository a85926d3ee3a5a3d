"""telemetry-registry: versioned event schemas, governed in git, published, and recorded."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
