"""`column IN (values)` for long lists of values, as one parameter on PostgreSQL."""

from sqlalchemy import ARRAY, any_, bindparam


def among(column, values, dialect: str):
    """`column IN (values)`; on PostgreSQL (`dialect`) `column = ANY(array)`, one parameter
    whatever the count: the statement's text is the same for every batch, so the driver parses
    it once and the server prepares it once, instead of a new text for every list."""
    values = list(values)
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)
