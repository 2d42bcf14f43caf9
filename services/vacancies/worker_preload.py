"""Imported once by the ingest worker pool's fork server (``VacancyTarget.worker_preload``).

Importing this loads everything a worker's task needs: the code its tasks name
(``prepare_vacancy`` and the pipeline's ``prepare_items``, with SQLAlchemy and the models
they import), the taxonomy, its classifier and the postcode centroids (about 3 CPU seconds
in all), so that every worker forked from the server starts with them in memory instead of
loading them itself. Nothing else imports it.
"""

import services.vacancies.service  # noqa: F401  (what the workers' tasks are made of)
from services.vacancies.enrich import warm_up

warm_up()
