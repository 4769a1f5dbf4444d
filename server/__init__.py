"""The process and the foundation every layer reads.

The composition root (app, graphql_app, auth, cli) wires the layers together; the foundation
(models, settings, errors, topics, db) imports nothing above it.
"""
