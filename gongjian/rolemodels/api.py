from ninja import Router

router = Router(tags=["rolemodels"])
