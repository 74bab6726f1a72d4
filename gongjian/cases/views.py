from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


public_list = public_map = public_map_data = report = nearby = public_detail = me_too = follow = photo = _todo
manage_list = manage_export = manage_new = manage_detail = manage_action = mine = _todo
category_list = category_import = _todo
