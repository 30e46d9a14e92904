"""The placements a creditor made: the recent ones, and one of them by id."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, PlacementImport
from portal.services.sql_bulk import among


def recent_imports(creditor_id: int, limit: int = 20) -> list[PlacementImport]:
    """The creditor's latest placements, newest first."""
    return list(
        db.session.scalars(
            select(PlacementImport)
            .where(PlacementImport.creditor_id == creditor_id)
            .order_by(PlacementImport.id.desc())
            .limit(limit)
        )
    )


def get_import(import_id: int, creditor_id: int) -> PlacementImport | None:
    """One of the creditor's placements; None for another creditor's, or none."""
    return db.session.scalar(
        select(PlacementImport).where(
            PlacementImport.id == import_id, PlacementImport.creditor_id == creditor_id
        )
    )


def references_of(creditor_id: int, external_references: list[str]) -> dict[str, str]:
    """The case reference of each of these external references the creditor placed."""
    dialect = db.session.get_bind().dialect.name
    rows = db.session.execute(
        select(Case.external_reference, Case.reference).where(
            Case.creditor_id == creditor_id,
            among(Case.external_reference, external_references, dialect),
        )
    )
    return dict(rows.all())
