"""`example-valid`: every `examples` entry validates against the schema that holds it.

An example documents an event (or a property's value); one its own schema rejects misleads
every reader of the docs, and the docs build refuses it. Checking it here tells the author at
lint time, in pre-commit, with jsonschema's best-matching error and where in the example it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import referencing.exceptions
from jsonschema.exceptions import best_match

from registry.checks.lint.checks import Context, Problem
from registry.core.matching import PatternTimeout
from registry.core.model import EventSchema, pointer_join
from registry.core.refs import validator_for


def check_examples(schema: EventSchema, context: Context) -> Iterator[Problem]:
    validator: Any = None
    for pointer, node in context.subschemas(schema):
        examples = node.get("examples")
        if not isinstance(examples, list) or not examples:
            continue
        if validator is None:
            # author text against author patterns: matched in linear time where jsonschema-rs
            # reads the pattern, else within a time budget, never by open-ended backtracking
            validator = validator_for(schema.body, context.references, bounded_patterns=True)
        # the subschema, with `$ref`s still resolved from the schema's root
        here = validator if not pointer else validator.evolve(schema=node)
        for index, example in enumerate(examples):
            try:
                error = best_match(here.iter_errors(example))
            except (referencing.exceptions.Unresolvable, ValueError):
                continue  # `ref-resolves` reports the reference itself
            except PatternTimeout as timeout:
                yield Problem(
                    "example-valid",
                    f"example {index + 1} could not be checked: {timeout.message}",
                    pointer_join(pointer, "examples", index),
                    timeout.hint,
                )
                continue
            if error is None:
                continue
            inside = pointer_join("", *error.absolute_path)
            what = "the event" if not pointer else f"the value at {pointer}"
            yield Problem(
                "example-valid",
                f"example {index + 1} is not valid against {what}: {error.message}"
                + (f" (at {inside} in the example)" if inside else ""),
                pointer_join(pointer, "examples", index),
                "correct the example, or the schema if the example shows what is really sent",
            )
