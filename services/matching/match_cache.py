"""Recent answers of ``GET /v1/jobseekers/{id}/matches``, in memory, per jobseeker.

Matches are derived from a person, so they are personal data too: the cache is bounded
(entries and age), keyed by the jobseeker's id and profile version so an edit is never
answered from the past, and ``forget`` drops everything about one person (erasure).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from services.matching.schemas import MatchResponse

CacheKey = tuple[str, int, int, bool, bool]


class MatchCache:
    """Recent ``/v1/jobseekers/{id}/matches`` answers, per jobseeker and version, for a while.

    Matches depend on the live vacancy index too, hence the short time to live. A jobseeker's
    entries go when they change or are erased.
    """

    def __init__(self, ttl_s: float = 30.0, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[CacheKey, tuple[float, MatchResponse]] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: CacheKey) -> MatchResponse | None:
        """The cached answer, if fresh."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            stored_at, response = found
            if time.monotonic() - stored_at > self.ttl_s:
                del self._entries[key]
                return None
            return response

    def put(self, key: CacheKey, response: MatchResponse) -> None:
        """Remember an answer (the oldest go first beyond ``max_entries``)."""
        with self._lock:
            self._entries[key] = (time.monotonic(), response)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self, jobseeker_id: str) -> int:
        """Drop every answer about one jobseeker; how many there were."""
        with self._lock:
            keys = [k for k in self._entries if k[0] == jobseeker_id]
            for key in keys:
                del self._entries[key]
            return len(keys)

    def count(self, jobseeker_id: str) -> int:
        """How many answers about the jobseeker are cached."""
        with self._lock:
            return sum(1 for k in self._entries if k[0] == jobseeker_id)
