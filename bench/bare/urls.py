from django.urls import path

from bench.bare.views import insert
from gongjian.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/insert/", insert), *project_urlpatterns]
