"""Redaction: keyed placeholders, partial JWTs, and the scrubber that applies them to text."""
