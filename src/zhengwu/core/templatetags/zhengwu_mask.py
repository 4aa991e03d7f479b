"""Template filters that mask personal data: {% load zhengwu_mask %} {{ applicant.id_number|mask_id }}."""

from django import template

from zhengwu.core import masking

register = template.Library()

# Not is_safe: a masked value is still the user's text and must be escaped like any other.
register.filter("mask_id", masking.mask_resident_id)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_name", masking.mask_name)
register.filter("mask_address", masking.mask_address)
register.filter("mask_email", masking.mask_email)
