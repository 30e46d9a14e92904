"""Who may come in: debtor and staff logins, rate limited (`throttle`), and staff users.

Views and commands call `login.login_debtor`, `login.login_debtor_by_link`, `login.link_case`,
`login.login_staff`, and `staff.create_staff`.
"""
