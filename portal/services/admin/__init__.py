"""Administration: staff users, creditors, the agency's identity, and the audit log.

Every change is one function that checks its input (raising `AdminError` with a message key,
nothing saved), writes an audit row with the values before and after, and commits.

Views call `staff_users.invite`, `staff_users.set_active`, `staff_users.reset_second_factor`,
`creditors.save_identity`, `creditors.save_policy_form`, `creditors.preview_policy`,
`creditors.save_steps`, `agency.save_agency`, `audit_log.search` and `audit_log.csv_rows`.
"""


class AdminError(ValueError):
    """The change is refused; `field` names the form field, `message` says why (translated
    by the view)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
