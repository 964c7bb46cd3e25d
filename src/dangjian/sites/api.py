from ninja import Router

router = Router(tags=["党建示范点"])
