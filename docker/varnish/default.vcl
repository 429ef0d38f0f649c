vcl 4.1;

# The HTTP cache in front of the PRO instances (docker/compose.yaml runs it on
# port 8080, HAProxy behind it). What is cached and for how long is decided by
# the instances: plone.app.caching sends Cache-Control with s-maxage for pages
# anonymous visitors may share, and PURGE requests after each change. This
# file only adds what a cache must decide itself: who may purge, which
# requests never come from the cache, and which cookies do not matter.

import std;

backend instances {
    .host = "haproxy";
    .port = "8080";
    .connect_timeout = 5s;
    # Large uploads and slow control panels can take minutes.
    .first_byte_timeout = 300s;
    .between_bytes_timeout = 60s;
}

# The instances send purges; nobody else may empty the cache.
acl purgers {
    "localhost";
    "127.0.0.1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    # The container's health check: Varnish itself answers.
    if (req.url == "/varnish-health") {
        return (synth(200, "OK"));
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Purging is not allowed from this address"));
        }
        call purge_by_path;
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # Editors, site owners and API clients always get a fresh page of their
    # own: nothing they see is taken from, or put into, the cache.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)__ac=") {
        return (pass);
    }

    # Analytics cookies set by scripts in the browser do not change the page;
    # without them the request can be served from the cache.
    if (req.http.Cookie) {
        set req.http.Cookie = regsuball(req.http.Cookie,
            "(^|;\s*)(_ga[^=]*|_gid|_gat[^=]*|_pk_[^=]*|_hj[^=]*|__utm[^=]*|_fbp|_gcl_[^=]*|utm_[^=]*)=[^;]*",
            "");
        set req.http.Cookie = regsub(req.http.Cookie, "^;\s*", "");
        if (req.http.Cookie ~ "^\s*$") {
            unset req.http.Cookie;
        }
    }
    # Any other cookie or header falls through to Varnish's built-in rules,
    # which pass requests that still carry a cookie.
}

# A purge names a path, or a path on one host in the Virtual Host Monster
# form the platform uses for the sites' own domains:
#   /VirtualHostBase/http/www.example.nl:80/pro/site/VirtualHostRoot/nieuws
# Every variant of the page is banned: with and without a trailing slash, with
# each query string (filtered listings) and each Vary alternative.
sub purge_by_path {
    if (req.url ~ "^/VirtualHostBase/") {
        set req.http.X-Purge-Host = std.tolower(regsub(req.url,
            "^/VirtualHostBase/[^/]+/([^/:]+)(:[0-9]+)?/.*$", "\1"));
        set req.http.X-Purge-Path = regsub(req.url,
            "^/VirtualHostBase/.*?/VirtualHostRoot", "");
    } else {
        # A platform path (/pro/site/...) is the same page on every host that
        # serves the platform.
        unset req.http.X-Purge-Host;
        set req.http.X-Purge-Path = req.url;
    }
    set req.http.X-Purge-Path = regsub(req.http.X-Purge-Path, "/$", "");
    set req.http.X-Purge-Ban = "obj.http.X-Url ~ ^" + req.http.X-Purge-Path +
        "/?(\?.*)?$";
    if (req.http.X-Purge-Host) {
        set req.http.X-Purge-Ban = "obj.http.X-Host == " + req.http.X-Purge-Host +
            " && " + req.http.X-Purge-Ban;
    }
    ban(req.http.X-Purge-Ban);
}

sub vcl_hash {
    # plone.restapi answers JSON at a page's own URL to clients that ask for
    # it, without a Vary header, so the JSON is kept apart from the page.
    if (req.http.Accept ~ "application/json") {
        hash_data("application/json");
    }
    # Varnish's built-in rules add the URL and the host.
}

sub vcl_backend_fetch {
    # Each instance keeps anonymous pages in RAM too, and sees a change made
    # on another instance up to a second late. Varnish refills a page right
    # after its purge, so it must get the page fresh from Zope.
    set bereq.http.X-Pro-Ram-Cache-Pass = "1";
}

sub vcl_backend_response {
    # Bans match these, so the ban lurker can evict objects in the background.
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Host = std.tolower(regsub(bereq.http.Host, ":[0-9]+$", ""));

    # While every instance is down or restarting, serve what is cached for up
    # to an hour rather than an error.
    set beresp.grace = 1h;

    # Cache-Control and Vary from the instances are honoured and passed on as
    # they are: the built-in rules take the TTL from s-maxage or max-age and
    # keep responses marked private, no-cache or no-store, or that set a
    # cookie, out; a Vary header keeps one object per variant.
}

sub vcl_deliver {
    unset resp.http.X-Url;
    unset resp.http.X-Host;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
