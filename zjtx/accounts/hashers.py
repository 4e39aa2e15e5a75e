"""Password hashing parameters (等保2.0 8.1.4.1; ADR 0018).

Django's `Argon2PasswordHasher` defaults to argon2id with 100 MiB of memory, 8 lanes and 2
passes. We use the parameters of the OWASP Password Storage Cheat Sheet's first argon2id
configuration instead: 19 MiB (19 456 KiB), 2 passes, 1 lane. The algorithm name stays
`argon2`, so the stored hashes keep Django's format (`argon2$argon2id$v=19$m=…,t=…,p=…$…`):
a hash made with other parameters still verifies (argon2 reads them from the hash) and
`must_update` reports it, so Django re-hashes it with these parameters at the next successful
login.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """argon2id, m = 19 MiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet)."""

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
