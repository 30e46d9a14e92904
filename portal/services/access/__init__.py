"""Who may come in: debtor and staff logins, rate limited (`throttle`), and staff users.

Views and commands call `login.login_debtor`, `login.login_debtor_by_link`, `login.link_case`,
`login.login_staff`, `staff.create_staff`; `sessions.*_logged_out` end sessions on the server;
`totp.begin_enrolment`, `totp.confirm_enrolment`, `totp.check_second_factor` and
`totp.reset_second_factor` run the staff second factor; `throttle.take_try`/`give_back` count
login tries.
"""
