from ninja import Router

router = Router(tags=["消息提醒"])
