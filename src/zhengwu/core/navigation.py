"""Navigation helpers shared by the portal's and the workbench's menus: a section's URL once its page exists, and
whether a page lies in a section."""

from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme


def url_if_built(*names: str) -> str | None:
    """The URL of the first of these route names that exists, or None while none of the pages is built yet."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def is_current(path: str, url: str | None, home: str = "/") -> bool:
    """A section is current when the page is its URL or below it (home only matches itself)."""
    if url is None:
        return False
    return path == url or (url != home and path.startswith(url))


def next_url(request, default: str, *, avoid: str = "") -> str:
    """Where to go after an action: the `next` parameter (posted, or in the address) when it stays on this site,
    else `default` (a URL or a route name; "" for none: a page that carries a next only when one was given). A
    `next` naming another site is ignored — an open redirect lets a link
    in a message send a person who trusts this site to any other."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe and candidate and not (avoid and candidate.startswith(avoid)):
        return candidate
    return resolve_url(default) if default else ""
