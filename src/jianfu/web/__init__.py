"""The web platform: FastAPI `create_app(settings)`, pages in Simplified Chinese and a JSON API under /api."""
