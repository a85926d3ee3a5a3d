"""Benchmark the compatibility engine on every consecutive version pair of iglu-central.

    python tools/bench/compat.py [--corpus DIR] [--repeat N] [--no-witness] [--with-peers]

The corpus is imported with `import-iglu` into a temporary folder, so the pairs are compared
as this registry stores them, with `$ref`s resolved through the registry of all of them. Each
pair is compared in full (both directions, every change explained, a witness searched for every
incompatible pair); the figures are pairs per second over the whole run, the slowest pair, and
how the verdicts fall by Iglu's bump kind (ADDITION is meant to be backward-compatible with all
historical data, REVISION and MODEL are not).

`--with-peers` installs jsoncompat and Karapace into a separate virtualenv under /tmp and times
their checkers on the same pairs in the same run; a peer that cannot be installed is reported.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from registry.cli import main as cli_main  # noqa: E402
from registry.compat import check  # noqa: E402
from registry.core.model import EventSchema, Mode  # noqa: E402
from registry.core.refs import build_registry  # noqa: E402
from registry.sources.tree import load_folder  # noqa: E402

BASE_URL = "https://events.example.org/schemas/"
PEER_VENV = Path(tempfile.gettempdir()) / "telemetry-registry-compat-peers"


def load_pairs(
    corpus: Path, dest: Path
) -> tuple[list[tuple[dict[str, Any], EventSchema, EventSchema]], Any]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["import-iglu", str(corpus), str(dest), "--base-url", BASE_URL])
    if code != 0:
        raise SystemExit(f"import-iglu failed with exit code {code}")
    snapshot = load_folder(dest)
    by_path = {str(s.rel_path): s for s in snapshot.schemas}
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    pairs = []
    for pair in manifest["version_pairs"]:
        old = by_path[_path(pair["vendor"], pair["name"], pair["from"])]
        new = by_path[_path(pair["vendor"], pair["name"], pair["to"])]
        pairs.append((pair, old, new))
    return pairs, build_registry(snapshot.schemas, base_url=BASE_URL)


def _path(vendor: str, name: str, schemaver: str) -> str:
    return f"{vendor}/{name}/{schemaver.replace('-', '.')}.json"


def run_engine(
    pairs: list[tuple[dict[str, Any], EventSchema, EventSchema]], registry: Any, witness: bool
) -> tuple[float, list[float], list[Any]]:
    times: list[float] = []
    reports = []
    start = time.perf_counter()
    for _, old, new in pairs:
        began = time.perf_counter()
        report = check(
            old.body,
            new.body,
            mode=Mode.BACKWARD,
            old_registry=registry,
            new_registry=registry,
            witness=witness,
        )
        times.append(time.perf_counter() - began)
        reports.append(report)
    return time.perf_counter() - start, times, reports


_PEER_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    peer, path = sys.argv[1], sys.argv[2]
    pairs = json.load(open(path))
    if peer == "jsoncompat":
        import jsoncompat
        # jsoncompat reads 2020-12 only and takes an absolute `$id` for a remote reference:
        # it is given the schemas without their draft-4 `$schema` and their `$id`
        def compare(old, new):
            old = {k: v for k, v in old.items() if k not in ("$schema", "$id")}
            new = {k: v for k, v in new.items() if k not in ("$schema", "$id")}
            return jsoncompat.check_compat(json.dumps(old), json.dumps(new), "deserializer")
    else:
        from jsonschema import Draft7Validator
        from karapace.compatibility.jsonschema.checks import compatibility
        def compare(old, new):
            return compatibility(Draft7Validator(old), Draft7Validator(new))
    failures = compatible = 0
    start = time.perf_counter()
    slowest = 0.0
    for old, new in pairs:
        began = time.perf_counter()
        try:
            compatible += bool(compare(old, new))
        except Exception:
            failures += 1
        slowest = max(slowest, time.perf_counter() - began)
    total = time.perf_counter() - start
    result = {"total": total, "slowest": slowest, "failures": failures, "compatible": compatible}
    print(json.dumps(result))
    """
)


def run_peers(pairs: list[tuple[dict[str, Any], EventSchema, EventSchema]]) -> None:
    print("\npeers (same pairs, same run):")
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    data = Path(tempfile.mkdtemp()) / "pairs.json"
    data.write_text(json.dumps([[dict(o.body), dict(n.body)] for _, o, n in pairs]))
    script = data.with_name("peer.py")
    script.write_text(_PEER_SCRIPT)
    for peer, package in (("jsoncompat", "jsoncompat"), ("karapace", "karapace")):
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", package],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            reason = (installed.stderr.strip().splitlines() or ["unknown error"])[-1]
            print(f"  {peer}: could not be installed from PyPI here ({reason})")
            continue
        result = subprocess.run(
            [str(python), str(script), peer, str(data)], capture_output=True, text=True
        )
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
            print(f"  {peer}: installed but its checker could not be run ({reason})")
            continue
        figures = json.loads(result.stdout)
        rate = len(pairs) / figures["total"] if figures["total"] else float("inf")
        print(
            f"  {peer}: {rate:,.0f} pairs/s, slowest pair {figures['slowest'] * 1000:.1f} ms; "
            f"{figures['compatible']} pairs backward-compatible, {figures['failures']} raised"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus", type=Path, default=PROJECT.parent / "shared" / "corpora" / "iglu-central"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is reported)")
    parser.add_argument("--no-witness", action="store_true", help="skip the witness search")
    parser.add_argument("--with-peers", action="store_true", help="also time jsoncompat, Karapace")
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.json").is_file():
        print(f"no iglu-central corpus at {args.corpus}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        pairs, registry = load_pairs(args.corpus, Path(folder))
        run_engine(pairs, registry, not args.no_witness)  # warm up caches and imports
        runs = [run_engine(pairs, registry, not args.no_witness) for _ in range(args.repeat)]
    total, _times, reports = min(runs, key=lambda run: run[0])
    per_pair = [statistics.median(run[1][i] for run in runs) for i in range(len(pairs))]
    slowest = max(range(len(pairs)), key=lambda i: per_pair[i])
    pair = pairs[slowest][0]
    print(f"iglu-central: {len(pairs)} consecutive version pairs, all compared without error")
    print(
        f"engine: {len(pairs) / total:,.0f} pairs/s (best of {args.repeat} runs: "
        f"{total * 1000:.0f} ms), witnesses {'on' if not args.no_witness else 'off'}"
    )
    print(
        f"slowest pair: {per_pair[slowest] * 1000:.1f} ms "
        f"({pair['vendor']}/{pair['name']} {pair['from']} -> {pair['to']}); "
        f"median {statistics.median(per_pair) * 1000:.2f} ms"
    )
    table: Counter[tuple[str, str]] = Counter()
    witnesses = incompatible = 0
    for (pair, _, _), report in zip(pairs, reports, strict=True):
        verdict = "backward-compatible" if report.compatible else "breaking"
        table[pair["bump"], verdict] += 1
        if not report.compatible:
            incompatible += 1
            witnesses += report.witness is not None
    print("\nverdicts by Iglu bump (strict policy, backward):")
    for bump in ("ADDITION", "REVISION", "MODEL"):
        compatible, breaking = table[bump, "backward-compatible"], table[bump, "breaking"]
        print(f"  {bump:<9} {compatible:>3} backward-compatible, {breaking:>3} breaking")
    print(f"witness found for {witnesses} of {incompatible} breaking pairs")
    reasons: Counter[str] = Counter()
    for (pair, _, _), report in zip(pairs, reports, strict=True):
        if pair["bump"] == "ADDITION" and not report.compatible:
            for change in report.changes:
                if Mode.BACKWARD in change.breaks:
                    reasons[change.type] += 1
    if reasons:
        print("why ADDITION pairs break (change types):")
        for name, count in reasons.most_common():
            print(f"  {count:>3} {name}")
    if args.with_peers:
        run_peers(pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
