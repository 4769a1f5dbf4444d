"""Use cases: plain async functions taking a Context, and the Context with its DataLoaders.

Returns ORM rows or plain dataclasses. Every write goes through resolvers.changes (`writing`):
the rows, their change-log events and search-outbox rows in one transaction, published after
commit. What content going live means is resolvers.publication; the visibility gate is
resolvers.visibility.

May import moderation/, search/ and the server foundation; never schema/ or the composition
root (server.app, server.graphql_app, server.auth, server.resources).
"""
