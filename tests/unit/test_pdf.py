"""PDF documents open and contain their text, French characters and the euro sign included."""

import io

from pypdf import PdfReader

from portal.pdf import Document


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_document_renders_text_tables_and_footer():
    doc = Document("Échéancier — dossier ABC-DEF-GHJ", footer="Agence Test SAS, 75001 Paris")
    doc.paragraph("Montant dû : 1\u202f234,56 € <not a tag> & co").table(
        ["Échéance", "Montant"],
        [["5 janv. 2027", "411,52 €"], ["Total", "1 234,56 €"]],
        numeric_columns=[1],
        total_row=True,
    )
    pdf = doc.render()
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "Échéancier" in text and "1 234,56 €" in text.replace("\xa0", " ")
    assert "<not a tag> & co" in text
    assert "411,52 €" in text and "Agence Test SAS" in text


def test_long_tables_run_over_pages():
    rows = [[f"Ligne {n}", f"{n},00 €"] for n in range(120)]
    pdf = Document("Long").table(["Libellé", "Montant"], rows).render()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert "Ligne 119" in text_of(pdf)
