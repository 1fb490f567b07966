"""Persisted queries: a query's text by its SHA-256 (Apollo's automatic persisted queries,
APQ), so a client can send a 64-character hash instead of a long document, over GET too.

Two kinds of entry:
- *registered*: the `.graphql` files of the directory `KPI_PERSISTED_QUERIES` (written by
  `kpi persisted add FILE…`, read once at start, never forgotten). A directory, not a
  table: operators review and deploy it like configuration (one file per query, named by
  its hash), and every worker and host that is given it knows the same queries.
- *learnt*: queries a client sent with their hash (APQ registration), kept in a
  least-recently-used map of at most `max_entries` and `max_bytes` of text, per worker
  process (a client whose hash a worker has forgotten, or never saw, is told
  PERSISTED_QUERY_NOT_FOUND and sends the query again: the protocol's normal path).

With `KPI_PERSISTED_ONLY=1` only registered queries run: nothing is learnt, and any other
document is refused.
"""

import collections
import hashlib
import pathlib
import re

HASH = re.compile(r"[0-9a-f]{64}")
MAX_REGISTERED = 10_000  # files read from the directory at most: a bound on memory and start time


def digest(query: str) -> str:
    """The hash APQ clients send: SHA-256 of the text's UTF-8, in lower-case hex."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


class PersistedQueries:
    def __init__(
        self,
        registered: dict[str, str] | None = None,
        *,
        max_entries: int = 2000,
        max_bytes: int = 8 * 1024 * 1024,
        only_registered: bool = False,
    ) -> None:
        self.registered = dict(registered or {})
        self.max_entries, self.max_bytes, self.only_registered = max_entries, max_bytes, only_registered
        self._learnt: collections.OrderedDict[str, str] = collections.OrderedDict()
        self._bytes = 0

    def get(self, sha256: str) -> str | None:
        found = self.registered.get(sha256)
        if found is not None or self.only_registered:
            return found
        found = self._learnt.get(sha256)
        if found is not None:
            self._learnt.move_to_end(sha256)
        return found

    def allows(self, query: str) -> bool:
        """Whether `query` may run at all (always, unless only registered queries may)."""
        return not self.only_registered or digest(query) in self.registered

    def learn(self, sha256: str, query: str) -> None:
        """Keep a query the client sent with its (verified) hash; the oldest go first."""
        if self.only_registered or sha256 in self.registered:
            return
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > self.max_bytes:
            return
        previous = self._learnt.pop(sha256, None)
        if previous is not None:
            self._bytes -= len(previous.encode("utf-8", "surrogatepass"))
        self._learnt[sha256] = query
        self._bytes += size
        while len(self._learnt) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._learnt.popitem(last=False)
            self._bytes -= len(dropped.encode("utf-8", "surrogatepass"))

    def learnt_count(self) -> int:
        return len(self._learnt)

    def learnt_bytes(self) -> int:
        return self._bytes


class BadPersistedQueryFile(ValueError):
    pass


def load_directory(directory: str | pathlib.Path, max_bytes: int) -> dict[str, str]:
    """hash → text of every `<hash>.graphql` file in `directory` (no directory: none).
    A file whose name is not its content's hash, or that is larger than `max_bytes`
    (KPI_MAX_QUERY_BYTES), stops the start with the file's name and the fix."""
    folder = pathlib.Path(directory)
    if not str(directory) or not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.graphql")):
        if len(found) >= MAX_REGISTERED:
            raise BadPersistedQueryFile(
                f"{folder}: more than {MAX_REGISTERED:,} persisted queries; remove those no client uses"
            )
        if path.stat().st_size > max_bytes:
            raise BadPersistedQueryFile(
                f"{path}: larger than {max_bytes:,} bytes (KPI_MAX_QUERY_BYTES); no client could send it"
            )
        text = path.read_text("utf-8")
        sha256 = digest(text)
        if path.stem != sha256:
            raise BadPersistedQueryFile(
                f"{path}: the file's name is not the SHA-256 of its text ({sha256}); "
                "add queries with `kpi persisted add FILE` and do not edit them afterwards"
            )
        found[sha256] = text
    return found


def register(directory: str | pathlib.Path, text: str) -> tuple[str, bool]:
    """Writes `text` as `<hash>.graphql` (the text exactly as clients will send it);
    (the hash, whether it was new)."""
    folder = pathlib.Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    sha256 = digest(text)
    target = folder / f"{sha256}.graphql"
    if target.exists():
        return sha256, False
    partial = target.with_suffix(".partial")
    partial.write_text(text, "utf-8", newline="")
    partial.replace(target)  # never a half-written file under the name the server reads
    return sha256, True
