"""The one JSON API (django-ninja): /api/openapi.json, /api/docs. Each app adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(title="Gongjian API", version="1", urls_namespace="api")
