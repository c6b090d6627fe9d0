"""Analytics for security teams: decisions aggregated per site, queried, and shown.

* :mod:`.recorder`: the event sink (non-blocking; flushed in the background).
* :mod:`.batch`, :mod:`.backends`: the aggregates, in Redis or in memory.
* :mod:`.query`, :mod:`.api`: ``GET /v1/analytics/{sitekey}/{view}``.
* :mod:`.dashboard`, :mod:`.session`: ``/dashboard`` and its signed session cookie.
"""

from edge_api.analytics.recorder import Analytics, AnalyticsConfig, Recorder, open_analytics

__all__ = ["Analytics", "AnalyticsConfig", "Recorder", "open_analytics"]
