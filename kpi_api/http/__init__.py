"""The ASGI plumbing both faces share: problem documents, authentication and rate limits,
CORS, body and time guards, the work pool, security headers and the response cache."""
