"""Home-page reads: the user's work list, assembled from every app's registered providers.

Each provider scopes to the user itself (zjtx/<app>/worklist.py); core adds nothing domain-specific.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .worklist import HomeWork, home_work_for

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def home_for(*, user: User, today: date | None = None) -> HomeWork:
    """What waits for the user, what they submitted, dates ahead and (city) the overview."""
    return home_work_for(user, today)
