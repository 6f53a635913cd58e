// rippledoc serve: reload this tab when its page has been rebuilt.
// The page knows the build it came from (data-version). It asks the server,
// by adding a <script> for /__rippledoc/version.js (the page's policy allows
// scripts from this site and no fetch()), which build last wrote this page
// and whether the last rebuild failed, and reloads when either changed.
// It does nothing from file://.
(function () {
  "use strict";
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var me = document.currentScript;
  var mine = me ? me.getAttribute("data-version") : null;
  window.__rippledocVersion = function (version, failed) {
    if (failed ? mine !== "error" : String(version) !== mine) location.reload();
  };
  function poll() {
    var s = document.createElement("script");
    s.src = "/__rippledoc/version.js?page=" + encodeURIComponent(location.pathname) + "&t=" + Date.now();
    s.onload = s.onerror = function () { s.remove(); setTimeout(poll, 600); };
    document.head.appendChild(s);
  }
  poll();
})();
