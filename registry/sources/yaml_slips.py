"""Where a YAML slip is, and the likely fix, from PyYAML's error and the text.

PyYAML's errors carry two marks: `problem_mark`, where the parser gave up, and `context_mark`,
where the construct it was reading began. For most slips the problem mark is the offending
token. An unclosed `[`, `{` or quote, or a key without its `:`, is only noticed at the next key
or the end of the file, a line or more later: there the cause is the opening, the context mark.
Imported by `yaml_reader` only when a file fails to parse.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Slip:
    """A parse failure: its 1-based line and column, what is wrong and what to do."""

    line: int | None
    column: int | None
    message: str
    hint: str


def diagnose(error: yaml.MarkedYAMLError, text: str) -> Slip:
    """The position and fix of the slip behind `error` in `text`."""
    problem = error.problem or ""
    context = error.context or ""
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return Slip(None, None, f"invalid YAML: {problem or error}", "fix the YAML syntax")
    opening = error.context_mark
    if opening is not None and "flow" in context and "expected ','" in problem:
        return _flow(mark, opening, text, lines)
    if "flow node" in context and mark.index >= len(text.rstrip()):
        # the file ended inside a `[` or `{`: YAML's marks point at the end, its tokens do not
        unclosed = _last_unclosed_bracket(text)
        if unclosed is not None:
            return _flow(mark, unclosed, text, lines)
    if opening is not None and "quoted scalar" in context and "unexpected end" in problem:
        quote = text[opening.index] if opening.index < len(text) else '"'
        return _at(
            opening,
            f"invalid YAML: the {quote} opened on line {opening.line + 1} is never closed",
            f"close the quote; inside {quote}...{quote}, write a {quote} itself as "
            + ("`''`" if quote == "'" else '`\\"`'),
        )
    if opening is not None and "simple key" in context:
        return _at(
            opening,
            f"invalid YAML: line {opening.line + 1} holds a key without `: ` after it",
            "write `key: value` with a space after the colon, and `- item` with a space "
            "after the dash",
        )
    if "mapping values are not allowed" in problem:
        return _colon(mark, lines)
    if "expected key" in problem or "expected <block end>" in problem:
        return _block(mark, opening, lines)
    if "'-' indicator" in problem:
        return _at(
            mark,
            f"invalid YAML: line {mark.line + 1} is not an item of the list above it",
            "start it with `- `, or indent it less to end the list",
        )
    if "cannot start any token" in problem:
        char = text[mark.index] if mark.index < len(text) else ""
        if char == "\t":
            return _at(
                mark,
                f"invalid YAML: a tab on line {mark.line + 1}",
                "indent with spaces: YAML does not allow tabs for indentation",
            )
        return _at(
            mark,
            f"invalid YAML: {char!r} cannot start a value",
            f'quote the value, e.g. `key: "{char}..."`',
        )
    if "escape" in problem and "quoted scalar" in context:
        return _at(
            mark,
            f"invalid YAML: {problem}",
            "inside double quotes `\\` starts an escape: write `\\\\`, or use single quotes, "
            "where `\\` is itself (as patterns such as '^\\d+$' need)",
        )
    return _at(mark, f"invalid YAML: {problem or context}", "fix the YAML syntax")


def _at(mark: yaml.Mark, message: str, hint: str) -> Slip:
    return Slip(mark.line + 1, mark.column + 1, message, hint)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _flow(mark: yaml.Mark, opening: yaml.Mark, text: str, lines: list[str]) -> Slip:
    """A `[` or `{` never closed (the next block line or the end came first), or a missing `,`."""
    bracket = text[opening.index] if opening.index < len(text) else "["
    closer = "]" if bracket == "[" else "}"
    at_end = mark.index >= len(text.rstrip())
    fell_out = mark.line > opening.line and _indent(lines[mark.line]) <= _indent(
        lines[opening.line]
    )
    if at_end or fell_out:
        return _at(
            opening,
            f"invalid YAML: the `{bracket}` opened on line {opening.line + 1} is never closed",
            f"close it with `{closer}` after its last item, or quote the value if the "
            f"`{bracket}` belongs to the text",
        )
    return _at(
        mark,
        f"invalid YAML: the items of the `{bracket}` opened on line {opening.line + 1} must be "
        "separated by `,`",
        "add the missing `,`, or quote an item that holds a space, `:` or `#`",
    )


def _colon(mark: yaml.Mark, lines: list[str]) -> Slip:
    """A `:` where no key may start: in a plain value, or on a line indented too deep."""
    line = lines[mark.line]
    before = line[: mark.column]
    if ": " in before:  # `key: value: more`: the value holds a `: `
        key, _, value = line.strip().partition(": ")
        return _at(
            mark,
            f"invalid YAML: a second `: ` on line {mark.line + 1}, inside the value of {key!r}",
            f"quote the value: `{key}: {_quoted(value)}`",
        )
    row = next((n for n in range(mark.line - 1, -1, -1) if lines[n].strip()), None)
    if row is not None and _indent(line) <= _indent(lines[row]) and _unspaced(lines[row]):
        # `key:value` on the line before: without a space the colon ends no key, and the
        # plain text runs on into this line
        return Slip(
            row + 1,
            lines[row].index(":") + 1,
            f"invalid YAML: line {row + 1} holds no `key: value`",
            "put a space after the colon (`key: value`), or quote the line's text",
        )
    return Slip(
        mark.line + 1,
        _indent(line) + 1,
        f"invalid YAML: line {mark.line + 1} is indented deeper than a key there may be",
        "indent it like the other keys of its mapping; the line above holds a value, not a mapping",
    )


def _block(mark: yaml.Mark, opening: yaml.Mark | None, lines: list[str]) -> Slip:
    """A line that belongs to no mapping (bad indentation), or text after a finished value."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    if mark.column > _indent(line):
        return _at(
            mark,
            f"invalid YAML: text after the value on line {mark.line + 1}",
            "put the whole value inside its quotes or brackets, or start the next key on a "
            "new line",
        )
    places = []
    row = next((n for n in range(mark.line - 1, -1, -1) if lines[n].strip()), None)
    if row is not None:
        places.append((_indent(lines[row]) + 1, row + 1))
    if opening is not None and all(column != opening.column + 1 for column, _ in places):
        places.append((opening.column + 1, opening.line + 1))
    like = " or ".join(f"to column {column} like line {number}" for column, number in places)
    return _at(
        mark,
        f"invalid YAML: line {mark.line + 1} is indented to column {mark.column + 1}, where no "
        "key of the mappings around it starts",
        f"indent it with spaces {like or 'like the keys it belongs with'}",
    )


def _last_unclosed_bracket(text: str) -> yaml.Mark | None:
    """Where the innermost `[` or `{` still open when YAML's scanner stops begins."""
    opened: list[yaml.Mark] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append(token.start_mark)
            elif opened and isinstance(
                token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
            ):
                opened.pop()
    except yaml.YAMLError:
        pass
    return opened[-1] if opened else None


def _unspaced(line: str) -> bool:
    """Whether `line` has a `:` but none that ends a key."""
    text = line.rstrip()
    return ":" in text and ": " not in text and not text.endswith(":")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
