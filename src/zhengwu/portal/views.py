from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# Entry tiles on the home page: (label, Bootstrap icon, search words). They lead to search until the catalogue
# pages exist.
PERSONAL_TOPICS = [
    (_("户籍办理"), "bi-house-door", "户籍"),
    (_("社会保障"), "bi-shield-check", "社保"),
    (_("医疗保障"), "bi-heart-pulse", "医保"),
    (_("婚姻登记"), "bi-people", "婚姻登记"),
    (_("就业创业"), "bi-briefcase", "就业"),
    (_("不动产登记"), "bi-building", "不动产登记"),
    (_("住房公积金"), "bi-piggy-bank", "公积金"),
    (_("出入境"), "bi-airplane", "出入境"),
    (_("驾驶证与车辆"), "bi-car-front", "驾驶证"),
    (_("退役军人服务"), "bi-award", "退役军人"),
    (_("社会救助"), "bi-hand-thumbs-up", "低保"),
    (_("教育入学"), "bi-mortarboard", "入学"),
]
BUSINESS_TOPICS = [
    (_("企业开办"), "bi-shop", "企业开办"),
    (_("工程建设"), "bi-cone-striped", "施工许可"),
    (_("税费办理"), "bi-receipt", "纳税"),
    (_("食品经营"), "bi-basket", "食品经营许可"),
    (_("投资项目"), "bi-graph-up-arrow", "投资项目"),
    (_("环境保护"), "bi-tree", "环评"),
    (_("交通运输"), "bi-truck", "道路运输"),
    (_("文化旅游"), "bi-camera", "文化经营"),
    (_("安全生产"), "bi-cone", "危险化学品"),
    (_("企业注销"), "bi-x-octagon", "注销"),
]


def home(request):
    """The public home page: search, entry tiles for people and companies, the centre's address and hours."""
    return render(
        request,
        "portal/home.html",
        {"personal_topics": PERSONAL_TOPICS, "business_topics": BUSINESS_TOPICS},
    )


# How many policy documents and questions the site search shows (the rest on their own search pages).
SITE_SEARCH_MORE = 5


def search(request):
    """Site search, what the home page's box promises: the catalogue's items (by Chinese words, Traditional
    characters, pinyin or initials; direct matches first, each with why it matched), the published policy documents
    (政府信息公开) and the hotline's frequently asked questions."""
    from zhengwu.portal.catalog.views import search_results

    query = request.GET.get("q", "").strip()[:100]
    context = {"query": query, "page": None}
    if query:
        context["page"] = search_results(request, query)
        context.update(_documents_and_questions(query))
    return render(request, "portal/search.html", context)


def _documents_and_questions(query: str) -> dict:
    from zhengwu.core import text
    from zhengwu.disclosure import selectors as disclosure
    from zhengwu.disclosure.text import plain
    from zhengwu.tickets import selectors as tickets

    publications = disclosure.search_publications(query=query)
    shown = list(publications.select_related("organisation")[:SITE_SEARCH_MORE])
    for pub in shown:
        pub.snippet = text.excerpt(pub.title, query) or text.excerpt(plain(pub.body), query)
    questions = tickets.search_knowledge(query, limit=SITE_SEARCH_MORE)
    for entry in questions:
        entry.snippet = text.excerpt(entry.title, query)
    return {
        "publications": shown,
        "publication_count": publications.count() if len(shown) == SITE_SEARCH_MORE else len(shown),
        "questions": questions,
    }
