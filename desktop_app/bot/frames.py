"""The sales sources' frames for questions history cannot answer (top products, top channels).

History keeps each day's totals, not its items, so a question about products reads the sales files
the same way the report does: through the source cache (an unchanged export is a pickle load, not a
parse), with the report's checks (cells, currency). Live service sources are not fetched for a
question: a question must not wait on a shop's API.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..paths import AppPaths
from ..settings import Settings

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("business_orchestrator.bot")


def sales_frames(settings: Settings, paths: AppPaths,
                 day: Callable[[], dt.date | None]) -> Callable[[], pd.DataFrame | None]:
    """A loader of every file sales source's rows (None when none could be read)."""

    def load() -> pd.DataFrame | None:
        from ..pipeline import read_sources
        from ..source_cache import SourceCache

        specs = [spec for spec in settings.specs() if spec.domain == "sales" and not spec.is_service]
        if not specs:
            return None
        try:
            data = read_sources(settings, specs, day() or settings.business.today(), cache=SourceCache(paths.cache))
        except Exception:  # a question about products must not take the bot down
            log.exception("bot: the sales sources could not be read")
            return None
        sales = data.domains.get("sales")
        return sales.frame if sales is not None else None

    return load
