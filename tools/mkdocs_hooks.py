"""This repository's own docs site loads the telemetry-registry MkDocs plugin through `hooks:`.

Other schema repositories install the package and name the plugin (`- telemetry-registry` under
`plugins:`); this one builds from its checkout, where the package need not be installed (run
MkDocs as `python -m mkdocs` from the repository root, so that `registry` is importable).
"""

from __future__ import annotations

from registry.mkdocs_plugin import hooks

globals().update(hooks())
