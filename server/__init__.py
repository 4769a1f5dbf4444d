"""The process and the foundation every layer reads.

The composition root (app, graphql_app, auth, cli, resources, scheduler, demo) wires the layers
together: the lifespan opens the process's resources (server.resources) and hands them to every
request as lifespan state. The foundation (models, settings, errors, topics, db, broadcast,
security) imports nothing above it.
"""
