"""Icons, the QSS theme and translation sources, shipped as package data (``hy_resources``)."""
