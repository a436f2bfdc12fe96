"""Prometheus metrics at /metrics.

Counted in each process: requests by endpoint, method and status, and their latency. Read
from the database at scrape time (cheap COUNTs on indexed columns): SMS waiting in the outbox,
SMS given up on, overdue issues, and whether a scheduler process holds the leader lock.

Under gunicorn every worker counts for itself; set PROMETHEUS_MULTIPROC_DIR to an empty
directory writable by the workers (before they start: prometheus_client reads it on import)
and any worker's /metrics adds them all up.

Who may read it: a direct caller from the loopback or a private network (a Prometheus on the
host or the LAN, not a request relayed by the proxy), or anyone presenting
`Authorization: Bearer <METRICS_TOKEN>`. Everyone else gets 403.
"""
import hmac
import ipaddress
import time
from datetime import datetime, timezone
from functools import cache

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from models import Issue, SmsMessage, SmsStatus
from models.enums import OPEN_STATUSES
from service.core.scheduler_lock import leaders
from service.deadlines.calendar import local_date

from .errors import envelope

PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")
# The loopback and the RFC 1918 / RFC 4193 private networks (not ipaddress's wider is_private,
# which also counts documentation and other reserved ranges).
LOCAL_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"))


@cache
def _instruments() -> tuple[CollectorRegistry, Counter, Histogram]:
    """Made once per process, on first use rather than on import."""
    registry = CollectorRegistry(auto_describe=True)
    requests = Counter("ys_http_requests_total", "HTTP requests answered",
                       ("endpoint", "method", "status"), registry=registry)
    latency = Histogram("ys_http_request_duration_seconds", "Time to answer a request",
                        ("endpoint", "method"), registry=registry,
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
    return registry, requests, latency


class _DatabaseGauges:
    """Gauges read from the database when scraped, so every worker reports the same truth."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        today = local_date(datetime.now(timezone.utc))
        with self.engine.connect() as conn:
            pending = conn.execute(select(func.count()).select_from(SmsMessage)
                                   .where(SmsMessage.status == SmsStatus.PENDING)).scalar()
            failed = conn.execute(select(func.count()).select_from(SmsMessage)
                                  .where(SmsMessage.status == SmsStatus.FAILED)).scalar()
            overdue = conn.execute(select(func.count()).select_from(Issue).where(
                Issue.status.in_(OPEN_STATUSES), Issue.next_due < today)).scalar()
            leader = leaders(conn)
        yield GaugeMetricFamily("ys_sms_outbox_pending", "SMS waiting in the outbox", value=pending)
        yield GaugeMetricFamily("ys_sms_failed", "SMS given up on (status failed)", value=failed)
        yield GaugeMetricFamily("ys_issues_overdue", "Open issues past their nearest deadline",
                                value=overdue)
        if leader is not None:
            yield GaugeMetricFamily("ys_scheduler_leader", "Scheduler processes holding the leader "
                                    "lock (1 when the jobs run, 0 when no scheduler leads)", value=leader)


class _Forward:
    def __init__(self, registry: CollectorRegistry):
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()


def _allowed() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    if any(h in request.headers for h in PROXY_HEADERS):
        return False  # relayed by a proxy: the peer address says nothing about the caller
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if getattr(peer, "ipv4_mapped", None):
        peer = peer.ipv4_mapped
    return any(peer in network for network in LOCAL_NETWORKS)


def scrape(engine, multiprocess_dir: str | None = None) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir:
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Forward(_instruments()[0]))
    registry.register(_DatabaseGauges(engine))
    return generate_latest(registry)


def init_app(app: Flask) -> None:
    _instruments()

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            _, requests, latency = _instruments()
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            requests.labels(endpoint, request.method, str(response.status_code)).inc()
            latency.labels(endpoint, request.method).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics():
        if not _allowed():
            return envelope(403, "forbidden", "指标仅对本机、内网或持有 METRICS_TOKEN 的调用方开放")
        body = scrape(app.extensions["ys"]["engine"], app.config["PROMETHEUS_MULTIPROC_DIR"])
        return Response(body, mimetype=CONTENT_TYPE_LATEST)
