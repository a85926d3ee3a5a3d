"""Lint speed on the iglu-central corpus, beside check-jsonschema on the same files.

Usage: python tools/bench/lint.py [--corpus ../shared/corpora/iglu-central] [--rounds 5]

Imports the corpus into a temporary tree (as `telemetry-registry import-iglu` does), then times:
- lint in-process (load + every rule), best of --rounds;
- `telemetry-registry lint` as a command (start-up included);
- `check-jsonschema --check-metaschema` on the same files (from the `bench` extra), which knows
  only the standard drafts and so checks Iglu's schemas against its default (2020-12).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from registry.checks.lint import lint
from registry.core.config import Settings
from registry.sources.iglu import import_iglu
from registry.sources.tree import iter_schema_files, load_folder

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "iglu-central"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        import_iglu(args.corpus, tree, Settings().base_url)
        files = list(iter_schema_files(tree))
        count = len(files)
        print(f"corpus: {args.corpus} -> {count} schemas")

        best = float("inf")
        findings = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            findings = lint(load_folder(tree), Settings())
            best = min(best, time.perf_counter() - start)
        rules = sorted({f.rule for f in findings})
        print(
            f"telemetry-registry lint (in-process, all rules): {best * 1000:.0f} ms, "
            f"{count / best:,.0f} schemas/s; {len(findings)} findings ({', '.join(rules)})"
        )

        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "registry", "lint", str(tree), "--format", "json"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - start
        print(
            f"telemetry-registry lint (command, start-up included): {elapsed * 1000:.0f} ms, "
            f"{count / elapsed:,.0f} schemas/s"
        )

        checker = shutil.which("check-jsonschema") or str(
            Path(sys.executable).with_name("check-jsonschema")
        )
        if not Path(checker).exists():
            print("check-jsonschema: not installed (pip install -e '.[bench]')")
            return 0
        start = time.perf_counter()
        result = subprocess.run(
            [checker, "--check-metaschema", *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        print(
            f"check-jsonschema --check-metaschema: {elapsed * 1000:.0f} ms, "
            f"{count / elapsed:,.0f} schemas/s; exit {result.returncode}, "
            f"{_failed_files(result.stdout)} files reported invalid "
            "(it reads Iglu's `$schema` as 2020-12; lint reads it as draft 4 and finds none)"
        )
    return 0


def _failed_files(output: str) -> int:
    """Distinct files in check-jsonschema's `  FILE::PATH: message` lines."""
    return len({line.strip().split("::")[0] for line in output.splitlines() if "::" in line})


if __name__ == "__main__":
    sys.exit(main())
