"""The send function against a real local server: limits, redirects, SSRF, robots.txt, validators."""
from __future__ import annotations

import gzip

from ingest.fetch import HostPacer, fetch, fetch_file
from ingest.robots import RobotsCache
from ingest.ssrf import is_public_address, origin
from _ingest_fixtures import Route, feed_server, ingest_options  # noqa: F401 - fixture

def test_gzip_body_is_decompressed_and_user_agent_sent(feed_server):
    feed_server.routes["/z"] = Route(200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
                                     gzip.compress(b"hello compressed world"))
    result = fetch(feed_server.url("/z"), ingest_options(), trusted_origin=origin(feed_server.url("/")))
    assert result.ok and result.body == b"hello compressed world"
    headers = feed_server.requests_for("/z")[0]
    assert headers["user-agent"].startswith("aikb/") and "gzip" in headers["accept-encoding"]


def test_redirect_chain_longer_than_the_limit(feed_server):
    for i in range(6):
        feed_server.routes[f"/r{i}"] = Route(301, {"Location": f"/r{i + 1}"})
    feed_server.routes["/r6"] = Route(200, {"Content-Type": "text/plain"}, b"end")
    trusted = origin(feed_server.url("/"))
    long_chain = fetch(feed_server.url("/r0"), ingest_options(max_redirects=4), trusted_origin=trusted)
    assert long_chain.error.startswith("too many redirects")
    short_chain = fetch(feed_server.url("/r3"), ingest_options(max_redirects=4), trusted_origin=trusted)
    assert short_chain.ok and short_chain.body == b"end" and short_chain.final_url.endswith("/r6")


def test_redirect_to_a_private_address_is_checked_at_each_hop(feed_server):
    feed_server.routes["/out"] = Route(302, {"Location": "http://169.254.169.254/latest/meta-data/"})
    result = fetch(feed_server.url("/out"), ingest_options(), trusted_origin=origin(feed_server.url("/")))
    assert result.error.startswith("blocked") and "169.254.169.254" in result.error


def test_untrusted_loopback_and_odd_schemes_refused(feed_server):
    feed_server.routes["/p"] = Route(200, {"Content-Type": "text/plain"}, b"secret")
    assert fetch(feed_server.url("/p"), ingest_options()).error.startswith("blocked")
    assert "scheme" in fetch("file:///etc/passwd", ingest_options()).error
    assert "scheme" in fetch("gopher://example.org/", ingest_options()).error
    assert feed_server.requests_for("/p") == []  # refused before any request was sent


def test_address_classes():
    for private in ("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "::1",
                    "fe80::1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "fc00::1"):
        assert not is_public_address(private), private
    for public in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"):
        assert is_public_address(public), public


def test_conditional_get_returns_304(feed_server):
    def handle(handler):
        if handler.headers.get("If-None-Match") == '"abc"':
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        else:
            from _ingest_fixtures import send

            send(handler, Route(200, {"Content-Type": "text/plain", "ETag": '"abc"'}, b"body"))

    feed_server.routes["/c"] = handle
    trusted = origin(feed_server.url("/"))
    first = fetch(feed_server.url("/c"), ingest_options(), trusted_origin=trusted)
    assert first.ok and first.headers["etag"] == '"abc"'
    second = fetch(feed_server.url("/c"), ingest_options(), trusted_origin=trusted, etag=first.headers["etag"])
    assert second.not_modified and second.body == b"" and second.error is None


def test_robots_txt_disallows_pages_but_not_feeds(feed_server):
    feed_server.routes["/robots.txt"] = Route(200, {"Content-Type": "text/plain"},
                                              b"User-agent: aikb\nDisallow: /private/\n")
    feed_server.routes["/private/a.html"] = Route(200, {"Content-Type": "text/html"}, b"<p>x</p>")
    feed_server.routes["/public/b.html"] = Route(200, {"Content-Type": "text/html"}, b"<p>y</p>")
    settings, trusted, robots = ingest_options(), origin(feed_server.url("/")), RobotsCache()
    denied = fetch(feed_server.url("/private/a.html"), settings, trusted_origin=trusted, robots=robots)
    allowed = fetch(feed_server.url("/public/b.html"), settings, trusted_origin=trusted, robots=robots)
    assert denied.error == "disallowed by robots.txt" and allowed.ok
    assert len(feed_server.requests_for("/robots.txt")) == 1  # cached per origin
    assert feed_server.requests_for("/private/a.html") == []
    ignoring = fetch(feed_server.url("/private/a.html"), ingest_options(obey_robots=False),
                     trusted_origin=trusted, robots=RobotsCache())
    assert ignoring.ok


def test_connection_refused_is_a_result_not_an_exception(feed_server):
    port = feed_server.port
    feed_server.close()
    result = fetch(f"http://127.0.0.1:{port}/gone", ingest_options(), trusted_origin=("http", "127.0.0.1", port))
    assert result.status is None and result.error


def test_host_pacer_spaces_requests_to_one_host():
    pacer = HostPacer(0.2)
    pacer.wait("http://a.example/1")
    # the next slot for the same host is reserved 0.2 s later; another host is free at once
    assert pacer._last["a.example"] > 0
    before = dict(pacer._last)
    pacer.wait("http://b.example/1")
    assert pacer._last["a.example"] == before["a.example"]


def test_fetch_file_and_its_validator(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(b"<rss/>")
    first = fetch_file(path.as_uri(), ingest_options())
    assert first.ok and first.body == b"<rss/>"
    again = fetch_file(path.as_uri(), ingest_options(), last_modified=first.headers["last-modified"])
    assert again.not_modified
    assert fetch_file((tmp_path / "missing.xml").as_uri(), ingest_options()).error.startswith("cannot read")
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    assert "body over" in fetch_file(big.as_uri(), ingest_options(max_bytes=1000)).error


def test_headers_trickled_one_byte_at_a_time_hit_the_deadline(feed_server):
    import time

    from _ingest_fixtures import trickle_headers

    feed_server.routes["/th"] = trickle_headers(0.1)
    started = time.monotonic()
    result = fetch(feed_server.url("/th"), ingest_options(timeout=1.0), trusted_origin=origin(feed_server.url("/")))
    assert result.error.startswith("deadline") and result.status is None
    assert time.monotonic() - started < 10  # the headers alone would take 25 s


def test_private_addresses_refused_at_connect_time_too(feed_server):
    """The socket layer checks the address it connects to, whatever fetch() checked before."""
    import time

    import httpx

    from ingest.fetch import make_client
    from ingest.transport import request_policy

    feed_server.routes["/s"] = Route(200, {"Content-Type": "text/plain"}, b"secret")
    with make_client(ingest_options()) as client:
        with request_policy(time.monotonic() + 5, allow_private=False):
            try:
                client.get(feed_server.url("/s"))
                raise AssertionError("connected to a loopback address")
            except httpx.ConnectError as exc:
                assert "blocked" in str(exc)
        with request_policy(time.monotonic() + 5, allow_private=True):
            assert client.get(feed_server.url("/s")).content == b"secret"
