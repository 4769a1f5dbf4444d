"""What is allowed and what is acceptable, as pure decisions and process state:

- policies: who may do what (authority from role and account state together) and who may see
  what (the visibility rules the gate in resolvers.visibility applies);
- rules, text, names: the watched-word rules and the text forms they match (confusables,
  invisible characters), handles and display names that would pass for someone else;
- limits, throttles: rate limits, duplicate detection, sign-in throttles, query-cost budgets;
- services: a process's moderation state (compiled rules, limiters), opened in the lifespan.

What moderators did (queue items, decisions, appeals, the audit log) are use cases in
resolvers/. May import the server foundation only; never schema/, resolvers/ or search/.
"""
