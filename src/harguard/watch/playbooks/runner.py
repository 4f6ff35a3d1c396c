"""Running planned actions: dry-run by default, approval for disruptive ones, idempotent,
patient with `429 Retry-After`, and every outcome in the action log.

A failure never stops the monitor or the other actions: it is logged (`failed`, with the HTTP
status or the exception type) and the next action runs. A success can update the watchlist
(`on_done`), which is what makes a later use of that credential "use after revoke".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from ...errors import DeliveryError
from .._http import request_with_retry
from ._base import Action
from .actionlog import ActionLog

__all__ = ["ActionResult", "Runner"]


@dataclass(frozen=True)
class ActionResult:
    action: Action
    outcome: str
    """planned | awaiting-approval | duplicate | done | already-gone | failed"""
    status: int | None = None


class Runner:
    def __init__(
        self,
        *,
        log: ActionLog,
        live: bool = False,
        approve: bool = False,
        auto: frozenset[str] = frozenset(),
        client: httpx.Client | None = None,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        on_done: Callable[[Action], None] | None = None,
    ) -> None:
        self.log = log
        self.live, self.approve, self.auto = live, approve, auto
        self.client = client or httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
        self.max_wait = max_wait
        self._sleep = sleep
        self.on_done = on_done

    def __repr__(self) -> str:
        return f"<Runner {'live' if self.live else 'dry-run'}>"

    def close(self) -> None:
        self.client.close()

    def run(self, actions: Iterable[Action]) -> list[ActionResult]:
        return [self._one(action) for action in actions]

    def _one(self, action: Action) -> ActionResult:
        mode = "live" if self.live else "dry-run"
        if self.log.is_done(action.idempotency_key):
            self.log.append(action, mode=mode, outcome="duplicate", detail="already done; not repeated")
            return ActionResult(action, "duplicate")
        if not self.live:
            self.log.append(action, mode=mode, outcome="planned")
            return ActionResult(action, "planned")
        if action.disruptive and not self.approve and action.playbook not in self.auto:
            self.log.append(action, mode=mode, outcome="awaiting-approval", detail="disruptive; rerun with --approve")
            return ActionResult(action, "awaiting-approval")
        try:
            response = request_with_retry(
                self.client,
                action.method,
                action.url,
                what=action.playbook,
                max_wait=self.max_wait,
                sleep=self._sleep,
                headers=action.headers,
                data=action.form,
            )
        except DeliveryError as exc:
            self.log.append(action, mode=mode, outcome="failed", detail=str(exc))
            return ActionResult(action, "failed")
        status = response.status_code
        outcome = "done" if status in action.ok else "already-gone" if status in action.gone else "failed"
        self.log.append(action, mode=mode, outcome=outcome, status=status)
        if outcome != "failed" and self.on_done is not None:
            self.on_done(action)
        return ActionResult(action, outcome, status)
