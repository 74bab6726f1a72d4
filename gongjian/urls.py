from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from gongjian.api import api
from gongjian.core.views import api_not_found

# Django tries these in order, so the endpoints a crowd or a machine calls come first (a resident's
# report and an Open311 client's, a like), and the includes without a prefix, whose every pattern
# is tried against every path, last.
urlpatterns = [
    path("open311/", include("gongjian.open311.urls")),
    path("rolemodels/", include("gongjian.rolemodels.urls")),
    path("cases/", include("gongjian.cases.urls")),
    path("volunteers/", include("gongjian.volunteers.urls")),
    path("cobuilding/", include("gongjian.cobuilding.urls")),
    path("accounts/", include("gongjian.accounts.urls")),
    path("places/", include("gongjian.places.urls")),
    path("units/", include("gongjian.units.urls")),
    path("api/", api.urls),
    path("api/<path:rest>", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("gongjian.core.urls")),
    path("", include("gongjian.pairings.urls")),
]

admin.site.site_header = settings.SITE_NAME
