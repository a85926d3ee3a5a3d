"""Checks on a Snapshot: `lint` (one tree), `governance` (a head against a base) and `review`
(the whole change as data). Import the modules directly."""
