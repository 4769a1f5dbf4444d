"""The per-minute budget of query cost each caller spends: the account, or the client address
for anonymous callers (kept in Redis when configured, so every process counts together)."""

from __future__ import annotations

from resolvers.context import Context
from server.errors import BudgetExhausted


def budget_key(ctx: Context) -> str:
    """Whose budget an operation spends."""
    return f"user:{ctx.viewer.id}" if ctx.viewer is not None else f"addr:{ctx.client_address}"


async def charge_query_cost(ctx: Context, cost: int, per_minute: int) -> None:
    """Charge one operation's cost to its caller's budget of `per_minute` (0: no budget);
    BudgetExhausted, with the wait, when the budget cannot pay it now."""
    if per_minute <= 0 or cost <= 0:
        return
    wait = await ctx.moderation.budget.charge(budget_key(ctx), cost)
    if wait is not None:
        raise BudgetExhausted(wait, cost, per_minute)
