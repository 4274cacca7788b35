"""Prometheus metrics on a registry of our own (no process-global state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Counters and histograms the bot exposes at /metrics."""

    def __init__(self) -> None:
        # Imported here: prometheus_client brings http.server and the e-mail parser along
        # (0.02 s), which a process that is never scraped (`krokodil say`) does without.
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry: CollectorRegistry | None = CollectorRegistry()
        # Per (command, platform): its counter and histogram series (commands are few).
        self._series: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.commands = Counter(
            "krokodil_commands_total",
            "Commands handled, by command and platform",
            ["command", "platform"],
            registry=self.registry,
        )
        self.errors = Counter(
            "krokodil_errors_total",
            "Failures answered with a generic reply",
            ["kind"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "krokodil_handler_seconds",
            "Time from invocation to reply",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outbox_sent = Counter(
            "krokodil_outbox_sent_total",
            "Messages delivered from the outbox",
            ["kind", "platform"],
            registry=self.registry,
        )
        self.outbox_failed = Counter(
            "krokodil_outbox_failed_attempts_total",
            "Failed delivery attempts",
            ["platform"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "krokodil_outbox_pending", "Messages waiting for delivery", registry=self.registry
        )
        self.timers_pending = Gauge(
            "krokodil_pending_timers",
            "Reminders and escalations not yet due",
            registry=self.registry,
        )
        self.reminders_sent = Counter(
            "krokodil_reminders_sent_total",
            "Reminders delivered (meeting reminders, handover reminders and nudges)",
            ["kind"],
            registry=self.registry,
        )
        self.ticks = Counter(
            "krokodil_ticker_work_total",
            "Due items done by periodic work",
            ["ticker"],
            registry=self.registry,
        )

    def observe(self, command: str, platform: str, seconds: float) -> None:
        """Count one handled invocation and its latency (each label pair's series looked up
        once: prometheus_client's `labels` checks and joins its arguments on every call)."""
        series = self._series.get((command, platform))
        if series is None:
            series = self._series[(command, platform)] = (
                self.commands.labels(command=command, platform=platform),
                self.latency.labels(command=command),
            )
        series[0].inc()
        series[1].observe(seconds)

    def render(self) -> bytes:
        """The text exposition format."""
        from prometheus_client import generate_latest

        assert self.registry is not None
        return generate_latest(self.registry)


class Uncounted(Metrics):
    """Metrics for a process no one scrapes (`krokodil say`): counts and observations are
    dropped, and prometheus_client is never loaded."""

    def __init__(self) -> None:  # the counters of Metrics are not made
        dropped: Any = _Dropped()
        self.registry = None
        self._series = {}
        self.commands = self.errors = self.latency = dropped
        self.outbox_sent = self.outbox_failed = self.outbox_pending = dropped
        self.timers_pending = self.reminders_sent = self.ticks = dropped

    def render(self) -> bytes:
        """Nothing was counted."""
        return b""


class _Dropped:
    """Takes the place of a counter, gauge or histogram and keeps nothing."""

    def labels(self, **_labels: str) -> _Dropped:
        return self

    def inc(self, amount: float = 1) -> None:
        """Drop the count."""

    def set(self, value: float) -> None:
        """Drop the value."""

    def observe(self, value: float) -> None:
        """Drop the observation."""
