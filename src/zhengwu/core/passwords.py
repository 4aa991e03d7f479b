"""Password rules as the sign-up and the admin say them. Django's minimum-length message is a plural (ngettext) and
reached people in English in the middle of Chinese ones (This password is too short. It must contain at least 8
characters. 这个密码太常见了。): Chinese has one form, so the message here is a plain gettext."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_error_message(self):
        return _("密码太短,至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("密码至少 %(min_length)d 个字符。") % {"min_length": self.min_length}
