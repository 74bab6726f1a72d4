import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gongjian.core import audit


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID) and echoes it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 32 else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class AuditContextMiddleware:
    """Binds the acting user, client address and request id to every audit entry this request writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.context(
            actor=lambda: getattr(request, "user", None),
            remote_addr=audit.client_ip(request),
            request_id=getattr(request, "request_id", ""),
        ):
            return self.get_response(request)
