from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "zhengwu.fees"
    label = "fees"
    verbose_name = _("统一收费")

    def ready(self):
        from zhengwu.cases import extensions
        from zhengwu.catalog import fee_sources
        from zhengwu.disclosure import annual
        from zhengwu.fees import rules, selectors, signals  # noqa: F401 — rules, signals register
        from zhengwu.supervision import bulletin, indicators

        fee_sources.register(selectors.item_fees_in_force)
        extensions.delivery_gates.append(selectors.delivery_refusal)
        extensions.fee_states.append(selectors.case_fee_state)
        annual.fee_sources.append(selectors.administrative_fees)
        if selectors.bulletin_section not in bulletin.SECTIONS:
            bulletin.SECTIONS.append(selectors.bulletin_section)
        if selectors.indicator_section not in indicators.SECTIONS:
            indicators.SECTIONS.append(selectors.indicator_section)
