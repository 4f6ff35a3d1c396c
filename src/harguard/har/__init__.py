"""The HAR data model's edges: loading (limits, archives, encodings), the walk, atomic writes."""
