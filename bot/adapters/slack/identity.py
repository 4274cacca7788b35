"""Who a Slack user is: workspace e-mail, locale and name from users.info, cached.

The dispatcher links an unlinked Slack account to the directory person with the
same e-mail address, so every invocation carries the e-mail as a hint. The
cache keeps Slack's rate limit (users.info is tier 4) and the 3-second budget
out of the picture for repeat visitors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import DeliveryError
from bot.adapters.slack.outbound import error_code

log = logging.getLogger("krokodil.slack.identity")


@dataclass(frozen=True)
class SlackProfile:
    """What Slack tells us about a user; all optional (guests, bots, missing scopes)."""

    user_id: str
    email: str | None = None
    locale: str | None = None
    name: str = ""
    is_bot: bool = False


class ProfileCache:
    """users.info lookups with a time-to-live; a failed lookup is cached briefly."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 3600.0,
        miss_ttl: float = 60.0,
        timeout: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.miss_ttl = miss_ttl
        self.timeout = timeout
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, SlackProfile]] = {}

    def cached(self, user_id: str) -> SlackProfile | None:
        """The profile if it is in the cache and fresh (no network)."""
        entry = self._entries.get(user_id)
        if entry is None or entry[0] < self._monotonic():
            return None
        return entry[1]

    async def get(self, user_id: str) -> SlackProfile:
        """The user's profile; on any failure a bare profile (the user then gets onboarding)."""
        found = self.cached(user_id)
        if found is not None:
            return found
        try:
            async with asyncio.timeout(self.timeout):
                response = await self.client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, SlackClientError, ClientError, TimeoutError, OSError) as error:
            log.warning("users.info failed: %s", type(error).__name__)
            profile = SlackProfile(user_id=user_id)
            self._entries[user_id] = (self._monotonic() + self.miss_ttl, profile)
            return profile
        profile = profile_from_user(user_id, response.get("user") or {})
        self._entries[user_id] = (self._monotonic() + self.ttl, profile)
        return profile

    async def user_for_email(self, email: str) -> str | None:
        """The member id for a workspace e-mail (users.lookupByEmail); None when unknown.

        Lets the bot DM a colleague who never talked to it, e.g. the receiver of a handover.
        Only a definite "no such user" is None; other failures raise so the outbox retries.
        """
        try:
            async with asyncio.timeout(self.timeout):
                response = await self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            if error_code(error) == "users_not_found":
                return None
            raise DeliveryError("slack users.lookupByEmail failed") from error
        except (SlackClientError, ClientError, TimeoutError, OSError) as error:
            raise DeliveryError("slack users.lookupByEmail failed") from error
        user = response.get("user") or {}
        user_id = user.get("id")
        if not isinstance(user_id, str) or user.get("deleted") or user.get("is_bot"):
            return None
        profile = profile_from_user(user_id, user)
        self._entries[user_id] = (self._monotonic() + self.ttl, profile)
        return user_id

    def forget(self, user_id: str) -> None:
        """Drop one user (e.g. after a user_change event)."""
        self._entries.pop(user_id, None)


def profile_from_user(user_id: str, user: dict[str, object]) -> SlackProfile:
    """Read the fields we use from a users.info `user` object."""
    raw_profile = user.get("profile")
    profile = raw_profile if isinstance(raw_profile, dict) else {}
    email = profile.get("email")
    locale = user.get("locale")
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or ""
    return SlackProfile(
        user_id=user_id,
        email=email.strip().lower() if isinstance(email, str) and email.strip() else None,
        locale=locale if isinstance(locale, str) else None,
        name=str(name),
        is_bot=bool(user.get("is_bot")),
    )
