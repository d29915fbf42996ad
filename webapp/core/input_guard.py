"""Refuse request values no keyboard produces and no database should store.

A NUL character cannot be stored in PostgreSQL text and is cut or mangled elsewhere: such a request is answered
with a Chinese 400 page before any view runs (every database behaves the same way).
"""
from flask import Flask, abort, request


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        if request.method in ("POST", "PUT", "PATCH") and any("\x00" in value for value in request.form.values()):
            abort(400)
        if any("\x00" in value for value in request.args.values()):
            abort(400)
