"""`telemetry-registry serve`: serve the published registry on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import unquote

from registry.cli.paths import default_site, display
from registry.core import ids
from registry.core.config import Settings
from registry.core.index import INDEX_FILE
from registry.errors import EXIT_OK, PathNotFound, UsageError
from registry.publish.serve import make_server, server_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="TCP port (0: any free port)")
    parser.add_argument(
        "--dir",
        type=Path,
        help="the folder to serve as the site root (default: public beside the configuration)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    return serve(settings, site=args.dir, port=args.port)


def serve(settings: Settings, *, site: Path | None = None, port: int = 8000) -> int:
    """Serve `site` (default: `public` beside the configuration) at http://127.0.0.1:`port`/."""
    missing_hint = "run `telemetry-registry publish` first"
    if site is None:
        site = default_site(settings)
    else:
        missing_hint = f"check the path, or {missing_hint}"
    if not site.exists():
        raise PathNotFound(display(site), "folder", missing_hint)
    if not site.is_dir():
        raise UsageError(f"{display(site)}: not a folder", missing_hint)
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: a TCP port is 0 to 65535")
    try:
        server = make_server(site, port)
    except OSError as error:
        other = port + 1 if 0 < port < 65535 else 8001
        raise UsageError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror})",
            f"choose another port with `--port {other}` (`make run PORT={other}` in this "
            "project), or `--port 0` for any free one",
        ) from None
    url = server_url(server)
    base_path = ids.base_path(settings.base_url)
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
