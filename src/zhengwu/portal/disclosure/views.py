"""Public disclosure pages: catalogues, publications, search, feeds, sitemap, requests and tracking, CKAN API."""

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhengwu.core import clock, files, ratelimit
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation
from zhengwu.disclosure import letters, permissions, selectors, services
from zhengwu.disclosure.models import Category
from zhengwu.portal.disclosure.forms import RequesterForm, RequestForm, SearchForm, SupplementForm, TrackForm


def _org_choices(field, *, blank: str = gettext_lazy("全部机构"), organisations=None):
    organisations = selectors.disclosing_organisations() if organisations is None else organisations
    field.widget.choices = [("", blank)] + [(o.pk, o.name) for o in organisations]


def index(request):
    form = SearchForm()
    _org_choices(form.fields["org"])
    return render(
        request,
        "disclosure/portal/index.html",
        {
            "organisations": selectors.disclosing_organisations(),
            "latest": selectors.public_publications().order_by("-published_at")[:10],
            "form": form,
        },
    )


def organisation(request, pk: int):
    org = get_object_or_404(Organisation, pk=pk)
    category = None
    publications = selectors.search_publications(organisation=org.pk)
    if is_whole(request.GET.get("category", "")):
        category = get_object_or_404(Category, pk=int(request.GET["category"]), organisation=org)
        publications = selectors.search_publications(organisation=org.pk, category=category.pk)
    page = Paginator(publications, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/portal/organisation.html",
        {
            "org": org,
            "tree": selectors.catalogue(org),
            "category": category,
            "page": page,
        },
    )


def guide(request, pk: int):
    org = get_object_or_404(Organisation, pk=pk)
    return render(request, "disclosure/portal/guide.html", {"org": org, "profile": services.profile_of(org)})


def publication(request, index_number: str):
    try:
        pub = selectors.public_publication(index_number)
    except DomainError:
        return render(request, "disclosure/portal/not_found.html", status=404)
    return render(
        request,
        "disclosure/portal/publication.html",
        {
            "pub": pub,
            "interpretations": selectors.public_publications().filter(interprets=pub),
            "attachments": pub.attachments.all(),
            "replaces": selectors.public_publications().filter(replaced_by=pub),
        },
    )


def attachment(request, pk: int):
    """An attachment of a public publication, downloaded through the site (files are never served directly)."""
    try:
        row = selectors.public_attachment(pk)
    except DomainError:
        return render(request, "disclosure/portal/not_found.html", status=404)
    ext = files.EXTENSIONS.get(row.content_type, "")
    name = row.name if not ext or row.name.lower().endswith("." + ext) else f"{row.name}.{ext}"
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=row.content_type or "application/octet-stream",
    )


def search(request):
    form = SearchForm(request.GET or None)
    _org_choices(form.fields["org"])
    page = None
    if form.is_valid():
        data = form.cleaned_data
        results = selectors.search_publications(
            query=data["q"] or "",
            organisation=data["org"],
            category=data["category"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            document_number=data["number"] or "",
        )
        page = Paginator(results, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/portal/search.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
    )


def feed(request, category: int | None = None):
    """An Atom feed of the newest publications, of one catalogue category or of all."""
    qs = selectors.public_publications()
    title = _("政府信息公开")
    if category is not None:
        node = get_object_or_404(Category, pk=category)
        qs = selectors.search_publications(category=node.pk)
        title = f"{node.organisation.name} · {node.name}"
    link = request.build_absolute_uri(reverse("portal_disclosure:index"))
    atom = Atom1Feed(
        title=title, link=link, description=title, language="zh-hans", feed_url=request.build_absolute_uri()
    )
    for pub in qs.order_by("-published_at")[:50]:
        url = request.build_absolute_uri(reverse("portal_disclosure:publication", args=[pub.index_number]))
        atom.add_item(
            title=pub.title,
            link=url,
            description=pub.document_number or pub.title,
            unique_id=f"urn:zhengwu:disclosure:{pub.index_number}",
            pubdate=pub.published_at,
            updateddate=pub.published_at,
            author_name=pub.organisation.name,
        )
    return HttpResponse(atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def sitemap(request):
    """sitemap.xml of every public publication page and every catalogue."""
    urls = [request.build_absolute_uri(reverse("portal_disclosure:index"))]
    urls += [
        request.build_absolute_uri(reverse("portal_disclosure:organisation", args=[o.pk]))
        for o in selectors.disclosing_organisations()
    ]
    rows = (
        selectors.public_publications()
        .order_by("-published_at")
        .values_list("index_number", "published_at")[: 50000 - len(urls)]
    )
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    body += [f"<url><loc>{u}</loc></url>" for u in urls]
    for index_number, published_at in rows:
        loc = request.build_absolute_uri(reverse("portal_disclosure:publication", args=[index_number]))
        body.append(
            f"<url><loc>{loc}</loc><lastmod>{clock.local_date(published_at).isoformat()}</lastmod></url>"
        )
    body.append("</urlset>")
    return HttpResponse("\n".join(body), content_type="application/xml; charset=utf-8")


@require_http_methods(["GET", "POST"])
def file_request(request):
    form = RequestForm(request.POST or None)
    _org_choices(
        form.fields["organisation"], blank=_("请选择"), organisations=selectors.request_organisations()
    )
    if request.method == "POST":
        valid = form.is_valid()
        try:
            if not valid:
                # the form's own checks failed: the service's are run too, so every error shows at once
                services.check_requester(**_typed(form))
            else:
                ratelimit.limit(request, group="disclosure.request", rate="5/m")
                org = selectors.request_organisations().filter(pk=form.cleaned_data["organisation"]).first()
                if org is None:
                    raise ValidationFailed(_("请选择受理机关"), field="organisation")
                data = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
                created = services.file_request(organisation=org, channel="online", **data)
        except DomainError as exc:
            for field, message in exc.errors:
                at = field if field in form.fields else None
                if (
                    at is None or at not in form.errors
                ):  # a field Django already refused keeps its one message
                    form.add_error(at, message)
        else:
            if valid:
                # answered by a redirect (POST/redirect/GET): reloading the page that says 申请已提交 shows it again
                # instead of filing the request a second time (a stranger's reload filed two)
                request.session[FILED_KEY] = [created.number, created.access_code]
                return redirect("portal_disclosure:request_done")
    return render(
        request, "disclosure/portal/request_form.html", {"form": form}, status=422 if form.errors else 200
    )


FILED_KEY = "disclosure.filed_request"


def _typed(form: RequestForm) -> dict:
    """The requester's fields as the service reads them: cleaned where the form accepted them, as typed where not."""
    names = ("requester_kind", "requester_name", "requester_id_number", "phone", "email", "address")
    names += ("description", "delivery")
    return {name: form.cleaned_data.get(name, form.data.get(name, "")) or "" for name in names}


def request_done(request):
    """The request this browser just filed, with its number and query code; anyone else is sent to the form."""
    number, code = request.session.get(FILED_KEY) or ("", "")
    try:
        filed = services.request_by_code(number, code)
    except DomainError:
        return redirect("portal_disclosure:request")
    return render(request, "disclosure/portal/request_done.html", {"r": filed})


def track(request):
    form = TrackForm(request.GET or None)
    found = None
    if request.GET and form.is_valid():
        try:
            ratelimit.limit(request, group="disclosure.track", rate="20/m")
            found = services.request_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
        except DomainError as exc:
            form.fail(exc.message)
    return _track_page(request, form, found)


def _track_page(request, form, found, *, refused: DomainError | None = None, typed: str = ""):
    """The request's progress; after a refused 补正 or 撤回, the page again with the refusal at its form and the
    supplement as typed (it answered with a bare page that lost both)."""
    return render(
        request,
        "disclosure/portal/track.html",
        {
            "form": form,
            "r": found,
            "events": selectors.requester_events(found) if found else (),
            # what the requester (no staff account) may do now: send the supplement, withdraw
            "can": permissions.allowed_actions(None, found) if found else {},
            "refused": refused,
            "typed": typed,
        },
        status=refused.status if refused else 200,
    )


def letter(request):
    """The reply letter as PDF, for the requester (number and query code)."""
    try:
        ratelimit.limit(request, group="disclosure.track", rate="20/m")
        found = services.request_by_code(request.GET.get("number", ""), request.GET.get("code", ""))
        pdf = letters.reply_letter_pdf(found, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        return render(
            request, "disclosure/portal/not_found.html", {"message": exc.message}, status=exc.status
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reply-{found.number}.pdf"'
    return response


def withdraw(request):
    if request.method != "POST":
        return redirect("portal_disclosure:track")
    form = RequesterForm(request.POST)
    form.is_valid()  # two texts, always valid: request_by_code says when they name no request
    try:
        found = services.request_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
    except DomainError as exc:
        return render(
            request, "disclosure/portal/not_found.html", {"message": exc.message}, status=exc.status
        )
    try:
        services.withdraw_request(request=found)
    except DomainError as exc:
        return _track_page(request, TrackForm(), found, refused=exc)
    return redirect(f"{reverse('portal_disclosure:track')}?number={found.number}&code={found.access_code}")


def supplement(request):
    """The requester sends the supplement online; the reply period starts again from today (第三十条)."""
    if request.method != "POST":
        return redirect("portal_disclosure:track")
    form = SupplementForm(request.POST)
    try:
        ratelimit.limit(request, group="disclosure.track", rate="20/m")
        valid = form.is_valid()
        found = services.request_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
    except DomainError as exc:
        return render(
            request, "disclosure/portal/not_found.html", {"message": exc.message}, status=exc.status
        )
    try:
        if not valid:
            raise ValidationFailed(form.errors["content"][0], field="content")
        services.receive_supplement(request=found, content=form.cleaned_data["content"])
    except DomainError as exc:
        return _track_page(
            request, TrackForm(), found, refused=exc, typed=form.cleaned_data.get("content", "")
        )
    return redirect(f"{reverse('portal_disclosure:track')}?number={found.number}&code={found.access_code}")
