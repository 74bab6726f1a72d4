from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongjian.accounts.models import ApiToken
from gongjian.accounts.selectors import user_memberships
from gongjian.core import policy
from gongjian.core.ratelimit import ratelimit

# Per-address limit on top of django-axes' per-username lockout: stops one address from
# trying many usernames.
login = ratelimit(scope="login", limit=20, window=60)(
    auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True)
)
logout = auth_views.LogoutView.as_view()


def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: roles and API tokens."""
    tokens = policy.restrict(ApiToken.objects.all(), request.user, policy.VIEW)
    return render(
        request,
        "accounts/account.html",
        {"memberships": user_memberships(user=request.user), "tokens": tokens},
    )
