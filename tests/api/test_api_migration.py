"""Migration 0004 gives documents registered before it a public id."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.db import make_engine, upgrade

INSERT = text(
    "INSERT INTO document (registry_number, year, sequence, received_at, channel,"
    " sha256, size, media_type, indication, report_json, status, access_code)"
    " VALUES (:number, 2026, :sequence, '2026-12-01 10:00:00+00:00', 'api',"
    " :sha, 10, 'application/xml', 'TOTAL_PASSED', '{}', 'registered', :code)"
)


def test_upgrade_gives_existing_documents_distinct_public_ids(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003")
    engine = make_engine(url)
    with engine.begin() as connection:
        for sequence in (1, 2):
            connection.execute(
                INSERT,
                {
                    "number": f"RPW/{sequence}/2026",
                    "sequence": sequence,
                    "sha": f"{sequence:064x}",
                    "code": f"CODE{sequence}",
                },
            )

    upgrade(engine)

    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT public_id, client_id FROM document")
        ).all()
    engine.dispose()
    public_ids = {row.public_id for row in rows}
    assert len(public_ids) == 2 and None not in public_ids
    assert all(len(public_id) == 36 for public_id in public_ids)
    assert {row.client_id for row in rows} == {None}
