"""Use cases: plain arguments in, one transaction, an audit row."""
