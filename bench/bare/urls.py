from django.urls import path

from bench.bare.views import insert, orm_report
from gongjian.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/insert/", insert), path("bench/orm-report/", orm_report), *project_urlpatterns]
