// rippledoc serve: reload this tab when the site is rebuilt.
// It polls /__rippledoc/version.js by adding a <script> element (the page's
// Content-Security-Policy allows scripts from this site and no fetch()), so
// the policy stays the same as in the static build. It does nothing from file://.
(function () {
  "use strict";
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var seen = null;
  window.__rippledocVersion = function (version) {
    if (seen === null) { seen = version; return; }
    if (version !== seen) location.reload();
  };
  function poll() {
    var s = document.createElement("script");
    s.src = "/__rippledoc/version.js?t=" + Date.now();
    s.onload = s.onerror = function () { s.remove(); setTimeout(poll, 700); };
    document.head.appendChild(s);
  }
  poll();
})();
