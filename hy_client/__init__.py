"""hy-client core: token, platform client, forms, drivers and diagnostics. Never imports Qt."""

__version__ = "0.1.0"
