"""API access: creditors' bearer tokens, remembered idempotent requests, per-token rate limit.

Owns `ApiToken` (only the SHA-256 of each secret is stored; the secret is shown once),
`ApiIdempotentRequest` and `ApiRateWindow`.

Views and commands call:
- `tokens.create_token(creditor_id, name)` -> (token, secret); `tokens.revoke_token(id)`;
  `tokens.list_tokens(creditor_id)`; `tokens.authenticate(secret)` -> `ApiToken` or raises
  `TokenRefused` (unknown or revoked), recording the last use;
- `idempotency.replay(token_id, key, digest)` -> stored (status, body) or None, raises
  `KeyReused` for the same key with another body; `idempotency.remember(...)`;
- `limits.hit(token_id, per_minute)` -> seconds to wait (0: allowed).
"""
