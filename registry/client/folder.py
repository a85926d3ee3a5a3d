"""A registry read from a folder (a path or a `file://` URL): a vendored copy, a test fixture."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from registry.client.transport import CHUNK, MAX_RESPONSE_BYTES, FetchError, Response, checked_path
from registry.core.index import disk_path


class FolderSource:
    """Files in a local folder (a plain path or a file:// URL); read directly, never cached."""

    cacheable = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def location(self, path: str) -> str:
        return str(self._file(path))

    def _file(self, path: str) -> Path:
        target = self.root / disk_path(checked_path(path, str(self.root)))
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise FetchError(str(target), f"the index path {path!r} leaves {self.root}")
        return target

    def fetch(
        self,
        path: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        limit: int = MAX_RESPONSE_BYTES,
        into: BinaryIO | None = None,
    ) -> Response:
        target = self._file(path)
        if not self.root.is_dir():
            raise FetchError(str(self.root), "no such folder")
        try:
            with target.open("rb") as file:
                if os.fstat(file.fileno()).st_size > limit:
                    raise FetchError(str(target), f"the file is larger than {limit:,} bytes")
                size = 0
                chunks: list[bytes] = []
                while chunk := file.read(CHUNK):  # not trusting the size: a device has none
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(str(target), f"the file is larger than {limit:,} bytes")
                    if into is None:
                        chunks.append(chunk)
                    else:
                        into.write(chunk)
                return Response(b"".join(chunks))
        except FileNotFoundError:
            raise FetchError(str(target), "no such file", missing=True) from None
        except OSError as error:
            raise FetchError(str(target), f"cannot be read ({error.strerror})") from None
