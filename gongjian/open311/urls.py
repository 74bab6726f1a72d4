from django.urls import URLPattern, URLResolver, path, re_path

from gongjian.open311 import georeport, views

app_name = "open311"
FMT = r"\.(?P<fmt>xml|json)$"
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^v2/discovery" + FMT, georeport.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, georeport.services, name="services"),
    re_path(r"^v2/services/(?P<code>[-\w]{1,50})" + FMT, georeport.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, georeport.requests, name="requests"),
    re_path(r"^v2/requests/(?P<number>[-\w]{1,40})" + FMT, georeport.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[-\w]{1,64})" + FMT, georeport.token, name="token"),
    path("v2/<path:rest>", georeport.not_found),
    path("keys/", views.key_list, name="key-list"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
]
