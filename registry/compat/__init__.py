"""Schema compatibility: a sound JSON Schema diff with Confluent-style modes."""

from __future__ import annotations
