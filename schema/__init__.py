"""The GraphQL surface only: types, inputs, enums, result unions and the error mappings that fill
them, per-aggregate Query/Mutation/Subscription mixins (a module per aggregate, named as in
resolvers/: users, groups, posts, feeds, comments, reactions, notifications, search, admin,
moderation_items, moderation_decisions, reports, appeals, audit, rules), the operation guard and
cost, and the root Schema with its limits (schema.schema).

A field translates its arguments, calls a use case in resolvers/ and wraps what it returns;
every decision (who may see or do what, what a row means now) is the use case's.

Imports resolvers/ and the server foundation (server.models for enum types and for typing rows,
never to query them), and search/ for its enums and filters; never moderation/ (policies are applied
by resolvers), nor the composition root (server.app, server.graphql_app, server.auth,
server.cli). Inside the package imports go one way: a type that refers back to one whose
module imports its own goes through schema.refs, which imports no schema module at run time.
"""
