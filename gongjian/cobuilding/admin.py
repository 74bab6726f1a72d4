from django.contrib import admin

from gongjian.cobuilding.models import Commendation, Contribution, Plan, Project, ScoreWeight
from gongjian.core.admin import ReadOnlyAdmin

# Read-only: every change goes through the services (checked and audited).
for model in (Plan, Contribution, Project, Commendation, ScoreWeight):
    admin.site.register(model, ReadOnlyAdmin)
