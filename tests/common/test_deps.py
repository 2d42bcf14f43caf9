"""The request's transaction commits before the response leaves: a 2xx means the write is stored."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Field, Session, SQLModel

from services.common.deps import SessionDep


class Note(SQLModel, table=True):
    __tablename__ = "deps_note"
    id: int = Field(primary_key=True)
    body: str


def _app(tmp_path: Path) -> FastAPI:
    engine = create_engine(f"sqlite:///{tmp_path / 'deps.db'}")
    SQLModel.metadata.create_all(engine, tables=[Note.__table__])  # type: ignore[list-item]
    app = FastAPI()
    app.state.engine = engine

    @app.post("/notes/{note_id}", status_code=201)
    def add(note_id: int, session: SessionDep) -> dict[str, int]:
        # no flush here: the INSERT runs at commit, after the handler returned
        session.add(Note(id=note_id, body="x"))
        return {"id": note_id}

    return app


def test_a_commit_that_fails_is_not_answered_as_a_success(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = TestClient(app, raise_server_exceptions=False)
    assert client.post("/notes/1").status_code == 201
    # the same primary key again: the INSERT fails at commit. Were the commit to run after
    # the response (FastAPI's default for yield dependencies), the client would see 201.
    assert client.post("/notes/1").status_code == 500
    with Session(app.state.engine) as session:
        assert session.execute(text("SELECT count(*) FROM deps_note")).scalar_one() == 1


def test_a_2xx_is_readable_at_once_from_another_connection(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = TestClient(app)
    other = create_engine(f"sqlite:///{tmp_path / 'deps.db'}")
    for note_id in range(2, 12):
        assert client.post(f"/notes/{note_id}").status_code == 201
        with other.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM deps_note WHERE id = :id"), {"id": note_id}
            ).scalar_one()
        assert found == 1
