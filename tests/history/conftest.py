"""The real keyring fixtures (tests/support/keyring_user.py)."""

from keyring_user import env, secrets  # noqa: F401
