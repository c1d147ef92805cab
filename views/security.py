"""HTTP security: headers and cookies. Extended by the trust work (CSP, rate limits)."""

from flask import Flask


def init_security(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
