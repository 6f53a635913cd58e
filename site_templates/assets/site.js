// rippledoc site: sort and filter the client table, show a client's local time.
// Plain JavaScript, no framework; without it every page is still complete.
(function () {
  "use strict";

  function initTable() {
    var table = document.getElementById("client-table");
    var filters = document.getElementById("filters");
    if (!table || !filters) return;
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var shown = document.getElementById("shown");
    var noMatch = document.getElementById("no-match");
    var text = document.getElementById("f-text");
    var selects = Array.prototype.slice.call(filters.querySelectorAll("select[data-filter]"));
    var today = table.getAttribute("data-today");
    filters.hidden = false;

    function addDays(iso, n) {
      var d = new Date(iso + "T00:00:00Z");
      d.setUTCDate(d.getUTCDate() + n);
      return d.toISOString().slice(0, 10);
    }

    function matches(row) {
      var q = text.value.trim().toLowerCase();
      if (q && row.getAttribute("data-text").indexOf(q) < 0) return false;
      for (var i = 0; i < selects.length; i++) {
        var key = selects[i].getAttribute("data-filter");
        var want = selects[i].value;
        if (!want) continue;
        if (key === "tag") {
          if ((" " + row.getAttribute("data-tags") + " ").indexOf(" " + want + " ") < 0) return false;
        } else if (key === "due") {
          var due = row.getAttribute("data-due");
          if (!due || due > addDays(today, parseInt(want, 10))) return false;
        } else if (row.getAttribute("data-" + key) !== want) {
          return false;
        }
      }
      return true;
    }

    function apply() {
      var n = 0;
      rows.forEach(function (row) {
        var ok = matches(row);
        row.hidden = !ok;
        if (ok) n++;
      });
      shown.textContent = n === rows.length ? rows.length + " clients" : n + " of " + rows.length + " clients";
      noMatch.hidden = n !== 0;
    }

    text.addEventListener("input", apply);
    selects.forEach(function (s) { s.addEventListener("change", apply); });

    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var sorted = rows.slice().sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-value") || "";
          var y = b.cells[col].getAttribute("data-value") || "";
          var c = kind === "rank" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return asc ? c : -c;
        });
        sorted.forEach(function (row) { tbody.appendChild(row); });
      });
    });
    apply();
  }

  function initClocks() {
    var clocks = document.querySelectorAll("time.localtime[data-tz]");
    if (!clocks.length || typeof Intl === "undefined") return;
    function tick() {
      Array.prototype.forEach.call(clocks, function (el) {
        try {
          el.textContent = new Intl.DateTimeFormat(undefined, {
            timeZone: el.getAttribute("data-tz"), weekday: "short", hour: "2-digit", minute: "2-digit"
          }).format(new Date());
          if (el.parentNode && el.parentNode.hasAttribute("hidden")) el.parentNode.hidden = false;
        } catch (e) { /* an unknown zone: the clock stays hidden */ }
      });
    }
    tick();
    setInterval(tick, 30000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTable();
    initClocks();
  });
})();
