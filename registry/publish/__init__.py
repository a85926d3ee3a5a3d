"""The static registry: `writer` publishes a Snapshot atomically, `vendor` copies a published
registry into a folder, `serve` serves one locally. Import the modules directly."""
