"""The documented column set of a placement file, and the values some columns accept."""

from dataclasses import dataclass

from portal.i18n import N_


@dataclass(frozen=True)
class Column:
    """One column of a placement file."""

    name: str
    required: bool
    max_length: int
    case_level: bool  # the same on every row of one case (grouped by external reference)
    doc: str


COLUMNS = (
    Column(
        "external_reference",
        True,
        64,
        True,
        N_("the creditor's own reference of the case; the rows of one case share it"),
    ),
    Column(
        "debtor_type",
        True,
        20,
        True,
        N_("`consumer` or `professional` (`particulier`, `professionnel`)"),
    ),
    Column("first_name", False, 100, True, N_("a consumer's first name")),
    Column("last_name", False, 100, True, N_("a consumer's last name (required for a consumer)")),
    Column(
        "company_name",
        False,
        200,
        True,
        N_("a professional's company name (required for a professional)"),
    ),
    Column(
        "email",
        False,
        254,
        True,
        N_("the debtor's e-mail address (reminders go by letter without one)"),
    ),
    Column("phone", False, 40, True, N_("the debtor's phone number")),
    Column("address_line1", True, 200, True, N_("postal address")),
    Column("address_line2", False, 200, True, N_("postal address, second line")),
    Column(
        "postcode",
        True,
        20,
        True,
        N_("postcode (five digits in France); the factor of creditors asking for the postcode"),
    ),
    Column("city", True, 100, True, N_("city")),
    Column("country", False, 2, True, N_("ISO country code, `FR` when empty")),
    Column(
        "date_of_birth",
        False,
        10,
        True,
        N_("required when the creditor's verification factor is the date of birth"),
    ),
    Column("language", False, 5, True, N_("`fr` or `en` (French when empty)")),
    Column(
        "basis",
        True,
        20,
        False,
        N_("`invoice`, `contract` or `other` (`facture`, `contrat`, `autre`)"),
    ),
    Column("document_number", True, 64, False, N_("invoice or contract number, once per case")),
    Column("description", False, 200, False, N_("what the line is for")),
    Column("issued_on", True, 10, False, N_("date of the document")),
    Column(
        "due_on",
        True,
        10,
        False,
        N_("date the amount fell due (not after today, not before `issued_on`)"),
    ),
    Column("principal", True, 20, False, N_("the amount of the line, more than zero")),
    Column("interest", False, 20, False, N_("late-payment interest already accrued")),
    Column(
        "recovery_indemnity",
        False,
        20,
        False,
        N_("fixed recovery indemnity (C. com. L441-10, 40 € per invoice); professionals only"),
    ),
)

BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED = frozenset(column.name for column in COLUMNS if column.required)
CASE_COLUMNS = tuple(column.name for column in COLUMNS if column.case_level)

DEBTOR_TYPES = {
    "consumer": "consumer",
    "particulier": "consumer",
    "professional": "professional",
    "professionnel": "professional",
    "entreprise": "professional",
}
BASES = {
    "invoice": "invoice",
    "facture": "invoice",
    "contract": "contract",
    "contrat": "contract",
    "other": "other",
    "autre": "other",
}
LANGUAGES = ("fr", "en")


def normalize_header(name: str) -> str:
    """`Due on ` / `due-on` / `DUE_ON` -> `due_on`."""
    cleaned = name.strip().strip("\ufeff").strip().lower()
    return "_".join(cleaned.replace("-", " ").split())
