// rippledoc site: sort and filter the client table, show a client's local time.
// Plain JavaScript, no framework; without it every page is still complete.
(function () {
  "use strict";

  // Every client, for the filter of a split table (search/clients.js, rippledoc/site/split.py: clients_script):
  // loaded with a <script> the first time a filter is used, so it works from file:// under the site's CSP.
  function loadEveryone(src) {
    return new Promise(function (resolve, reject) {
      window.rippledocSearch = function (name, data, sealed) {
        if (name !== "clients") return;
        if (!sealed) { resolve(data); return; }
        if (typeof window.rippledocUnseal !== "function") { reject(new Error("the list is encrypted")); return; }
        window.rippledocUnseal("search/clients.js", sealed.nonce, sealed.data).then(function (text) {
          if (text === null) reject(new Error("the list did not decrypt"));
          else resolve(JSON.parse(text));
        }, reject);
      };
      var s = document.createElement("script");
      s.src = src;
      s.onerror = function () { reject(new Error("cannot read search/clients.js")); };
      document.head.appendChild(s);
    });
  }

  var RANK = { level: { "for-life": 0, key: 1, base: 2 }, grade: { top: 0, two: 1, three: 2 } };

  // A row as clients.html renders one, from a row of search/clients.js.
  function makeRow(r, links, root) {
    var tr = document.createElement("tr");
    var text = [r[1], r[11], r[6], r[12]].join(" ").toLowerCase();  // as clients.html's data-text
    var attrs = { level: r[2], grade: r[3], owner: r[4], status: r[5], tags: r[6], due: r[8], text: text };
    Object.keys(attrs).forEach(function (k) { tr.setAttribute("data-" + k, attrs[k]); });
    function cell(value, label) {
      var td = document.createElement("td");
      td.setAttribute("data-value", value);
      if (label) td.setAttribute("data-label", label);
      tr.appendChild(td);
      return td;
    }
    function badge(td, cls, text) {
      var b = document.createElement("span");
      b.className = "badge " + cls;
      b.textContent = text;
      td.appendChild(b);
    }
    var name = cell(r[1].toLowerCase());
    var a = document.createElement("a");
    a.href = new URL(links[r[0]], root).href;
    a.textContent = r[1];
    name.appendChild(a);
    if (r[5] !== "active") { name.appendChild(document.createTextNode(" ")); badge(name, "status-" + r[5], r[5]); }
    if (r[10]) { name.appendChild(document.createTextNode(" ")); badge(name, "warn", r[10] + (r[10] === 1 ? " problem" : " problems")); }
    badge(cell(String(RANK.level[r[2]])), "level-" + r[2], r[2]);
    var grade = cell(String(r[3] in RANK.grade ? RANK.grade[r[3]] : 3));
    if (r[3] !== "-") badge(grade, "grade-" + r[3], r[3]);
    cell(r[4] || "~", "owner").textContent = r[4];
    var tags = cell(r[6]);
    tags.className = "hide-sm";
    tags.textContent = r[6].split(" ").filter(Boolean).join(", ");
    cell(r[7] || "0000", "last reached").textContent = r[7] || "never";
    var due = cell(r[8] || "9999", "due");
    due.textContent = r[8];
    if (r[9]) due.title = r[9];
    return tr;
  }

  function initTable() {
    var table = document.getElementById("client-table");
    var filters = document.getElementById("filters");
    if (!table || !filters) return;
    var tbody = table.tBodies[0];
    var own = Array.prototype.slice.call(tbody.rows);  // this page's rows
    var rows = own;  // the rows filtered and sorted: this page's, or every client's once a filter is used
    var everyone = table.getAttribute("data-href");  // set when the table is split over pages
    var all = null, failed = "";
    var MAX = 500;  // rows of every client's shown at once
    var shown = document.getElementById("shown");
    var noMatch = document.getElementById("no-match");
    var pick = document.getElementById("pick-letter");
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

    function filtering() {
      return !!text.value.trim() || selects.some(function (s) { return !!s.value; });
    }

    function fetchAll() {
      shown.textContent = "Reading every client…";
      var src = new URL(everyone, location.href);
      loadEveryone(src.href).then(function (data) {
        var root = new URL("../", src);
        all = data.rows.map(function (r) { return makeRow(r, data.links, root); });
        apply();
      }, function (e) { failed = e.message; apply(); });
    }

    function apply() {
      if (everyone && filtering() && !failed) {
        if (!all) { fetchAll(); return; }
        if (rows !== all) rows = all;
        var found = rows.filter(matches);
        tbody.textContent = "";
        found.slice(0, MAX).forEach(function (row) { row.hidden = false; tbody.appendChild(row); });
        shown.textContent = found.length + " of " + rows.length + " clients" +
          (found.length > MAX ? "; the first " + MAX + " shown, filter more to see the rest" : "");
        noMatch.hidden = found.length !== 0;
        if (pick) pick.hidden = true;
        return;
      }
      if (rows !== own) {
        rows = own;
        tbody.textContent = "";
        own.forEach(function (row) { tbody.appendChild(row); });
      }
      var n = 0;
      own.forEach(function (row) {
        var ok = matches(row);
        row.hidden = !ok;
        if (ok) n++;
      });
      var here = own.length + " clients";
      shown.textContent = failed ? "Only this page's clients: " + failed : !own.length ? "" :
        (n === own.length ? here : n + " of " + here) + (everyone ? " on this page; a filter finds clients of every letter" : "");
      noMatch.hidden = n !== 0 || !own.length;
      if (pick) pick.hidden = filtering();
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
        function order(a, b) {
          var x = a.cells[col].getAttribute("data-value") || "";
          var y = b.cells[col].getAttribute("data-value") || "";
          var c = kind === "rank" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return asc ? c : -c;
        }
        own.sort(order);
        if (all) all.sort(order);
        if (rows === own) own.forEach(function (row) { tbody.appendChild(row); });
        else apply();
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
