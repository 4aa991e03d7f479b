from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    label = "licences"
    verbose_name = _("电子证照")

    def ready(self):
        from django.db.models import OuterRef, Q

        from zhengwu.cases import extensions, library, records
        from zhengwu.catalog import selectors as catalog_selectors
        from zhengwu.licences import indicators as licence_indicators
        from zhengwu.licences import (
            panels,
            reuse,
            services,
            signals,  # noqa: F401 — a grant issues its licence in the decision's transaction
        )
        from zhengwu.licences.models import LicenceType
        from zhengwu.supervision import indicators

        # read with the locked case: the licence type a grant of its item issues, if any (services.type_for_item)
        records.add_locked_fact(
            "_zw_licence_type_id",
            lambda: (
                LicenceType.objects.filter(Q(items=OuterRef("item_id")) | Q(renewal_item=OuterRef("item_id")))
                .order_by("id")
                .values("id")[:1]
            ),
        )
        # read with the item (catalog.selectors.item_by_code): whether an application for it may change a licence
        catalog_selectors.add_item_fact(
            "_zw_licence_type_id",
            lambda: (
                LicenceType.objects.filter(Q(items=OuterRef("pk")) | Q(renewal_item=OuterRef("pk")))
                .order_by("id")
                .values("id")[:1]
            ),
        )
        library.register(reuse)
        # 行政许可法 第五十条: no 变更 of a licence whose validity has ended — refused at submission and at the grant
        extensions.application_checks.append(services.change_refusal)
        extensions.grant_gates.append(services.grant_refusal)
        # 签发电子证照数 and the 免提交 rate beside the case indicators, for any period and grouping
        indicators.add_source(
            licence_indicators.source, licence_indicators.COLUMNS, nullable=licence_indicators.RATES
        )
        extensions.portal_panels.append(panels.portal_panel)
        extensions.workbench_panels.append(panels.workbench_panel)
