/* Starts the site's own Matomo or Piwik PRO tracker with privacy defaults:
   no cookies, no user id, Do Not Track honoured. The tracker's address and
   site id come from the script tag's data attributes. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var provider = script.getAttribute("data-provider");
  var tracker = script.getAttribute("data-tracker");
  var siteId = script.getAttribute("data-site-id");
  var files = {
    matomo: ["matomo.php", "matomo.js"],
    piwikpro: ["ppms.php", "ppms.js"]
  }[provider];
  if (!files || !tracker || !siteId) {
    return;
  }
  var queue = (window._paq = window._paq || []);
  queue.push(["disableCookies"]);
  queue.push(["setDoNotTrack", true]);
  queue.push(["setTrackerUrl", tracker + files[0]]);
  queue.push(["setSiteId", siteId]);
  queue.push(["trackPageView"]);
  queue.push(["enableLinkTracking"]);
  var loader = document.createElement("script");
  loader.async = true;
  loader.src = tracker + files[1];
  document.head.appendChild(loader);
})();
