"""Use cases: plain async functions taking a Context, and the Context with its DataLoaders.

Returns ORM rows or plain dataclasses. May import moderation/, search/ and the server
foundation; never schema/ or the composition root (server.app, server.graphql_app, server.auth).
"""
