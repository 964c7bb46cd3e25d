"""`dangjian reencrypt`: rewrite every encrypted value with the newest FIELD_ENCRYPTION_KEY.

Step 2 of a key rotation (docs/deployment.md): after a new key was put in front of the old ones, this
re-encrypts ID numbers, phones and addresses in batches; the old key can be removed afterwards.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.core.crypto import EncryptedCharField


class Command(BaseCommand):
    help = "用最新的 FIELD_ENCRYPTION_KEY 重新加密全部个人信息（密钥轮换第二步）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="每批记录数")

    def handle(self, *args, batch: int, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
            if not fields:
                continue
            total, last_pk = 0, 0
            while True:
                rows = list(model._default_manager.filter(pk__gt=last_pk).order_by("pk")[:batch])
                if not rows:
                    break
                with transaction.atomic():
                    # Reading decrypted with any known key; writing encrypts with the first (newest) one.
                    model._default_manager.bulk_update(rows, fields, batch_size=500)
                total += len(rows)
                last_pk = rows[-1].pk
            self.stdout.write(f"{model._meta.verbose_name}：已重新加密 {total} 条记录（{'、'.join(fields)}）")
