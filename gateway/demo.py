"""Demo data on first start: generated vacancy and course feeds, loaded through the ingest code."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

from services.common.db import create_service_engine
from services.common.migrations import upgrade
from services.common.settings import Settings

MARKER = "demo-data-loaded"
DEMO_SOURCE = "demo"


def load_demo_data(
    settings: Settings, *, force: bool = False, today: date | None = None
) -> Iterator[str]:
    """Ingest the demo feeds once per data folder (a marker file remembers); yields progress lines."""
    from services.demo.courses import demo_courses_xcri
    from services.demo.vacancies import demo_vacancies_jsonl
    from services.training import service as training
    from services.vacancies import service as vacancies

    marker = settings.data_dir / MARKER
    if marker.exists() and not force:
        yield "demo data already loaded (ROUTEWAY_DEMO_DATA=0 or a fresh data folder to change that)"
        return
    today = today or date.today()
    engine = create_service_engine(settings, "vacancies")
    try:
        upgrade("vacancies", engine)
        run = vacancies.ingest_feed(
            engine,
            io.BytesIO(demo_vacancies_jsonl(today=today)),
            source=DEMO_SOURCE,
            format="jobposting-jsonld",
        )
        yield f"demo vacancies: {run.counts.created} created, {run.counts.unchanged} unchanged, {run.counts.rejected} rejected"
    finally:
        engine.dispose()
    engine = create_service_engine(settings, "training")
    try:
        upgrade("training", engine)
        run = training.ingest_feed(
            engine,
            io.BytesIO(demo_courses_xcri(today=today)),
            source=DEMO_SOURCE,
            format="xcri-cap",
        )
        yield f"demo courses: {run.counts.created} created, {run.counts.unchanged} unchanged, {run.counts.rejected} rejected"
    finally:
        engine.dispose()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(today.isoformat())
