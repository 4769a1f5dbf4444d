"""The demo community (placeholder until the full seed lands)."""


async def seed_demo_community() -> str:
    return "demo community: nothing seeded"
