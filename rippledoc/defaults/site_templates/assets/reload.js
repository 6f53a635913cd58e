// rippledoc serve: reload this tab when its page has been rebuilt.
// The page carries the stamp of the build that wrote it (data-version, a
// random number only this page knows). It asks the server, by adding a
// <script> for /__rippledoc/version.js (the page's policy allows scripts from
// this site and no fetch()), whether this page, with this stamp, is still the
// one on disk and the last rebuild worked, and reloads when not.
// It does nothing from file://.
(function () {
  "use strict";
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var me = document.currentScript;
  var mine = me ? me.getAttribute("data-version") : null;
  if (!mine) return;
  window.__rippledocReload = function (stale) {
    if (stale) location.reload();
  };
  function poll() {
    var s = document.createElement("script");
    s.src = "/__rippledoc/version.js?page=" + encodeURIComponent(location.pathname) +
      "&v=" + encodeURIComponent(mine) + "&t=" + Date.now();
    s.onload = s.onerror = function () { s.remove(); setTimeout(poll, 600); };
    document.head.appendChild(s);
  }
  poll();
})();
