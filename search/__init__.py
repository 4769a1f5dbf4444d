"""Search over everything public: documents, index settings, the Meilisearch adapter and the
sync from the outbox.

May import the server foundation only; never schema/, resolvers/ or moderation/.
"""
