"""users.info failures of every kind leave a bare profile (onboarding), never an exception."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.adapters.slack.identity import ProfileCache


class _Dropping:
    """A Web API client whose connection drops mid-answer."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    async def users_info(self, **_kwargs: Any) -> Any:
        self.calls += 1
        raise self.error


@pytest.mark.parametrize(
    "error",
    [aiohttp.ServerDisconnectedError(), aiohttp.ClientPayloadError("cut"), TimeoutError()],
)
async def test_a_dropped_connection_gives_a_bare_profile(error: Exception) -> None:
    client = _Dropping(error)
    cache = ProfileCache(client)  # type: ignore[arg-type]
    profile = await cache.get("U1")
    assert (profile.user_id, profile.email) == ("U1", None)
    # Remembered briefly, so a flapping Slack is not asked on every request.
    await cache.get("U1")
    assert client.calls == 1
