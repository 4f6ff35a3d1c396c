"""Watch: the exposure watchlist, log ingestion, replay detection, alerts and containment."""
