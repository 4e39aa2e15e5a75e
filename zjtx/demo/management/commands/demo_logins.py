from typing import Any

from django.core.management.base import BaseCommand

from zjtx.demo import seeding


class Command(BaseCommand):
    help = "Print one demo login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\n演示账号 Demo logins (password 密码: {seeding.DEMO_PASSWORD})")
        for username, role_label, scope, otp in seeding.demo_login_rows():
            flag = "  [TOTP]" if otp else ""
            self.stdout.write(f"  {username:<17} {role_label:<12} {scope}{flag}")
        self.stdout.write(
            "TOTP 用户的动态码：python manage.py demo_otp_code <用户名>；"
            f"或在验证器 App 中添加密钥 {seeding.DEMO_TOTP_BASE32}\n"
        )
