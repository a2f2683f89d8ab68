"""The web app: FastAPI, server-rendered Jinja2 pages with a little plain JavaScript, and a
JSON API (OpenAPI at /docs) that offers everything the pages do."""
