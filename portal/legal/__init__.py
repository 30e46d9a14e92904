"""Statute texts the notices must carry, kept as files with their source and version."""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class StatuteText:
    """A verbatim extract of French law and where it comes from."""

    citation: str
    version: str
    in_force_since: dt.date
    source: str
    filename: str

    @property
    def paragraphs(self) -> list[str]:
        """The text, one string per paragraph, exactly as in the file."""
        return [p for p in _read(self.filename).split("\n\n") if p.strip()]

    @property
    def text(self) -> str:
        """The whole text as stored."""
        return _read(self.filename)


@cache
def _read(filename: str) -> str:
    return (HERE / filename).read_text(encoding="utf-8").strip()


L111_8_AL2_AL3 = StatuteText(
    citation="Code des procédures civiles d'exécution, article L111-8, alinéas 2 et 3",
    version="LEGIARTI000025025657",
    in_force_since=dt.date(2014, 3, 19),
    source="Légifrance (DILA), Licence Ouverte 2.0",
    filename="fr-cpce-L111-8-al2-al3.txt",
)
