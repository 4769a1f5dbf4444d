"""Who may do what (policies, visibility filters) and, later, what is acceptable (rules),
what moderators did (actions, audit) and rate limits.

May import the server foundation only; never schema/, resolvers/ or search/.
"""
