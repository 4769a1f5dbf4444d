"""The search tests use the session's one private Meilisearch and a unique index-name prefix per
test (`meili`, `meili_prefix`, defined in tests/conftest.py so that tests elsewhere share the
same process)."""
