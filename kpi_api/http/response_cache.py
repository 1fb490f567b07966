"""A bounded in-process cache of whole responses, keyed by the data version and the
normalised request. A write changes the data version, so an old entry can never be
found again (it ages out of the LRU); nothing needs to be invalidated by hand."""

import collections
import threading
from typing import Protocol

import attrs


class DataVersions(Protocol):
    """What the caches key on; storage.data_version.DataVersion is the one in use."""

    @property
    def cheap(self) -> bool: ...  # current() costs microseconds: no need to leave the event loop

    def current(self) -> object: ...  # compared, never read: (data version, evaluations' version)


@attrs.frozen
class Cached:
    body: bytes
    content_type: str
    etag: str


class ResponseCache:
    def __init__(self, max_entries: int = 1024, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: collections.OrderedDict[tuple, Cached] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Cached | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, value: Cached) -> None:
        if len(value.body) > self.max_bytes // 8:  # one answer may not crowd out the rest
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = value
            self._bytes += len(value.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes
