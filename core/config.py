"""Settings as plain frozen values. Loading them (TOML + environment) is bot.settings' job.

Each capability has its own section; a capability that needs settings adds a
section class here and a field on :class:`Settings`, and documents every key in
config.example.toml.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the data lives."""

    url: str = "sqlite+aiosqlite:///krokodil.db"
    pool_size: int = 10


@dataclass(frozen=True)
class ServerConfig:
    """The one HTTP server all webhooks, health checks and metrics share."""

    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None


@dataclass(frozen=True)
class BotConfig:
    """Behaviour of the bot as a whole."""

    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    # Directory people (by e-mail) who may import the directory and manage the bot.
    admins: tuple[str, ...] = ()
    # Load the fictional demo directory into an empty database on start.
    demo_data: bool = True
    # Who you are in the console chat: an e-mail address or console handle.
    console_user: str = "s.bouzid@example.org"
    # How often timers (reminders, escalations) are checked, in seconds.
    tick_seconds: float = 15.0


@dataclass(frozen=True)
class SlackConfig:
    """Slack app settings; tokens come only from the environment."""

    api_url: str = "https://slack.com/api/"
    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)

    @property
    def enabled(self) -> bool:
        """Slack runs when a bot token is set."""
        return bool(self.bot_token)

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set, else HTTP mode."""
        return bool(self.app_token)


@dataclass(frozen=True)
class TelegramConfig:
    """Telegram bot settings; tokens come only from the environment."""

    base_url: str = "https://api.telegram.org/bot"
    mode: str | None = None
    token: str | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)
    # Handovers carry a sentence about a resident's need; a municipality may keep those off
    # Telegram (a cloud service outside its control). See config.example.toml.
    allow_handovers: bool = False

    @property
    def enabled(self) -> bool:
        """Telegram runs when a bot token is set."""
        return bool(self.token)


@dataclass(frozen=True)
class TeamsConfig:
    """Microsoft Teams (Azure Bot) settings; ids and the secret come only from the environment."""

    app_id: str | None = None
    app_password: str | None = field(default=None, repr=False)
    tenant_id: str | None = None
    # Where the outbound token is requested ({authority}/oauth2/v2.0/token); empty: the tenant's
    # login.microsoftonline.com authority.
    authority: str = ""
    # Bot Framework OpenID metadata: its jwks_uri names the keys inbound tokens are signed with.
    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"

    @property
    def enabled(self) -> bool:
        """Teams runs when an app id is set."""
        return bool(self.app_id)

    @property
    def token_url(self) -> str:
        """The client-credentials token endpoint of the configured authority."""
        authority = self.authority or f"https://login.microsoftonline.com/{self.tenant_id or ''}"
        return authority.rstrip("/") + "/oauth2/v2.0/token"


@dataclass(frozen=True)
class DirectoryConfig:
    """Keeping the directory true."""

    # Days after which a person is asked to confirm their entry.
    freshness_days: int = 90
    # Days between the confirmation reminders.
    reminder_interval_days: int = 14
    # How many people /wie shows.
    max_results: int = 5
    # Days someone who left stays findable by /bel (naming the successor) before their entry
    # is erased and the audit trail pseudonymised.
    departed_retention_days: int = 365


@dataclass(frozen=True)
class HandoverConfig:
    """Warm handovers: working-time timers and retention."""

    # The working day the timers count in (local time, Mon–Fri without Dutch holidays).
    office_hours: str = "08:30-17:00"
    # Working hours without an answer before the receiver gets a reminder.
    reminder_after_hours: int = 8
    # Working hours after the reminder before the oliemannetje/procesregisseur is asked.
    escalate_after_hours: int = 8
    # Working days after sending when an unanswered handover expires (the sender keeps regie).
    expire_after_days: int = 10
    # Working days after acceptance to record the kennismaking before the regie-holder is nudged.
    kennismaking_within_days: int = 5
    # Days after closing when a handover's free text (need, reason, label) is removed.
    retention_days: int = 365
    # How many candidate receivers the form and a decline propose.
    max_candidates: int = 5

    def __post_init__(self) -> None:
        from core.workdays import OfficeHours

        OfficeHours.parse(self.office_hours)  # raises ValueError naming the bad value


@dataclass(frozen=True)
class KnelpuntenConfig:
    """Knelpunten: where reports go, and how long their free text is kept."""

    # A channel per domain that gets every new knelpunt, as "platform:chat"
    # (e.g. "slack:C0123ABC", "telegram:-1001234567"); empty: only the oliemannetjes' DMs.
    channel_jeugd: str = ""
    channel_wmo: str = ""
    channel_participatie: str = ""
    channel_opvang: str = ""
    # Send each new knelpunt to the oliemannetjes of its domains personally.
    notify_people: bool = True
    # Days after closing when a knelpunt's description and explanation are removed.
    retention_days: int = 365

    def channel_for(self, domain: str) -> str:
        """The configured channel of a domain ('Wmo' → channel_wmo), or ''."""
        return str(getattr(self, f"channel_{domain.lower()}", "") or "")


@dataclass(frozen=True)
class ReportsConfig:
    """The monthly network report."""

    # Channel for the monthly post, as "platform:chat"; empty: no post (the CLI still works).
    channel: str = ""
    # Day of the month and local hour from which last month's report is posted.
    post_day: int = 1
    post_hour: int = 9
    # How many months the trend chart shows.
    trend_months: int = 6


@dataclass(frozen=True)
class WebConfig:
    """The web view (bot/web): signing in with a link from chat."""

    # Minutes a sign-in link from /web works (once).
    link_minutes: int = 10
    # Hours a browser stays signed in: a working day.
    session_hours: int = 9
    # Addresses (or networks, "10.0.0.0/8") of reverse proxies whose X-Forwarded-Proto is
    # believed: a request from one of them that says "https" gets a Secure cookie. Empty: the
    # header is ignored, and a public URL starting with https:// alone makes cookies Secure.
    trusted_proxies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as error:
                raise ValueError(
                    f"web.trusted_proxies: {proxy!r} is not an IP address or network"
                ) from error
        if self.link_minutes < 1:
            raise ValueError(f"web.link_minutes must be 1 or more, got {self.link_minutes}")
        if self.session_hours < 1:
            raise ValueError(f"web.session_hours must be 1 or more, got {self.session_hours}")


@dataclass(frozen=True)
class HousekeepingConfig:
    """Tidying up what only delivery needed."""

    # Days after delivery (or after giving up) when a message's text is removed from the
    # outbox; the row (kind, times, dedupe key) stays, so nothing is ever sent twice.
    outbox_text_days: int = 7


@dataclass(frozen=True)
class MeelopenConfig:
    """Mee-loop-dagen: how often people are paired and how long pairs are remembered."""

    # Weeks between pairing rounds.
    round_weeks: int = 4
    # A pair is never repeated within this many rounds (at least 20).
    history_rounds: int = 20
    # Days after a round's introduction that the "is het gelukt?" question goes out.
    followup_days: int = 21


@dataclass(frozen=True)
class MeetingsConfig:
    """Meetings, their reminders and the casuïstiekoverleg agenda."""

    # Day (ma di wo do vr za zo) and local time of the weekly post in each meeting channel.
    weekly_day: str = "ma"
    weekly_time: str = "09:00"
    # Hours before the start that the personal reminder goes out ("the day before").
    reminder_hours_before: int = 24
    # A reminder missed while the bot was down is sent late within this many hours, else skipped.
    reminder_grace_hours: int = 6
    # Days after a casuïstiekoverleg that the text of its case questions is erased.
    casus_retention_days: int = 30
    # How many invitees a dialoogtafel proposal holds when the meeting has no seat limit.
    dialoogtafel_size: int = 8
    meelopen: MeelopenConfig = field(default_factory=MeelopenConfig)

    def problems(self) -> list[str]:
        """What is wrong with these values, as messages that name the key and value."""
        found: list[str] = []
        if self.weekly_day not in ("ma", "di", "wo", "do", "vr", "za", "zo"):
            found.append(
                f"meetings.weekly_day must be ma, di, wo, do, vr, za or zo, got {self.weekly_day!r}"
            )
        hour, _, minute = self.weekly_time.partition(":")
        if not (hour.isdecimal() and minute.isdecimal() and int(hour) < 24 and int(minute) < 60):
            found.append(f"meetings.weekly_time must look like 09:00, got {self.weekly_time!r}")
        rounds = self.meelopen
        if rounds.history_rounds < 20:
            found.append(
                f"meetings.meelopen.history_rounds must be at least 20, got {rounds.history_rounds}"
            )
        if rounds.round_weeks < 1:
            found.append(
                f"meetings.meelopen.round_weeks must be 1 or more, got {rounds.round_weeks}"
            )
        return found


@dataclass(frozen=True)
class Settings:
    """Every setting of one running bot."""

    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    teams: TeamsConfig = field(default_factory=TeamsConfig)
    directory: DirectoryConfig = field(default_factory=DirectoryConfig)
    handovers: HandoverConfig = field(default_factory=HandoverConfig)
    knelpunten: KnelpuntenConfig = field(default_factory=KnelpuntenConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    housekeeping: HousekeepingConfig = field(default_factory=HousekeepingConfig)
    meetings: MeetingsConfig = field(default_factory=MeetingsConfig)
    web: WebConfig = field(default_factory=WebConfig)
