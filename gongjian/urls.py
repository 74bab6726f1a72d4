from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from gongjian.api import api
from gongjian.core.views import api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/<path:rest>", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gongjian.core.urls")),
    path("accounts/", include("gongjian.accounts.urls")),
    path("places/", include("gongjian.places.urls")),
    path("units/", include("gongjian.units.urls")),
    path("", include("gongjian.pairings.urls")),
    path("cases/", include("gongjian.cases.urls")),
    path("open311/", include("gongjian.open311.urls")),
    path("volunteers/", include("gongjian.volunteers.urls")),
    path("rolemodels/", include("gongjian.rolemodels.urls")),
    path("cobuilding/", include("gongjian.cobuilding.urls")),
]

admin.site.site_header = settings.SITE_NAME
