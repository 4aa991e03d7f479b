"""Navigation helpers shared by the portal's and the workbench's menus: a section's URL once its page exists, and
whether a page lies in a section."""

from django.urls import NoReverseMatch, reverse


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
