"""The placements a creditor made: the recent ones, and one of them by id."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import PlacementImport


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
