"""The `telemetry-registry` command: `main(argv) -> exit code`, one small function per command.

Exit codes: 0 success; 1 problems found in the input (rule violations, unreadable files);
2 usage or configuration errors; 3 an unexpected error (the traceback goes to a log file whose
path is printed); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from registry import __version__
from registry.core.config import ConfigError, Settings, load_settings
from registry.core.model import EventSchema

if TYPE_CHECKING:
    import git

    from registry.checks.review import Review

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

Command = Callable[[argparse.Namespace, Settings], int]


class UsageError(Exception):
    """A mistake in how the command was called; exits 2 with the message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="telemetry-registry",
        description="Govern, check and publish a registry of versioned event schemas.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        help="pyproject.toml (its [tool.telemetry-registry] table) or a TOML file of settings; "
        "default: the nearest pyproject.toml",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    lint = commands.add_parser("lint", help="check schema files against the registry's rules")
    lint.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the tree)")
    _add_format(lint, ("text", "json", "github"))
    lint.set_defaults(run=run_lint)

    rules = commands.add_parser("rules", help="list the lint rules")
    _add_format(rules, ("text", "json", "markdown"))
    rules.set_defaults(run=run_rules)

    check = commands.add_parser(
        "check", help="check the change against a git base: immutability, bumps, lint"
    )
    _add_git_options(check)
    _add_format(check, ("text", "json", "github"))
    check.set_defaults(run=run_check)

    review = commands.add_parser(
        "review", help="the pull-request review of the change against a git base"
    )
    _add_git_options(review)
    _add_format(review, ("markdown", "json", "github"))
    review.add_argument("--output", type=Path, help="write the report to this file")
    review.set_defaults(run=run_review)

    iglu = commands.add_parser("import-iglu", help="convert Iglu self-describing schemas")
    iglu.add_argument("source", type=Path, help="a folder of Iglu schemas")
    iglu.add_argument("dest", type=Path, help="the schema tree to write into")
    iglu.add_argument("--base-url", help="base URL of the `$id`s (default: the configured one)")
    iglu.set_defaults(run=run_import_iglu)

    publish = commands.add_parser("publish", help="write the static registry (index.json + files)")
    publish.add_argument(
        "--out",
        type=Path,
        help="the folder to write, served at the base URL (default: public/<base URL path> "
        "beside the configuration, e.g. public/schemas); replaced as a whole",
    )
    publish.set_defaults(run=run_publish)

    serve = commands.add_parser("serve", help="serve the published registry on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (0: any free port)")
    serve.add_argument(
        "--dir",
        type=Path,
        help="the folder to serve as the site root (default: public beside the configuration)",
    )
    serve.set_defaults(run=run_serve)

    fetch = commands.add_parser(
        "fetch", help="copy a published registry into a folder, for offline or air-gapped use"
    )
    fetch.add_argument("url", help="the registry's URL (http(s)://, file:// or a folder)")
    fetch.add_argument(
        "--into",
        type=Path,
        required=True,
        metavar="DIR",
        help="the folder to write; replaced as a whole (it must be empty, absent, or a registry)",
    )
    fetch.add_argument(
        "--timeout", type=float, default=10.0, help="seconds per HTTP attempt (default: 10)"
    )
    fetch.set_defaults(run=run_fetch)

    compat = commands.add_parser(
        "compat", help="compare two versions of a schema: changes, verdict, a breaking event"
    )
    compat.add_argument("old", type=Path, metavar="OLD_FILE", help="the earlier version")
    compat.add_argument("new", type=Path, metavar="NEW_FILE", help="the later version")
    compat.add_argument(
        "--mode",
        choices=("backward", "forward", "full"),
        help="what compatible means (default: the configured mode for the event, else backward)",
    )
    _add_format(compat, ("text", "json"))
    compat.add_argument(
        "--policy",
        choices=("strict", "lenient"),
        help="strict: set inclusion; lenient: writers never sent unnamed properties of an open "
        "object (default: the configured policy for the event, else strict)",
    )
    compat.add_argument(
        "--fail-on-incompatible",
        action="store_true",
        help="exit 1 when the verdict is incompatible (default: exit 0 whatever the verdict)",
    )
    compat.set_defaults(run=run_compat)
    return parser


def _add_git_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        metavar="REF",
        help="the git revision holding the published schemas (default: the merge base of HEAD "
        "and the configured main branch)",
    )
    parser.add_argument(
        "--head",
        metavar="REF",
        help="compare this git revision instead of the working tree",
    )


def _add_format(parser: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; never raises for a user's mistake."""
    try:
        args = build_parser().parse_args(argv)
        settings = load_settings(args.config) if args.config else load_settings()
        run: Command = args.run
        return run(args, settings)
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    except (UsageError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    handle, log_path = tempfile.mkstemp(prefix="telemetry-registry-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as log:
        log.write(traceback.format_exc())
    print(
        f"error: an unexpected {type(error).__name__}: {error}\n"
        f"The details are in {log_path}; please include that file when reporting the problem.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def display(path: Path) -> str:
    """A path as a person would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


# -- lint ---------------------------------------------------------------------------------


def run_lint(args: argparse.Namespace, settings: Settings) -> int:
    from registry.checks.lint import has_errors, lint
    from registry.report.findings import render
    from registry.sources.snapshot import Snapshot
    from registry.sources.tree import load_folder, snapshot_of

    root = settings.schema_root.resolve()
    findings = []
    checked = 0
    inside: list[PurePosixPath] = []
    for path in args.paths or [settings.schema_root]:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        resolved = path.resolve()
        if resolved == root or root in resolved.parents:
            inside.append(PurePosixPath(resolved.relative_to(root).as_posix()))
            continue
        if path.is_dir():
            snapshot: Snapshot = load_folder(
                path, max_bytes=settings.max_file_bytes, display=display(path)
            )
        else:
            snapshot = snapshot_of(
                [(path, PurePosixPath(path.name))],
                root=display(path.parent),
                max_bytes=settings.max_file_bytes,
            )
        checked += len(snapshot.schemas) + len(snapshot.failures)
        findings.extend(lint(snapshot, settings))
    if inside:
        tree = load_folder(root, max_bytes=settings.max_file_bytes, display=display(root))
        every_file = [s.rel_path for s in tree.schemas] + [f.rel_path for f in tree.failures]
        wanted = {
            rel_path
            for rel_path in every_file
            if any(_within(rel_path, chosen) for chosen in inside)
        }
        checked += len(wanted)
        findings.extend(lint(tree, settings, only=wanted))
    sys.stdout.write(render(findings, args.format, checked=checked))
    return EXIT_PROBLEMS if has_errors(findings) else EXIT_OK


def _within(path: PurePosixPath, chosen: PurePosixPath) -> bool:
    return chosen == PurePosixPath(".") or path == chosen or chosen in path.parents


# -- rules --------------------------------------------------------------------------------


def run_rules(args: argparse.Namespace, settings: Settings) -> int:
    from registry.report.findings import render_rules

    sys.stdout.write(render_rules(settings, args.format))
    return EXIT_OK


# -- import-iglu --------------------------------------------------------------------------


def run_import_iglu(args: argparse.Namespace, settings: Settings) -> int:
    from registry.core.config import parse_base_url
    from registry.sources.iglu import import_iglu

    if not args.source.is_dir():
        raise UsageError(f"{args.source}: not a folder")
    base_url = parse_base_url(args.base_url, "--base-url") if args.base_url else settings.base_url
    result = import_iglu(args.source, args.dest, base_url)
    for skipped in result.skipped:
        print(f"skipped {display(skipped.path)}: {skipped.reason}", file=sys.stderr)
    print(
        f"imported {len(result.written)} schemas into {display(args.dest)}; "
        f"{len(result.skipped)} files skipped"
    )
    return EXIT_OK


# -- publish and serve --------------------------------------------------------------------


def project_folder(settings: Settings) -> Path:
    """The folder holding the configuration file, or the current folder without one."""
    source = Path(settings.source)
    return source.parent if source.is_file() else Path.cwd()


def default_site(settings: Settings) -> Path:
    return project_folder(settings) / "public"


def default_publish_dir(settings: Settings) -> Path:
    """`public/<base URL path>`, so that serving `public` answers at the base URL's path."""
    from urllib.parse import unquote, urlsplit

    below = unquote(urlsplit(settings.base_url).path).strip("/")
    return default_site(settings) / below if below else default_site(settings)


def run_publish(args: argparse.Namespace, settings: Settings) -> int:
    from registry.publish.writer import LintFailed, OutputNotRegistry, PublishError, publish
    from registry.report.findings import render
    from registry.sources.tree import load_folder

    root = settings.schema_root
    if not root.is_dir():
        raise UsageError(f"{display(root)}: the schema root is not a folder")
    out = args.out if args.out is not None else default_publish_dir(settings)
    snapshot = load_folder(root, max_bytes=settings.max_file_bytes, display=display(root))
    checked = len(snapshot.schemas) + len(snapshot.failures)
    try:
        result = publish(snapshot, settings, out)
    except LintFailed as error:
        sys.stdout.write(render(error.findings, "text", checked=checked))
        print(f"publish refused: {error}; {display(out)} was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    except OutputNotRegistry as error:
        raise UsageError(str(error)) from None
    except PublishError as error:
        print(f"publish refused: {error}; {display(out)} was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    if result.findings:
        sys.stdout.write(render(result.findings, "text", checked=checked))
    print(
        f"published {result.events} events ({result.versions} versions, {result.files} files) "
        f"to {display(out)}; serve it at {settings.base_url}"
    )
    return EXIT_OK


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from urllib.parse import unquote, urlsplit

    from registry.core.index import INDEX_FILE
    from registry.publish.serve import make_server, server_url

    site = args.dir if args.dir is not None else default_site(settings)
    if not site.is_dir():
        raise UsageError(f"{display(site)}: no such folder; run `telemetry-registry publish` first")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a TCP port is 0 to 65535")
    try:
        server = make_server(site, args.port)
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port} ({error.strerror})") from None
    url = server_url(server)
    base_path = urlsplit(settings.base_url).path.strip("/")
    registry_path = next(
        (below for below in (base_path, "") if (site / unquote(below) / INDEX_FILE).is_file()),
        None,
    )
    print(f"serving {display(site)} at {url}")
    if registry_path is None:
        print(f"no {INDEX_FILE} in {display(site)}: run `telemetry-registry publish` first")
    else:
        print(f"registry: {url}{registry_path + '/' if registry_path else ''}{INDEX_FILE}")
    print("press Ctrl-C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return EXIT_OK


def run_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from registry.publish.vendor import VendorError, vendor
    from registry.publish.writer import OutputNotRegistry, PublishError

    if not args.timeout > 0:
        raise UsageError(f"--timeout {args.timeout}: give a positive number of seconds")
    try:
        result = vendor(args.url, args.into, timeout=args.timeout)
    except ValueError as error:  # a URL the client cannot read
        raise UsageError(f"{args.url}: {error}") from None
    except OutputNotRegistry as error:
        raise UsageError(str(error)) from None
    except (VendorError, PublishError) as error:
        print(f"fetch failed: {error}; {display(args.into)} was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"fetched {result.events} events ({result.files} files, {result.bytes:,} bytes) "
        f"from {args.url} into {display(args.into)}; point registry_url at that folder"
    )
    return EXIT_OK


# -- compat -------------------------------------------------------------------------------


def run_compat(args: argparse.Namespace, settings: Settings) -> int:
    from registry.compat import InvalidSchema, check
    from registry.core.model import Mode
    from registry.core.refs import build_registry
    from registry.report.compat import render_compat
    from registry.sources.snapshot import LoadFailure
    from registry.sources.tree import load_file, load_folder

    loaded = []
    for path in (args.old, args.new):
        if not path.is_file():
            print(f"error: {display(path)}: no such file", file=sys.stderr)
            return EXIT_PROBLEMS
        schema = load_file(path, PurePosixPath(path.name), settings.max_file_bytes)
        if isinstance(schema, LoadFailure):
            where = display(path) + (f":{schema.error.line}" if schema.error.line else "")
            print(
                f"error: {where}: [{schema.error.rule}] {schema.error.message}; "
                f"{schema.error.hint}",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        loaded.append(schema)
    old, new = loaded
    event = settings.for_event(new.id or old.id or "")
    mode = Mode(args.mode) if args.mode else event.compatibility.pairwise
    policy = args.policy or event.policy
    tree = []
    if settings.schema_root.is_dir():
        snapshot = load_folder(settings.schema_root, max_bytes=settings.max_file_bytes)
        tree = list(snapshot.schemas)

    def registry_with(schema: EventSchema) -> Any:
        others = [s for s in tree if s.ref is None or s.ref != schema.ref]
        return build_registry([*others, schema], base_url=settings.base_url)

    try:
        report = check(
            old.body,
            new.body,
            mode=mode,
            policy=policy,
            old_registry=registry_with(old),
            new_registry=registry_with(new),
        )
    except InvalidSchema as error:
        path = args.old if error.side == "the old schema" else args.new
        print(f"error: {display(path)}: [metaschema] {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    report = replace(
        report,
        old_label=f"{display(args.old)} ({report.old_label})",
        new_label=f"{display(args.new)} ({report.new_label})",
    )
    sys.stdout.write(render_compat(report, args.format))
    if args.fail_on_incompatible and not report.compatible:
        return EXIT_PROBLEMS
    return EXIT_OK


# -- check and review ---------------------------------------------------------------------


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    from registry.report.findings import render

    review = _compare(args, settings, evidence=False)
    if args.format == "text":
        print(f"Compared {review.head_label} with {review.base_label}.")
    checked = len(review.changed) + sum(
        1 for a in review.assessments if a.status.value == "deleted"
    )
    sys.stdout.write(render(review.findings, args.format, checked=checked))
    return EXIT_OK if review.passed else EXIT_PROBLEMS


def run_review(args: argparse.Namespace, settings: Settings) -> int:
    from registry.report.review import render_review

    review = _compare(args, settings, evidence=True)
    text = render_review(review, args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK if review.passed else EXIT_PROBLEMS


def _compare(args: argparse.Namespace, settings: Settings, *, evidence: bool) -> Review:
    from registry.sources.git import GitSourceError, open_repo

    root = settings.schema_root
    try:
        # closing the repository stops the git helper processes gitpython keeps open
        with open_repo(root if root.exists() else root.parent) as repo:
            return _compare_in(repo, args, settings, evidence=evidence)
    except GitSourceError as error:
        raise UsageError(str(error)) from None


def _compare_in(
    repo: git.Repo, args: argparse.Namespace, settings: Settings, *, evidence: bool
) -> Review:
    from registry.checks.review import build_review, check_change
    from registry.sources.git import load_git, merge_base
    from registry.sources.tree import load_folder

    root = settings.schema_root
    if args.base:
        base_rev, base_label = args.base, f"`{args.base}`"
    else:
        base_rev = merge_base(repo, "HEAD", settings.main_branch)
        base_label = f"the merge base with `{settings.main_branch}` ({base_rev[:10]})"
    base = load_git(repo, base_rev, settings)
    if args.head:
        head = load_git(repo, args.head, settings)
        head_label = f"`{args.head}`"
    else:
        head = load_folder(
            root, max_bytes=settings.max_file_bytes, display=display(root), reuse=base
        )
        head_label = "the working tree"
    build = build_review if evidence else check_change
    return build(base, head, settings, base_label=base_label, head_label=head_label)
