"""The GraphQL surface only: types, inputs, enums, result unions, error handlers, per-domain
Query/Mutation mixins and the root Schema with its limits.

Imports resolvers/ and the server foundation; never the composition root (server.app,
server.graphql_app, server.auth, server.cli).
"""
