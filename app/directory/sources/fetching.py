"""Reading a source's feed: one HTTP client with the sync's timeout, answers that must be
200, and paged links that must stay on the source's own host."""

from urllib.parse import urljoin, urlsplit

import httpx

from app.errors import DomainError, UpstreamUnavailable
from app.settings import Settings


def feed_client(settings: Settings) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(settings.sync_timeout_seconds, connect=5.0),
        headers={"User-Agent": "letterdesk directory sync"},
        follow_redirects=False,
    )


def get_feed(
    client: httpx.Client, url: str, accept: str, *, not_found: DomainError | None = None
) -> httpx.Response:
    """The answer at `url`, or a 503 problem naming the source: a sync with half a feed
    must not go on. A 404 raises `not_found` where the caller knows what it means."""
    try:
        response = client.get(url, headers={"Accept": accept})
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(f"{url} did not answer ({type(error).__name__}).") from None
    if response.status_code == 404 and not_found is not None:
        raise not_found
    if response.status_code != 200:
        raise UpstreamUnavailable(f"{url} answered HTTP {response.status_code}.")
    return response


def next_page(base: str, link: object) -> str | None:
    """The next page's address, resolved against the page it came from. A link to another
    host is refused: a feed does not get to send the sync elsewhere."""
    if not isinstance(link, str) or not link:
        return None
    url = urljoin(base, link)
    if urlsplit(url)[:2] != urlsplit(base)[:2]:
        raise UpstreamUnavailable(f"The feed's next page points to another host ({url}).")
    return url
