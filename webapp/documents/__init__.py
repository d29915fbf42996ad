"""Document builders: pure functions of data that return bytes (no request objects)."""
