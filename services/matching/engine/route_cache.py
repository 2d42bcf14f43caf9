"""Planned routes remembered across requests, by everything a plan depends on.

A route is a pure function of the person's *route facts* (home point, travel limit, first
possible start day, age and attainment), the gap (the missing skills as asked, those of them
the person already has, the unmet requirements) and the courses indexed. The same
facts and gap come back often: the pages of one match, a jobseeker's matches and routes
asked again, the same people on the shortlists of neighbouring vacancies. So the index
keeps a bounded LRU of plans keyed by exactly those things, and it is emptied whenever a
course is added, changed or removed (``MatchIndex.course_version``), so an answer from the
cache is always the answer a fresh plan would give.

The key holds no identity: the person's facts enter only as a BLAKE2b digest (``facts_key``),
so the cache keeps no point, age or attainment in clear, and ``forget`` drops every plan
made for one set of facts (a person's erasure may call it; plans for the same facts are the
same for anyone who shares them).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import date
from typing import Final

from services.matching.engine.attainment import Attainment
from services.matching.engine.types import Profile, Route

DEFAULT_CAPACITY: Final = 20_000

Gap = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
CacheKey = tuple[bytes, Gap]


def facts_key(profile: Profile, held: Attainment, floor: date) -> bytes:
    """A digest of what a plan depends on about the person (not who they are)."""
    english, maths, licences, tokens = held.key()
    facts = (
        float(profile.lat), float(profile.lon), float(profile.max_travel_km),
        floor.toordinal(), held.age, english, maths, tuple(sorted(licences)),
        tuple(sorted(tokens)),
    )  # fmt: skip
    return hashlib.blake2b(repr(facts).encode(), digest_size=16).digest()


class RouteCache:
    """A bounded LRU of planned routes for one course-table version."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self.version = -1
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._routes: OrderedDict[CacheKey, Route] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            return len(self._routes)

    def get(self, key: CacheKey, version: int) -> Route | None:
        """The route planned for ``key`` on courses of ``version``, if remembered."""
        with self._lock:
            if version != self.version:
                self._routes.clear()
                self.version = version
            route = self._routes.get(key)
            if route is None:
                self.misses += 1
                return None
            self.hits += 1
            self._routes.move_to_end(key)
            return route

    def put(self, key: CacheKey, version: int, route: Route) -> None:
        """Remember a route planned on courses of ``version`` (the oldest go beyond capacity)."""
        with self._lock:
            if version != self.version:
                self._routes.clear()
                self.version = version
            self._routes[key] = route
            self._routes.move_to_end(key)
            while len(self._routes) > self.capacity:
                self._routes.popitem(last=False)

    def clear(self) -> None:
        """Forget every route."""
        with self._lock:
            self._routes.clear()

    def remembered(self, facts: bytes) -> int:
        """How many routes are held for one set of person facts."""
        with self._lock:
            return sum(1 for key in self._routes if key[0] == facts)

    def forget(self, facts: bytes) -> int:
        """Drop every route planned for one set of person facts; how many there were."""
        with self._lock:
            keys = [key for key in self._routes if key[0] == facts]
            for key in keys:
                del self._routes[key]
            return len(keys)
