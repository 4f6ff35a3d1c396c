"""Decode layers: one module per encoding, tried in this order by the scrubber.

They live apart from `har/` because the gateway and the audit apply the same layers to logs
and other text that is not a HAR.
"""

from ._api import Layer, Scrub
from .base64 import Base64Layer
from .datauri import DataURILayer
from .form import FormLayer
from .html import HTMLLayer, XMLLayer
from .json import JSONLayer
from .multipart import MultipartLayer
from .sse import SSELayer
from .url import URLLayer

__all__ = ["LAYERS", "Layer", "Scrub"]

# Most specific first: data URIs, JSON and markup are unambiguous. Base64 comes before forms, because a
# padded base64 value (`…Pg==`) also reads as a one-pair form; a base64 value that holds no text
# is refused by its layer and falls through.
LAYERS: tuple[Layer, ...] = (
    DataURILayer(),
    JSONLayer(),
    HTMLLayer(),
    XMLLayer(),
    URLLayer(),
    MultipartLayer(),
    SSELayer(),
    Base64Layer(),
    FormLayer(),
)
