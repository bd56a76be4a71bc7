"""Reference data: the business calendar and the store catalogue."""
