"""The PDF statement of service hours (WeasyPrint, with the CJK fonts of fonts-noto-cjk)."""

import base64
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gongjian.volunteers import checkin
from gongjian.volunteers.models import ServiceRecord, Statement


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('volunteers:verify')}?code={code}"


def statement_pdf(*, statement: Statement, records: Sequence[ServiceRecord]) -> bytes:
    """Render the statement: who, which period, every approved record, the total, and the code
    with the public page that checks it. It says plainly that it is the platform's statement."""
    from weasyprint import HTML

    url = verify_url(statement.code)
    qr = base64.b64encode(checkin.qr_svg(url).encode()).decode()
    html = render_to_string(
        "volunteers/statement_pdf.html",
        {
            "statement": statement,
            "volunteer": statement.volunteer,
            "records": records,
            "verify_url": url,
            "qr_data_uri": f"data:image/svg+xml;base64,{qr}",
            "site_name": settings.SITE_NAME,
            "issued_at": timezone.localtime(statement.created_at),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
