"""What every GraphQL client of the tests offers on top of its transport's `query`."""

from __future__ import annotations

from typing import Any

REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  __typename ... on RegisterSuccess { token } ... on Error { message } } }"""


class GraphQLClient:
    async def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of an answer that must have no errors."""
        body = await self.query(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def register(self, handle: str, password: str = "password-123") -> str:
        """A new account's token."""
        data = await self.data(
            REGISTER,
            {"input": {"handle": handle, "password": password, "displayName": handle.title()}},
        )
        assert data["register"]["__typename"] == "RegisterSuccess", data
        return data["register"]["token"]
