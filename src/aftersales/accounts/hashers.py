"""Password hashing: Argon2id sized for a small server's web workers."""

from __future__ import annotations

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's default asks 100 MiB a hash: every login grew a web worker by 100 MiB for good
    (261 MiB peaks, docs/performance.md). Same algorithm name, so stored hashes still verify
    and are re-hashed with these parameters at their next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
