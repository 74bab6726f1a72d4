from ninja import Router

router = Router(tags=["open311"])
