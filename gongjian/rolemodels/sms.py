"""Sending one-time codes. The sender is pluggable: ROLEMODELS_SMS_SENDER names a class with a
``send(phone, message)`` method. The default writes to the log and keeps an outbox in memory
(the tests and the demo read codes from it); production names an SMS gateway's adapter."""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("gongjian.rolemodels.sms")


class ConsoleSender:
    """Prints the message instead of sending it; the last messages stay in :attr:`outbox`."""

    outbox: list[tuple[str, str]] = []
    OUTBOX_SIZE = 200

    def send(self, phone: str, message: str) -> None:
        # The log and the console show the number masked, as every page does (138****0009); the
        # demo's verify page and the tests read the code from the outbox, by the full number.
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
        log.warning("SMS to %s: %s", masked, message)
        print(f"[sms] {masked}: {message}", flush=True)
        type(self).outbox.append((phone, message))
        del type(self).outbox[: -self.OUTBOX_SIZE]

    @classmethod
    def last_message(cls, phone: str) -> str | None:
        for to, message in reversed(cls.outbox):
            if to == phone:
                return message
        return None


@cache
def _sender_class(path: str) -> type:
    return import_string(path)  # type: ignore[no-any-return]


def get_sender() -> ConsoleSender:
    return _sender_class(settings.ROLEMODELS_SMS_SENDER)()  # type: ignore[no-any-return]
