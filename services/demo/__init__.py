"""Demo feeds Routeway generates itself: deterministic, seeded, written for the project.

* ``vacancies.demo_vacancies_jsonl``: schema.org ``JobPosting`` JSON Lines.
* ``courses.demo_courses_xcri``: an XCRI-CAP 1.2 course catalogue.

Nothing here is copied from NHS Jobs or any other advert; postcodes are real (ONSPD, OGL v3)
so that every record resolves with ``services.common.geo``.
"""
