"""The canonical frame of each source, cached on disk so an unchanged export is not parsed again.

Reading a cumulative export of a million line items takes seconds; the evening report, a re-run and
the tray's preview all ask for the same unchanged file. A cache entry is used only when everything
that could change the answer is unchanged: the file (resolved path, size, modification and change
times in nanoseconds, inode), the spec (format, column mapping, options), the registered connectors
and the connectors' code. Anything else is a miss and the file is read again, so the cache can be
slower but never stale.

Format (measured, see docs/benchmarks.md): a pickle of the frame and the read's notes, behind a
header holding the key and a CRC-32 of the payload. Pickle keeps pandas dtypes exactly, needs no
extra dependency (pyarrow/Parquet would add about 160 MB to a 200 MB installer) and loads the
canonical frame of a million-row Shopify export in about 0.03 s. The cache folder is the user's own
(`app_paths().cache`), written by this app only; a file that fails its checks is deleted and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from connectors import ENTRY_POINT_GROUP, CellIssue, SourceFrame, SourceSpec, read_source

from . import __version__

log = logging.getLogger("business_orchestrator.cache")
MAGIC = b"BOSRC1\n"
SUFFIX = ".frame"
Reader = Callable[[SourceSpec], SourceFrame]


@cache
def code_version() -> str:
    """The app version plus a digest of the connectors' source, so editing a parser drops old entries.

    A frozen build has no .py files to hash; there the version alone changes with every release.
    """
    import connectors as package

    digest = hashlib.sha256(__version__.encode())
    folder = Path(package.__file__).parent
    for source in sorted(folder.glob("*.py")):
        try:
            digest.update(source.name.encode() + source.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()[:16]


def _file_state(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "ctime_ns": stat.st_ctime_ns, "inode": stat.st_ino}


@cache
def _plugins() -> tuple[str, ...]:
    """The installed connector plug-ins as their entry points say (name, object, package and version), read
    without importing any connector: a cache hit then skips loading every connector module (0.15 s).
    Listed once per process, as the registry loads them (connectors()). Built-ins are in code_version()."""
    from importlib import metadata

    def version(ep: metadata.EntryPoint) -> str:
        return f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else ""

    return tuple(sorted(f"{ep.name}={ep.value} ({version(ep)})"
                        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)))


class SourceCache:
    """One file per source in `folder`, replaced whenever the source or the code changes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._kept: dict[Path, tuple[str, SourceFrame]] = {}  # read by warm(), handed over by the next read()

    def entry(self, spec: SourceSpec) -> Path:
        """Where the cached frame of this source lives (one per path + spec, so the folder stays small)."""
        identity = json.dumps(
            [str(spec.file.resolve()), spec.domain, spec.format, spec.columns, spec.options, spec.name,
             *([spec.filter] if spec.filter else [])],
            sort_keys=True, default=str,
        )
        return self.folder / (hashlib.sha256(identity.encode()).hexdigest()[:32] + SUFFIX)

    def key(self, spec: SourceSpec) -> str:
        """Everything that must be unchanged for a cached frame to be the answer."""
        state = {"file": _file_state(spec.file), "code": code_version(), "connectors": list(_plugins())}
        return json.dumps(state, sort_keys=True)

    def has(self, spec: SourceSpec) -> bool:
        """Whether read() would be a hit, from the entry's header alone (not its payload)."""
        try:
            key = self.key(spec)
            with open(self.entry(spec), "rb") as handle:
                line = handle.readline(1 << 16)
                return line == MAGIC and json.loads(handle.readline(1 << 16))["key"] == key
        except (OSError, ValueError, KeyError):
            return False

    def warm(self, spec: SourceSpec, reader: Reader = read_source) -> None:
        """read(), keeping the frame for the next read() of the same unchanged source (which hands it over
        once) rather than loading it back from the file just written."""
        try:
            key = self.key(spec)
            self._kept[self.entry(spec)] = (key, self.read(spec, reader))
        except Exception as exc:  # the report's own read() reads it again and says what is wrong
            log.debug("could not read %s ahead: %s", spec.name, exc)

    def read(self, spec: SourceSpec, reader: Reader = read_source) -> SourceFrame:
        """The source's frame: from the cache when nothing changed, else read (and cached)."""
        try:
            key = self.key(spec)
        except OSError:
            return reader(spec)  # missing file: let the reader say so
        entry = self.entry(spec)
        kept_key, kept = self._kept.pop(entry, (None, None))
        if kept is not None and kept_key == key:
            return kept
        cached = self._load(entry, key)
        if cached is not None:
            log.debug("cache hit for %s", spec.file)
            return cached
        result = reader(spec)
        try:
            unchanged = self.key(spec) == key
        except OSError:
            unchanged = False
        if unchanged:  # never store a frame of a file that changed while it was being read
            self._store(entry, key, result)
        return result

    def _load(self, entry: Path, key: str) -> SourceFrame | None:
        try:
            with open(entry, "rb") as handle:
                blob = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read cache file %s: %s", entry, exc)
            return None
        try:
            stored_key, crc, payload = _split(blob)
            if stored_key != key:
                return None
            if zlib.crc32(payload) != crc:
                raise ValueError("checksum mismatch")
            return _frame(pickle.loads(payload))
        except Exception as exc:
            # A damaged file (disk full, killed mid-write by an old version, bit rot): rebuild it.
            log.warning("ignoring damaged cache file %s (%s: %s)", entry, type(exc).__name__, exc)
            entry.unlink(missing_ok=True)
            return None

    def _store(self, entry: Path, key: str, result: SourceFrame) -> None:
        payload = pickle.dumps(_payload(result), protocol=pickle.HIGHEST_PROTOCOL)
        header = json.dumps({"key": key, "crc": zlib.crc32(payload), "length": len(payload)}).encode()
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as handle:
                handle.write(MAGIC + header + b"\n")
                handle.write(payload)
            os.replace(partial, entry)
        except OSError as exc:
            log.warning("cannot write cache file %s: %s", entry, exc)
            partial.unlink(missing_ok=True)


def _split(blob: bytes) -> tuple[str, int, memoryview]:
    """(key, CRC, payload); the payload is a view, not a copy of a file that may hold 100 MB."""
    if not blob.startswith(MAGIC):
        raise ValueError("not a cache file")
    end = blob.index(b"\n", len(MAGIC))
    header = json.loads(blob[len(MAGIC):end])
    payload = memoryview(blob)[end + 1:]
    if len(payload) != header["length"]:
        raise ValueError("truncated")
    return header["key"], int(header["crc"]), payload


def _payload(result: SourceFrame) -> dict:
    return {
        "frame": result.frame, "connector": result.connector, "has_dates": result.has_dates,
        "issues": [(i.source, i.row, i.column, i.message, i.day) for i in result.issues],
        "warnings": list(result.warnings), "currencies": list(result.currencies), "notes": list(result.notes),
    }


def _frame(data: dict) -> SourceFrame:
    return SourceFrame(
        frame=data["frame"], connector=data["connector"], has_dates=data["has_dates"],
        issues=[CellIssue(*issue) for issue in data["issues"]], warnings=list(data["warnings"]),
        currencies=tuple(data["currencies"]), notes=list(data.get("notes", [])),
    )
