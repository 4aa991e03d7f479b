"""The site's main service centre (core.context_processors.main_centre, read by every page that shows the site's name):
the centre of the highest-level region, answered from a statement compiled once per connection — what it answers follows
the rows as they change."""

import pytest

from zhengwu.core.context_processors import current_site, main_centre
from zhengwu.core.models import Region, ServiceCentre

pytestmark = pytest.mark.django_db


def test_the_highest_regions_centre_names_the_site_and_follows_the_rows():
    assert main_centre() is None
    assert current_site().name == "政务服务网"
    county = Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY)
    town = Region.objects.create(
        code="360681100", name="雄石街道", level=Region.Level.TOWNSHIP, parent=county
    )
    ServiceCentre.objects.create(name="雄石街道便民服务中心", kind=ServiceCentre.Kind.TOWNSHIP, region=town)
    assert main_centre() is None  # a township's centre is not a 政务服务中心
    branch = ServiceCentre.objects.create(name="雄石分中心", kind=ServiceCentre.Kind.CENTRE, region=town)
    assert main_centre() == branch
    county_centre = ServiceCentre.objects.create(
        name="贵溪市政务服务中心", kind=ServiceCentre.Kind.CENTRE, region=county
    )
    found = main_centre()
    assert (
        found == county_centre and found.region.name == "贵溪市"
    )  # the higher region's, with its region read
    assert current_site().name == "贵溪市政务服务网"
    county.name = "贵溪市(县级市)"
    county.save()
    assert main_centre().region.name == "贵溪市(县级市)"
