"""Personal calibration: UniFER learns how its user shows expressions (consented, encrypted,
on this machine only). `ProfileStore` keeps profiles; a profile's `Calibration` is what the
pipeline applies to a face. docs/adr/0009-expression-profiles.md says why it works this way."""

from .calibration import Calibration, log_probabilities
from .store import DEFAULT_PROFILE, Example, Profile, ProfileError, ProfileStore, check_name

__all__ = [
    "DEFAULT_PROFILE",
    "Calibration",
    "Example",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "check_name",
    "log_probabilities",
]
