"""Addresses the platform fetches, links visitors follow, and site domains:
never a way into the platform's own network, never a script."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pro.platform.exceptions import SiteValidationError
from pro.security.exceptions import UnsafeURLError
from pro.security.urls import check_fetch_url
from pro.security.urls import check_link_url
from pro.security.urls import check_public_host
from pro.testing import make_site
import pytest
import socket


INTERNAL = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/pro/@sites",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://intranet.localhost/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.0.10/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://[fd12:3456::1]/",
    "http://[2002:7f00:1::]/",
    "http://224.0.0.1/",
    "http://printer.local/",
    "http://db.internal:5432/",
]
NOT_WEB = [
    "file:///etc/passwd",
    "gopher://127.0.0.1:25/",
    "ftp://ftp.example.nl/",
    "dict://localhost:11211/",
    "javascript:alert(1)",
    "http://user:password@www.example.nl/",
    "http:///pad",
    "http://www.example.nl:99999/",
    "",
]
PUBLIC = [
    "https://www.rijksoverheid.nl/nieuws/rss",
    "http://93.184.216.34/feed.xml",
    "https://[2606:4700:4700::1111]/",
]


class TestFetchedAddresses:
    @pytest.mark.parametrize("url", INTERNAL)
    def test_an_address_inside_a_network_is_refused(self, url):
        with pytest.raises(UnsafeURLError, match="feed_url") as refused:
            check_fetch_url(url, "feed_url")

        assert refused.value.field == "feed_url"
        assert "public" in str(refused.value) or "internet" in str(refused.value)

    @pytest.mark.parametrize("url", NOT_WEB)
    def test_anything_but_a_plain_web_address_is_refused(self, url):
        with pytest.raises(UnsafeURLError, match="tracker_url"):
            check_fetch_url(url, "tracker_url")

    @pytest.mark.parametrize("url", PUBLIC)
    def test_a_public_address_is_taken(self, url):
        assert check_fetch_url(url, "feed_url") == url

    def test_a_name_that_resolves_inside_the_network_is_refused(self):
        # The machine's own name resolves to one of its addresses.
        host = socket.gethostname()
        try:
            socket.getaddrinfo(host, None)
        except socket.gaierror:
            pytest.skip(f"the machine's name {host!r} does not resolve here")

        with pytest.raises(UnsafeURLError, match="inside a network"):
            check_fetch_url(f"http://{host}/", "feed_url")

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=80) | st.from_regex(r"https?://[\w.:\[\]%@-]{0,40}/?"))
    def test_any_text_is_taken_or_refused_never_an_error(self, text):
        try:
            check_fetch_url(text, "feed_url", resolve=False)
        except UnsafeURLError as error:
            assert error.field == "feed_url"


class TestLinks:
    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "//evil.example/",
            "\\\\evil.example",
        ],
    )
    def test_a_script_or_protocol_relative_link_is_refused(self, url):
        with pytest.raises(UnsafeURLError, match="link_url"):
            check_link_url(url, "link_url")

    @pytest.mark.parametrize(
        "url",
        [
            "https://www.example.nl/",
            "mailto:info@example.nl",
            "tel:+31701234567",
            "/contact",
            "nieuws/bericht",
        ],
    )
    def test_web_mail_phone_and_site_links_are_taken(self, url):
        assert check_link_url(url, "link_url") == url


class TestDomains:
    @pytest.mark.parametrize(
        "host", ["intranet.local", "site.internal", "www.localhost", "10.0.0.1"]
    )
    def test_a_host_name_inside_a_network_is_refused(self, host):
        with pytest.raises(UnsafeURLError, match="domains"):
            check_public_host(host)

    @pytest.mark.parametrize("host", ["intranet.local", "b.internal", "x.localhost"])
    def test_the_site_factory_refuses_an_internal_domain(self, portal, host):
        with pytest.raises(SiteValidationError) as refused:
            make_site(portal, "intern", domains=[host])

        assert "inside a network" in refused.value.errors["domains"]
