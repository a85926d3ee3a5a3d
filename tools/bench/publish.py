"""Benchmark: publish the iglu-central corpus, then time RegistryClient.get() against it.

Run from the project root:  python tools/bench/publish.py [--corpus DIR] [--repeat N]

The corpus is imported with `import-iglu` into a temporary folder. Iglu schemas have no titles,
few descriptions and a few `$ref`s to iglucentral.com, which lint reports as errors; the bench
turns those rules down to warnings (listed in its output) so that the tree can be published.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from registry.checks.lint import lint  # noqa: E402
from registry.client.registry_client import RegistryClient  # noqa: E402
from registry.core.config import Settings  # noqa: E402
from registry.core.model import Severity  # noqa: E402
from registry.publish.serve import RegistryRequestHandler, make_server, server_url  # noqa: E402
from registry.publish.writer import publish, render_registry, write_tree  # noqa: E402
from registry.sources.iglu import import_iglu  # noqa: E402
from registry.sources.tree import load_folder  # noqa: E402

DOWNGRADED = (
    "title-present",
    "description-present",
    "property-description",
    "type-object",
    "reserved-property",
    "ref-in-registry",
    "ref-resolves",
)


class QuietHandler(RegistryRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def summary(samples: list[float], unit: float = 1e3, label: str = "ms") -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered) * unit:8.3f} {label}  "
        f"p95 {p95 * unit:8.3f} {label}  min {ordered[0] * unit:8.3f} {label}  (n={len(ordered)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus", type=Path, default=PROJECT.parent / "shared/corpora/iglu-central"
    )
    parser.add_argument("--repeat", type=int, default=5, help="publish runs (default 5)")
    parser.add_argument("--sample", type=int, default=200, help="schemas fetched (default 200)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    settings = Settings(rules={rule: Severity.WARNING for rule in DOWNGRADED})
    print(f"lint rules downgraded to warning for this corpus: {', '.join(DOWNGRADED)}")
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as scratch:
        work = Path(scratch)
        tree = work / "tree"
        imported = import_iglu(args.corpus, tree, settings.base_url)
        print(f"imported {len(imported.written)} iglu schemas ({len(imported.skipped)} skipped)")

        site = work / "site"
        out = site / "schemas"
        totals, loads, lints, renders, writes = [], [], [], [], []
        for _ in range(args.repeat):
            totals.append(timed(partial(publish, load_folder(tree), settings, out)))
            loads.append(timed(partial(load_folder, tree)))
            snapshot = load_folder(tree)
            lints.append(timed(partial(lint, snapshot, settings)))
            renders.append(timed(partial(render_registry, snapshot, settings.base_url)))
            files = render_registry(snapshot, settings.base_url)
            writes.append(timed(partial(write_tree, files, out)))
        size = sum(len(data) for data in files.values())
        print(
            f"\npublish: {len(snapshot.by_id)} events, {len(snapshot.schemas)} versions, "
            f"{len(files)} files, {size / 1e6:.1f} MB"
        )
        print(f"  publish (load + lint + render + write)  {summary(totals, 1, 's ')}")
        print(f"    load the tree                         {summary(loads, 1, 's ')}")
        print(f"    lint                                  {summary(lints, 1, 's ')}")
        print(f"    render (canonical JSON, sha256)       {summary(renders, 1, 's ')}")
        print(f"    write atomically                      {summary(writes, 1, 's ')}")

        server = make_server(site, 0, handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        url = server_url(server) + "schemas/"
        try:
            bench_client(url, work, sorted(snapshot.by_id), args.sample)
        finally:
            server.shutdown()
            server.server_close()
    return 0


def bench_client(url: str, work: Path, ids: list[str], sample: int) -> None:
    chosen = random.Random(7).sample(ids, min(sample, len(ids)))
    print(f"\nclient against {url} (ThreadingHTTPServer on 127.0.0.1), {len(chosen)} schemas")

    first_gets = []
    for n in range(20):
        fresh = RegistryClient(url, cache_dir=work / f"cold-{n}")
        first_gets.append(timed(partial(fresh.get, chosen[0])))
    print(f"  first get(), empty cache (index + schema)   {summary(first_gets)}")

    cache = work / "cache"
    client = RegistryClient(url, cache_dir=cache, ttl=3600)
    client.index()
    cold = [timed(partial(client.get, schema_id)) for schema_id in chosen]
    print(f"  cold get(), index loaded (one HTTP GET)     {summary(cold)}")
    warm = [timed(partial(client.get, schema_id)) for schema_id in chosen]
    print(f"  warm get(), same client (memory)            {summary(warm)}")
    restarted = RegistryClient(url, cache_dir=cache, ttl=3600)
    restarted.index()
    disk = [timed(partial(restarted.get, schema_id)) for schema_id in chosen]
    print(f"  warm get(), new client (disk cache)         {summary(disk)}")
    revalidating = RegistryClient(url, cache_dir=cache, ttl=0)
    revalidated = [timed(revalidating.index) for _ in range(20)]
    print(f"  index() revalidated (ttl=0, 304)            {summary(revalidated)}")


if __name__ == "__main__":
    sys.exit(main())
