// rippledoc serve: reload this tab when its page has been rebuilt.
// The page carries the stamp of the build that wrote it (data-version, a
// random number only this page knows). It asks the server, by adding a
// <script> for /__rippledoc/version.js (the page's policy allows scripts from
// this site and no fetch()), whether this page, with this stamp, is still the
// one on disk and the last rebuild worked. The server holds that request
// until the answer is "reload" or 25 seconds pass, so the tab reloads as soon
// as the build that includes an edit is written, and asks again otherwise.
// Only a visible tab holds a request (a browser allows a few connections per
// server); a tab that comes back into view asks at once. It starts after the
// page has loaded, and does nothing from file://.
(function () {
  "use strict";
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var me = document.currentScript;
  var mine = me ? me.getAttribute("data-version") : null;
  if (!mine) return;
  var asking = false, answered = false;
  window.__rippledocReload = function (stale) {
    answered = true;
    if (stale) location.reload();
  };
  function ask() {
    if (asking || document.hidden) return;
    asking = true;
    answered = false;
    var s = document.createElement("script");
    s.src = "/__rippledoc/version.js?page=" + encodeURIComponent(location.pathname) +
      "&v=" + encodeURIComponent(mine) + "&wait=25&t=" + Date.now();
    s.onload = s.onerror = function () {
      s.remove();
      asking = false;
      // an answer: ask again at once; none (the server stopped or is restarting): wait a little
      setTimeout(ask, answered ? 0 : 1000);
    };
    document.head.appendChild(s);
  }
  document.addEventListener("visibilitychange", ask);
  if (document.readyState === "complete") ask();
  else window.addEventListener("load", ask);
})();
