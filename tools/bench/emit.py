"""How fast events are recorded: registry.EventLog against its peers and the no-validation floor.

Every contender records the same realistic 8-property event, valid against the same schema,
to a `logging.FileHandler`, in one run of this script:

- the floor: build the envelope, `json.dumps` it, `Logger.info` to the file handler, no
  validation (what a plain logging-based event log pays);
- the lean floor: EventLog's own writing path (envelope, encoder, records, dispatch) with
  no checks and no validation, so that the difference to EventLog is what validating costs;
- `registry.EventLog`, validation on, with a schema that declares no categories and with one
  that does (the personal-data filter, compiled per schema version and policy, then writes
  `path` as null; goal: at least 90% of the throughput without categories), and with the schema
  left open (no `additionalProperties: false`), whose events are walked for the depth limit
  (`max_event_depth`) before validation; the closed schema bounds depth, so its events are not;
- `registry.EventLog` reading the same schema from `registry_url`: a registry published into a
  temporary folder and served over HTTP on 127.0.0.1. Its steady state must stay within 5% of
  the locally registered schema's; the cold first event (index and schema fetched, verified,
  compiled) is timed separately, with a fresh EventLog and an empty cache each time;
- `jupyter_events` and `jupyter_telemetry`, run in their own virtualenv (they pin other
  versions of our dependencies); `--install-peers` creates it under the user cache folder.

    python tools/bench/emit.py [--install-peers] [-n EVENTS] [--seconds CAP] [--rounds N]
                               [--cold-rounds N]
    python tools/bench/emit.py --memory [-n 1000000]   # RSS while recording a million events

Each contender records `-n` events or stops at `--seconds`, whichever comes first (the
slowest peer records about a thousand events a second). Contenders take turns for `--rounds`
rounds and the best round of each is shown, so that other work on the machine weighs on
all of them alike. Figures are events per second.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
PEERS = {"jupyter_events": "0.12.1", "jupyter_telemetry": "0.1.0"}
TARGET = 80_000
REGISTRY_TOLERANCE = 0.05
CATEGORIES_GOAL = 0.90
"""The personal-data filter's share: with categories, at least this much of the rate without."""
SCHEMA_ID = "https://events.example.org/schemas/bench/file-opened"

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": SCHEMA_ID,
    "version": 1,
    "title": "File opened",
    "description": "A user opened a file in the editor.",
    "type": "object",
    "additionalProperties": False,
    "required": ["session_id", "user_id", "path", "action", "duration_ms", "success"],
    "properties": {
        "session_id": {
            "title": "Session",
            "description": "The editor session, a UUID.",
            "type": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        },
        "user_id": {
            "title": "User",
            "description": "The user's opaque id.",
            "type": "string",
            "maxLength": 64,
        },
        "path": {
            "title": "Path",
            "description": "The file's path within the workspace.",
            "type": "string",
            "maxLength": 4096,
        },
        "action": {
            "title": "Action",
            "description": "How the file was opened.",
            "enum": ["open", "open-readonly", "preview"],
        },
        "duration_ms": {
            "title": "Duration",
            "description": "Time to open, in milliseconds.",
            "type": "number",
            "minimum": 0,
        },
        "success": {"title": "Success", "description": "Whether it opened.", "type": "boolean"},
        "size_bytes": {
            "title": "Size",
            "description": "The file's size in bytes.",
            "type": "integer",
            "minimum": 0,
        },
        "tags": {
            "title": "Tags",
            "description": "Labels of the file's kind.",
            "type": "array",
            "items": {"type": "string", "maxLength": 32},
            "maxItems": 16,
        },
    },
}
CATEGORIES = {
    "session_id": ["unrestricted"],
    "user_id": ["user-identifier"],
    "path": ["user-identifiable-information"],
    "action": ["action"],
    "duration_ms": ["unrestricted"],
    "success": ["unrestricted"],
    "size_bytes": ["unrestricted"],
    "tags": ["unrestricted"],
}
EVENT: dict[str, Any] = {
    "session_id": "3b241101-e2bb-4255-8caf-4136c566a962",
    "user_id": "u-5f1c2a",
    "path": "notebooks/analysis/2024-q3.ipynb",
    "action": "open",
    "duration_ms": 12.5,
    "success": True,
    "size_bytes": 48213,
    "tags": ["notebook", "python"],
}

Recorder = Callable[[dict[str, Any]], object]
CLEANUPS: list[Callable[[], None]] = []
"""Run after each measurement: stops what a contender started (the registry's server)."""


def file_handler(folder: Path, name: str) -> logging.FileHandler:
    return logging.FileHandler(folder / f"{name}.jsonl", encoding="utf-8")


def floor(folder: Path) -> Recorder:
    """Envelope, json.dumps and a file handler: no validation, nothing more."""
    handler = file_handler(folder, "floor")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.Logger("bench.floor", logging.INFO)
    logger.addHandler(handler)

    def record(event: dict[str, Any]) -> None:
        capsule = {
            "__timestamp__": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "__schema__": SCHEMA_ID,
            "__schema_version__": 1,
            "__metadata_version__": 1,
        }
        capsule.update(event)
        logger.info(json.dumps(capsule))

    return record


def lean_floor(folder: Path) -> Recorder:
    """EventLog's own envelope, encoder and record dispatch, without checks or validation."""
    sys.path.insert(0, str(PROJECT))
    from registry.eventlog.envelope import envelope, to_line, utc_now
    from registry.eventlog.loglines import EventLineFormatter, RecordFactory, dispatch

    handler = file_handler(folder, "lean-floor")
    handler.setFormatter(EventLineFormatter())
    handlers = [handler]
    records = RecordFactory("bench.lean")

    def record(event: dict[str, Any]) -> None:
        timestamp, now_ns = utc_now()
        dispatch(handlers, records.make(to_line(envelope(SCHEMA_ID, 1, event, timestamp)), now_ns))

    return record


def ours(folder: Path, *, categories: bool = False, open_content: bool = False) -> Recorder:
    sys.path.insert(0, str(PROJECT))
    from registry import EventLog

    schema = copy.deepcopy(SCHEMA)
    if open_content:
        del schema["additionalProperties"]
    allowed: Any = [SCHEMA_ID]
    if categories:
        for name, labels in CATEGORIES.items():
            schema["properties"][name]["categories"] = labels
        allowed = {SCHEMA_ID: {"allowed_categories": ["user-identifier", "action"]}}
    name = "ours-categories" if categories else "ours-open" if open_content else "ours"
    eventlog = EventLog(handlers=[file_handler(folder, name)], allowed_schemas=allowed)
    eventlog.register_schema(schema)

    def record(event: dict[str, Any]) -> object:
        return eventlog.record_event(SCHEMA_ID, 1, event)

    return record


def served_registry(folder: Path) -> str:
    """Publish SCHEMA as a registry under `folder`, serve it on 127.0.0.1; return its URL."""
    import threading

    sys.path.insert(0, str(PROJECT))
    from registry.core.config import Settings
    from registry.publish.serve import RegistryRequestHandler, make_server, server_url
    from registry.publish.writer import publish
    from registry.sources.tree import load_folder

    tree = folder / "tree" / "bench" / "file-opened"
    tree.mkdir(parents=True)
    (tree / "1.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    publish(load_folder(folder / "tree"), Settings(), folder / "site" / "schemas")
    quiet = type("Quiet", (RegistryRequestHandler,), {"log_message": lambda *args: None})
    server = make_server(folder / "site", handler=quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    CLEANUPS.append(stop)
    return server_url(server) + "schemas/"


def ours_from_registry(folder: Path, url: str | None = None) -> Recorder:
    """EventLog with the schema read from a served registry on first use, not registered."""
    sys.path.insert(0, str(PROJECT))
    from registry import EventLog

    eventlog = EventLog(
        handlers=[file_handler(folder, "ours-registry")],
        allowed_schemas=[SCHEMA_ID],
        registry_url=url or served_registry(folder),
        registry_cache_dir=str(folder / "cache"),
    )

    def record(event: dict[str, Any]) -> object:
        return eventlog.record_event(SCHEMA_ID, 1, event)

    return record


def cold_first_event(rounds: int) -> list[float]:
    """Seconds to record the first event with an empty cache: fetch, verify, compile, write."""
    timings = []
    with tempfile.TemporaryDirectory() as temporary:
        url = served_registry(Path(temporary) / "registry")
        ours_from_registry(Path(temporary), url)(EVENT)  # imports and first-use costs paid once
        for round_ in range(rounds):
            folder = Path(temporary) / f"cold-{round_}"
            folder.mkdir()
            record = ours_from_registry(folder, url)
            start = time.perf_counter()
            record(EVENT)
            timings.append(time.perf_counter() - start)
        run_cleanups()
        logging.shutdown()
    return timings


def run_cleanups() -> None:
    while CLEANUPS:
        CLEANUPS.pop()()


def jupyter_events(folder: Path) -> Recorder:
    from jupyter_events import EventLogger  # type: ignore[import-not-found]

    logger = EventLogger(handlers=[file_handler(folder, "jupyter_events")])
    logger.register_event_schema({**SCHEMA, "version": "1"})  # it requires a string version

    def record(event: dict[str, Any]) -> object:
        return logger.emit(schema_id=SCHEMA_ID, data=event)

    return record


def jupyter_telemetry(folder: Path) -> Recorder:
    from jupyter_telemetry.eventlog import EventLog  # type: ignore[import-not-found]

    eventlog = EventLog(
        handlers=[file_handler(folder, "jupyter_telemetry")], allowed_schemas=[SCHEMA_ID]
    )
    eventlog.register_schema(copy.deepcopy(SCHEMA))

    def record(event: dict[str, Any]) -> object:
        return eventlog.record_event(SCHEMA_ID, 1, event)

    return record


CONTENDERS: dict[str, Callable[[Path], Recorder]] = {
    "floor": floor,
    "lean-floor": lean_floor,
    "ours": ours,
    "ours-categories": lambda folder: ours(folder, categories=True),
    "ours-open": lambda folder: ours(folder, open_content=True),
    "ours-registry": ours_from_registry,
    "jupyter_events": jupyter_events,
    "jupyter_telemetry": jupyter_telemetry,
}


OURS = ("floor", "lean-floor", "ours", "ours-categories", "ours-open", "ours-registry")


def measure(name: str, events: int, seconds: float) -> dict[str, Any]:
    """Record up to `events` events (or for `seconds`) and check every line was written."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        record = CONTENDERS[name](folder)
        for _ in range(200):  # warm up: first-call caches, file opening
            record(EVENT)
        deadline = time.perf_counter() + seconds
        done = 0
        cpu = time.process_time()
        start = time.perf_counter()
        while done < events:
            for _ in range(100):
                record(EVENT)
            done += 100
            if time.perf_counter() > deadline:
                break
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        run_cleanups()
        logging.shutdown()
        (written,) = folder.glob("*.jsonl")
        with written.open(encoding="utf-8") as lines:
            count = sum(1 for _ in lines)
            lines.seek(0)
            first = json.loads(lines.readline())
        if count != done + 200 or first.get("session_id") != EVENT["session_id"]:
            raise SystemExit(f"{name}: wrote {count} lines for {done + 200} events: {first}")
    return {
        "name": name,
        "events": done,
        "seconds": elapsed,
        "per_second": done / elapsed,
        "cpu_per_event": cpu / done,
    }


def peer_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def default_venv() -> Path:
    override = os.environ.get("TELEMETRY_REGISTRY_BENCH_VENV")
    if override:
        return Path(override)
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("telemetry-registry")) / "bench-peers"
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path(tempfile.gettempdir()) / "telemetry-registry-bench-peers"


def install_peers(venv: Path) -> None:
    print(f"installing {', '.join(f'{n}=={v}' for n, v in PEERS.items())} into {venv}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    packages = [f"{name}=={version}" for name, version in PEERS.items()]
    subprocess.run(
        [str(peer_python(venv)), "-m", "pip", "install", "--quiet", *packages], check=True
    )


def run_peer(venv: Path, name: str, events: int, seconds: float) -> dict[str, Any] | None:
    python = peer_python(venv)
    if not python.exists():
        return None
    done = subprocess.run(
        [str(python), __file__, "--contender", name, "-n", str(events), "--seconds", str(seconds)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(f"{name}: failed in {venv}:\n{done.stderr.strip()}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(done.stdout)
    version = subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
        capture_output=True,
        text=True,
        check=True,
    )
    result["name"] = f"{name} {version.stdout.strip()}"
    return result


def speed(arguments: argparse.Namespace) -> int:
    venv = arguments.peers_venv or default_venv()
    if arguments.install_peers and not peer_python(venv).exists():
        install_peers(venv)
    rounds: dict[str, list[dict[str, Any]]] = {}
    for _ in range(arguments.rounds):  # interleaved, so that a busy moment hits every contender
        for name in OURS:
            rounds.setdefault(name, []).append(measure(name, arguments.events, arguments.seconds))
        for peer in PEERS:
            result = run_peer(venv, peer, arguments.events, arguments.seconds)
            if result is not None:
                rounds.setdefault(peer, []).append(result)
    results = {
        name: max(measured, key=lambda result: result["per_second"])
        for name, measured in rounds.items()
    }
    floor_rate = results["floor"]["per_second"]
    ours_rate = results["ours"]["per_second"]
    labels = {
        "floor": "no-validation floor (envelope + json.dumps + FileHandler)",
        "lean-floor": "EventLog's own writing path, no checks or validation",
        "ours": "registry.EventLog (validation on)",
        "ours-categories": "registry.EventLog (validation + categories filter)",
        "ours-open": "registry.EventLog, open schema (depth checked per event)",
        "ours-registry": "registry.EventLog, schema from registry_url (HTTP)",
    }
    print(
        f"emit benchmark: one 8-property event, FileHandler, Python {sys.version.split()[0]}, "
        f"up to {arguments.events:,} events or {arguments.seconds:g} s each, "
        f"best of {arguments.rounds} interleaved rounds"
    )
    print(f"{'contender':<58} {'events':>9} {'events/s':>10} {'vs floor':>9} {'ours is':>9}")
    for key, result in results.items():
        rate = result["per_second"]
        print(
            f"{labels.get(key, result['name']):<58} {result['events']:>9,} {rate:>10,.0f} "
            f"{rate / floor_rate:>8.2f}x {ours_rate / rate:>8.1f}x"
        )
    missing = [peer for peer in PEERS if peer not in results]
    if missing:
        print(f"peers not run ({', '.join(missing)}): use --install-peers to set up {venv}")
    verdict = "met" if ours_rate >= TARGET else "NOT met"
    print(f"target registry.EventLog >= {TARGET:,} events/s with validation: {verdict}")
    print(f"floor / registry.EventLog = {floor_rate / ours_rate:.2f} (goal: at most 1.5)")
    lean_rate = results["lean-floor"]["per_second"]
    print(f"checks + validation cost {1e6 / ours_rate - 1e6 / lean_rate:.2f} us per event")
    registry_rate = results["ours-registry"]["per_second"]
    ratio = registry_rate / ours_rate
    verdict = "met" if ratio >= 1 - REGISTRY_TOLERANCE else "NOT met"
    print(
        f"registry_url steady state: {ratio:.1%} of the locally registered schema's throughput "
        f"(goal: at least {1 - REGISTRY_TOLERANCE:.0%}): {verdict}"
    )
    ratio = results["ours-categories"]["per_second"] / ours_rate
    cpu_ratio = min(r["cpu_per_event"] for r in rounds["ours"]) / min(
        r["cpu_per_event"] for r in rounds["ours-categories"]
    )
    verdict = "met" if max(ratio, cpu_ratio) >= CATEGORIES_GOAL else "NOT met"
    print(
        f"categories filter: {ratio:.1%} of the throughput without categories, {cpu_ratio:.1%} "
        f"by CPU time (steadier on a busy machine) (goal: at least {CATEGORIES_GOAL:.0%}): "
        f"{verdict}"
    )
    accepted, rejected = rejection_cost()
    print(
        f"record_event against pattern {BACKTRACKING!r}, value 'a' * {HOSTILE_LENGTH}: accepted "
        f"{accepted:.1f} us, rejected (with '!', jsonschema's error) {rejected:.1f} us "
        f"= {rejected / accepted:.1f}x"
    )
    cold = [seconds * 1e3 for seconds in sorted(cold_first_event(arguments.cold_rounds))]
    print(
        f"registry_url cold first event (fetch index + schema, verify, compile, write), "
        f"{len(cold)} fresh EventLogs with empty caches: median {cold[len(cold) // 2]:.1f} ms, "
        f"min {cold[0]:.1f} ms, max {cold[-1]:.1f} ms"
    )
    return 0


BACKTRACKING = "^(a+)+$"
HOSTILE_LENGTH = 40
"""Python's re would take hours on 'a' * 40 + '!' against BACKTRACKING."""


def rejection_cost(repeat: int = 2_000) -> tuple[float, float]:
    """Microseconds per record_event of an accepted value and of a rejected, hostile one."""
    sys.path.insert(0, str(PROJECT))
    import jsonschema

    from registry import EventLog

    schema_id = "https://events.example.org/schemas/bench/patterned"
    eventlog = EventLog(handlers=[logging.NullHandler()], allowed_schemas=[schema_id])
    eventlog.register_schema(
        {
            "$id": schema_id,
            "version": 1,
            "type": "object",
            "properties": {"word": {"type": "string", "pattern": BACKTRACKING}},
        }
    )

    def per_event(value: str) -> float:
        start = time.perf_counter()
        for _ in range(repeat):
            with contextlib.suppress(jsonschema.ValidationError):
                eventlog.record_event(schema_id, 1, {"word": value})
        return (time.perf_counter() - start) / repeat * 1e6

    good, bad = "a" * HOSTILE_LENGTH, "a" * HOSTILE_LENGTH + "!"
    per_event(good), per_event(bad)  # warm up: compiled validators, pattern caches
    return min(per_event(good) for _ in range(3)), min(per_event(bad) for _ in range(3))


def rss_bytes() -> int:
    """The resident set size now (Linux), or the peak where /proc is absent."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory(arguments: argparse.Namespace) -> int:
    """Record a million varied events through a categories schema; print RSS as it goes."""
    sys.path.insert(0, str(PROJECT))
    from registry import EventLog

    schema = copy.deepcopy(SCHEMA)
    for name, labels in CATEGORIES.items():
        schema["properties"][name]["categories"] = labels
    handler = logging.FileHandler(os.devnull)
    eventlog = EventLog(
        handlers=[handler],
        allowed_schemas={SCHEMA_ID: {"allowed_categories": ["user-identifier", "action"]}},
    )
    eventlog.register_schema(schema)
    total = arguments.events
    step = max(total // 10, 1)
    print(f"memory benchmark: {total:,} varied events through registry.EventLog to {os.devnull}")
    print(f"{'events':>10} {'RSS MiB':>9}")
    samples: list[int] = []
    session = str(uuid.uuid4())
    for count in range(1, total + 1):
        eventlog.record_event(
            SCHEMA_ID,
            1 if count % 2 else "1",
            {
                **EVENT,
                "session_id": session,
                "user_id": f"u-{count}",
                "path": f"notebooks/{count % 997}/{count}.ipynb",
                "size_bytes": count,
                "tags": [f"t{count % 13}"],
            },
        )
        if count % step == 0:
            samples.append(rss_bytes())
            print(f"{count:>10,} {samples[-1] / 2**20:>9.1f}")
    growth = (samples[-1] - samples[0]) / 2**20
    print(f"growth after the first {step:,} events: {growth:+.1f} MiB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--events", type=int, help="events per contender")
    parser.add_argument("--seconds", type=float, default=3.0, help="time cap per contender")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best is shown")
    parser.add_argument(
        "--cold-rounds", type=int, default=15, help="cold first events timed for registry_url"
    )
    parser.add_argument("--install-peers", action="store_true", help="create the peers' venv")
    parser.add_argument("--peers-venv", type=Path, help="the peers' virtualenv folder")
    parser.add_argument("--memory", action="store_true", help="measure RSS instead of speed")
    parser.add_argument("--contender", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.contender:  # one measurement, in whatever interpreter runs this file
        print(
            json.dumps(measure(arguments.contender, arguments.events or 200_000, arguments.seconds))
        )
        return 0
    if arguments.memory:
        arguments.events = arguments.events or 1_000_000
        return memory(arguments)
    arguments.events = arguments.events or 200_000
    return speed(arguments)


if __name__ == "__main__":
    sys.exit(main())
