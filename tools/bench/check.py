"""Benchmark `telemetry-registry check` on a large synthetic registry.

Generates (with `git fast-import`, in a temporary folder) a repository of 1,000 commits holding
2,000 schema files (500 events, four versions each), then makes a five-file change in the
working tree (three new versions, one annotation edit, one breaking new major) and times
`check` against `main`, in-process and as a fresh process. It also times reading the version
history of every file (`registry.history`). Run from the repository root:

    python tools/bench/check.py [--commits 1000] [--events 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from registry.cli import main  # noqa: E402
from registry.core.config import load_settings  # noqa: E402
from registry.sources.git import open_repo  # noqa: E402
from registry.sources.history import file_histories  # noqa: E402

BASE_URL = "https://events.example.org/schemas/"
VERSIONS = ("1.0.0", "1.1.0", "1.2.0", "2.0.0")


def schema_text(namespace: str, event: str, version: str, extra: int = 0) -> str:
    """A lint-clean event schema; each minor version adds one optional property."""
    major, minor, _ = (int(part) for part in version.split("."))
    names = ["subject", *[f"field_{n}" for n in range(minor + extra)]]
    if major >= 2:
        names.append("reason")
    properties = "".join(
        f"  {name}:\n    description: The {name.replace('_', ' ')} of the event.\n"
        f"    type: string\n    maxLength: 200\n    categories: [unrestricted]\n"
        for name in names
    )
    required = "[subject, reason]" if major >= 2 else "[subject]"
    return (
        "$schema: https://json-schema.org/draft/2020-12/schema\n"
        f"$id: {BASE_URL}{namespace}/{event}\n"
        f"version: {version}\n"
        f"title: {event.replace('_', ' ').capitalize()}\n"
        f"description: Recorded when {event.replace('_', ' ')} happens in {namespace}.\n"
        "type: object\n"
        "additionalProperties: false\n"
        f"required: {required}\n"
        f"properties:\n{properties}"
    )


def files(events: int) -> Iterator[tuple[str, str]]:
    for index in range(events):
        namespace, event = f"team{index % 20:02d}", f"event_{index:04d}"
        for version in VERSIONS:
            path = f"schemas/{namespace}/{event}/{version}.yaml"
            yield path, schema_text(namespace, event, version)


def fast_import_stream(commits: int, events: int) -> bytes:
    """Spread the files over `commits` commits; the first commit adds the configuration."""
    every = list(files(events))
    chunks: list[bytes] = []
    per_commit = -(-len(every) // (commits - 1))
    config = f'[tool.telemetry-registry]\nbase-url = "{BASE_URL}"\n'.encode()
    batches = [[("pyproject.toml", config.decode())]] + [
        every[start : start + per_commit] for start in range(0, len(every), per_commit)
    ]
    while len(batches) < commits:
        batches.append([("NOTES.md", f"note {len(batches)}\n")])
    for number, batch in enumerate(batches, start=1):
        message = f"commit {number}".encode()
        chunks.append(
            b"commit refs/heads/main\n"
            + f"committer Bench <bench@example.org> {1_700_000_000 + number * 60} +0000\n".encode()
            + f"data {len(message)}\n".encode()
            + message
            + b"\n"
        )
        for path, text in batch:
            data = text.encode()
            chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    return b"".join(chunks)


def make_repository(root: Path, commits: int, events: int) -> None:
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=root,
        input=fast_import_stream(commits, events),
        check=True,
    )
    subprocess.run(["git", "checkout", "--quiet", "main"], cwd=root, check=True)
    subprocess.run(["git", "checkout", "--quiet", "-b", "feature"], cwd=root, check=True)
    schemas = root / "schemas"
    for index, version in ((1, "2.1.0"), (2, "2.1.0"), (3, "2.0.1")):
        event = f"event_{index:04d}"
        path = schemas / f"team{index % 20:02d}" / event / f"{version}.yaml"
        text = schema_text(f"team{index % 20:02d}", event, "2.0.0", extra=int(version[2]))
        path.write_text(text.replace("version: 2.0.0", f"version: {version}"), encoding="utf-8")
    edited = schemas / "team04" / "event_0004" / "2.0.0.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("happens in", "is seen in"), encoding="utf-8"
    )
    breaking = schemas / "team05" / "event_0005" / "3.0.0.yaml"
    text = schema_text("team05", "event_0005", "2.0.0").replace("version: 2.0.0", "version: 3.0.0")
    breaking.write_text(text.replace("maxLength: 200", "maxLength: 20"), encoding="utf-8")


def timed(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        root = Path(folder) / "registry"
        start = time.perf_counter()
        make_repository(root, args.commits, args.events)
        count = subprocess.run(
            ["git", "rev-list", "--count", "main"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        print(
            f"generated {count} commits, {args.events * len(VERSIONS)} schema files "
            f"in {time.perf_counter() - start:.1f} s; 5 files changed in the working tree"
        )
        config = ["--config", str(root / "pyproject.toml"), "check"]
        devnull = open(os.devnull, "w")  # noqa: SIM115 - kept open for the timed calls
        real_stdout = sys.stdout
        try:
            sys.stdout = devnull
            seconds, code = timed(lambda: main(config), args.repeat)
        finally:
            sys.stdout = real_stdout
        print(f"check, in-process:     {seconds:.2f} s (median of {args.repeat}; exit {code})")
        command = [sys.executable, "-m", "registry", *config]
        env = {**os.environ, "PYTHONPATH": str(PROJECT)}
        seconds, done = timed(
            lambda: subprocess.run(command, cwd=root, env=env, capture_output=True, text=True),
            args.repeat,
        )
        print(f"check, fresh process:  {seconds:.2f} s (median of {args.repeat})")
        assert isinstance(done, subprocess.CompletedProcess)
        print("  " + "\n  ".join(done.stdout.strip().splitlines()[-8:]))
        settings = load_settings(root / "pyproject.toml")
        repo = open_repo(root)  # closed when the bench process ends
        seconds, histories = timed(lambda: file_histories(repo, settings), args.repeat)
        assert isinstance(histories, dict)
        print(f"history of every file: {seconds:.2f} s ({len(histories)} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_bench())
