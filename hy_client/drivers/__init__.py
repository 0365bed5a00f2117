"""Driver management: the signed catalogue, detection, verified download and install.

Modules: ``catalogue`` (verify-then-parse, typed entries, signing), ``store`` (cache, bundled
fallback, rollback floor, refresh), ``download`` (streamed, resumable, size-bounded, SHA-256),
``archive`` (unpacking with no path traversal), ``install`` (archive or elevated vendor
installer), ``detect`` (installed modules, plugged keys, conflicts), ``system`` (OS facts).
This package never imports ``token`` or ``api``: callers inject module checks and a session.
"""
