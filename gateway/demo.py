"""Demo data on first start: generated vacancy and course feeds, loaded through the ingest code."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

from services.common.db import create_service_engine
from services.common.migrations import upgrade
from services.common.settings import ServiceName, Settings

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
    feeds: tuple[tuple[ServiceName, str, bytes, str], ...] = (
        ("vacancies", "jobposting-jsonld", demo_vacancies_jsonl(today=today), "vacancies"),
        ("training", "xcri-cap", demo_courses_xcri(today=today), "courses"),
    )
    for service, format, body, noun in feeds:
        ingest = vacancies.ingest_feed if service == "vacancies" else training.ingest_feed
        engine = create_service_engine(settings, service)
        try:
            upgrade(service, engine)
            run = ingest(engine, io.BytesIO(body), source=DEMO_SOURCE, format=format)
        finally:
            engine.dispose()
        counts = run.counts
        yield f"demo {noun}: {counts.created} created, {counts.unchanged} unchanged, {counts.rejected} rejected"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(today.isoformat())
