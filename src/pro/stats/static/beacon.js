/* Counts this page view for the platform's own statistics: no cookies, no
   storage, nothing that identifies the visitor. Configuration comes from the
   script tag's data attributes, so the page itself may come from a cache. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon) {
    return;
  }
  var site = script.getAttribute("data-site");
  var root = script.getAttribute("data-root") || "";
  var endpoint = script.getAttribute("data-endpoint");
  var searchResults = script.getAttribute("data-search-results");
  var downloadPattern = /\/@@(download|display-file)\/|\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|csv|zip|txt|rtf|epub|mp3|mp4)$/i;

  function sitePath(pathname) {
    if (root && pathname.indexOf(root) === 0) {
      pathname = pathname.slice(root.length);
    }
    return pathname || "/";
  }

  function send(fields) {
    var data = new URLSearchParams();
    data.set("s", site);
    Object.keys(fields).forEach(function (name) {
      if (fields[name] !== null && fields[name] !== "") {
        data.set(name, fields[name]);
      }
    });
    navigator.sendBeacon(endpoint, data);
  }

  function referrerHost() {
    if (!document.referrer) {
      return "";
    }
    try {
      var host = new URL(document.referrer).hostname;
      return host === location.hostname ? "" : host;
    } catch (error) {
      return "";
    }
  }

  var query = new URLSearchParams(location.search);
  var page = {
    p: sitePath(location.pathname),
    r: referrerHost(),
    w: String(Math.round(window.innerWidth || 0)),
    utm_source: query.get("utm_source"),
    utm_medium: query.get("utm_medium"),
    utm_campaign: query.get("utm_campaign")
  };
  if (searchResults !== null && query.get("SearchableText")) {
    page.q = query.get("SearchableText");
    page.n = searchResults;
  }
  send(page);

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== location.origin) {
      return;
    }
    if (downloadPattern.test(link.pathname)) {
      send({ k: "download", p: sitePath(link.pathname) });
    }
  });
})();
