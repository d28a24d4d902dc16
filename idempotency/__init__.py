"""
``Idempotency-Key``: an authenticated POST that a client may retry safely.

A view takes the header by mixing in ``idempotency.views.IdempotentPostMixin``.
The first request with a key runs in one transaction that also stores the key
(under a database UNIQUE constraint on user and key), a fingerprint of the
request and the response: the write and its record are committed together, or
neither is. A retry finds the key taken: the same request answers the stored
response, marked ``Idempotent-Replayed: true``, and writes nothing; another
request is a 422 ``idempotency_key_reused``.

The key is claimed inside DRF's request cycle, after authentication,
permissions and throttles have run once, and the response is stored in
``finalize_response``. Settings: ``idempotency.conf``.
"""
