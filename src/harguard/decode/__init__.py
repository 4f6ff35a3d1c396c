"""Decode layers: one module per encoding, tried in this order by the scrubber.

They live apart from `har/` because the gateway and the audit apply the same layers to logs
and other text that is not a HAR.
"""

from ._api import Layer, Scrub
from .base64 import Base64Layer
from .form import FormLayer
from .html import HTMLLayer, XMLLayer
from .json import JSONLayer
from .multipart import MultipartLayer
from .sse import SSELayer
from .url import URLLayer

__all__ = ["LAYERS", "Layer", "Scrub"]

# Most specific first: JSON and markup are unambiguous, a form is `a=b&c=d`, base64 is last
# because many plain words are valid base64 (they decode to binary and are rejected).
LAYERS: tuple[Layer, ...] = (
    JSONLayer(),
    HTMLLayer(),
    XMLLayer(),
    URLLayer(),
    MultipartLayer(),
    SSELayer(),
    FormLayer(),
    Base64Layer(),
)
