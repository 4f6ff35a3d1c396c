"""Detectors: small classes with one hook, `on_event(event, ctx)`, listed by `default_detectors()`.

watch.replay              1  watchlisted credential used after upload, from another context
watch.canary              2  a canary was presented (support-store compromise suspected)
watch.drift.asn-ua        3  Panther: new ASN with a dissimilar user agent in one session
watch.drift.device-token  3  Elastic: several device-token hashes and IPs in one session
watch.drift.scripted      3  Elastic AiTM: session start, then a scripted client
watch.native              4  IdP verdicts passed through; critical on a watched session
watch.revoked-use         5  use after revocation or expiry
watch.sensitive-action    S-8: admin actions inside a flagged session
"""

from __future__ import annotations

from ._base import DetectionContext, Detector
from .canary import CanaryDetector
from .drift import AsnUaDriftDetector, DeviceTokenDriftDetector, ScriptedReplayDetector
from .native import NativeVerdictDetector
from .replay import ReplayDetector
from .revoked import RevokedUseDetector
from .sensitive import SensitiveActionDetector

__all__ = [
    "AsnUaDriftDetector",
    "CanaryDetector",
    "DetectionContext",
    "Detector",
    "DeviceTokenDriftDetector",
    "NativeVerdictDetector",
    "ReplayDetector",
    "RevokedUseDetector",
    "ScriptedReplayDetector",
    "SensitiveActionDetector",
    "default_detectors",
]


def default_detectors() -> list[Detector]:
    """Every built-in detector, in the order their alerts should appear for one event."""
    return [
        CanaryDetector(),
        ReplayDetector(),
        RevokedUseDetector(),
        NativeVerdictDetector(),
        SensitiveActionDetector(),
        AsnUaDriftDetector(),
        DeviceTokenDriftDetector(),
        ScriptedReplayDetector(),
    ]
