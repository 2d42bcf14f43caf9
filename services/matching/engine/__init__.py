"""The matching engine: in-memory index, scoring, gates, training routes and unlock steps.

Plain typed library code (numpy and scipy inside, no FastAPI, no database) that the matching
service wires to events and HTTP. Start with ``MatchIndex`` (``index.py``); the formula and
its weights are in ``scoring.py``; routes in ``routes.py``; "what would change" in
``unlock.py``. docs/MATCHING.md explains it all in plain English.
"""

from services.matching.engine.index import MatchIndex
from services.matching.engine.routes import check_route, plan_route
from services.matching.engine.types import (
    CourseDoc,
    MatchItem,
    MatchResult,
    MissingSkill,
    Parts,
    PresentationDoc,
    Profile,
    Requirements,
    Route,
    Step,
    UnlockStep,
    VacancyDoc,
)
from services.matching.engine.unlock import what_would_change

__all__ = [
    "CourseDoc",
    "MatchIndex",
    "MatchItem",
    "MatchResult",
    "MissingSkill",
    "Parts",
    "PresentationDoc",
    "Profile",
    "Requirements",
    "Route",
    "Step",
    "UnlockStep",
    "VacancyDoc",
    "check_route",
    "plan_route",
    "what_would_change",
]
