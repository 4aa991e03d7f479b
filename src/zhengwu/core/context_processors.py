from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from zhengwu.core.access import staff_of
from zhengwu.core.models import ServiceCentre
from zhengwu.core.prepared import Prepared

# Where the public pages' opening hours come from when a domain states them from its own rules (the hall: office hours
# by season, 延时服务 and weekend service from the slot rules, closures from the calendar): functions of the centre
# returning the lines, [] when they know none. Registered in AppConfig.ready(), so core imports no domain.
HOURS_SOURCES: list[Callable[[ServiceCentre], list[str]]] = []


@dataclass(frozen=True)
class Site:
    """What the public pages say about whose site this is: its name and the main service centre."""

    name: str
    centre: ServiceCentre | None

    @property
    def host(self):
        """主办单位: the government above the body that runs the centre (or that body itself)."""
        managed_by = self.centre.managed_by if self.centre else None
        return (managed_by.parent or managed_by) if managed_by else None

    @property
    def operator(self):
        """承办单位: the body that runs the centre."""
        return self.centre.managed_by if self.centre else None

    @cached_property
    def hours(self) -> list[str]:
        """The centre's opening hours for the public, one statement a line: from the first of HOURS_SOURCES that
        states them, else the centre's own text (办公时间)."""
        if self.centre is None:
            return []
        for source in HOURS_SOURCES:
            lines = source(self.centre)
            if lines:
                return list(lines)
        return [self.centre.opening_hours] if self.centre.opening_hours else []


# Compiled once per connection (core.prepared): every page that shows the site's name asks it, and building and
# compiling this four-table read cost more than running it (issue 20).
_MAIN_CENTRE = Prepared(
    lambda: (
        ServiceCentre.objects.filter(kind=ServiceCentre.Kind.CENTRE)
        .select_related("region", "managed_by__parent")
        .order_by("region__level", "region__code", "pk")[:1]
    )
)


def main_centre() -> ServiceCentre | None:
    """The service centre of the highest-level region (the county's 政务服务中心), or None before any is set up."""
    return _MAIN_CENTRE.first()


def current_site() -> Site:
    """The site's name comes from ZHENGWU_SITE_NAME, else from the main centre's region (贵溪市政务服务网)."""
    centre = main_centre()
    name = getattr(settings, "ZHENGWU_SITE_NAME", "") or (
        _("%(region)s政务服务网") % {"region": centre.region.name} if centre else _("政务服务网")
    )
    return Site(name=name, centre=centre)


def zhengwu(request):
    """Values every page needs: the signed-in staff profile, the large-text (关怀模式) preference, the site."""
    return {
        "current_staff": staff_of(getattr(request, "user", None)),
        "care_mode": request.COOKIES.get("care_mode") == "1",
        # Lazy: only pages that show the site's name or centre pay for the query.
        "site": SimpleLazyObject(current_site),
    }
