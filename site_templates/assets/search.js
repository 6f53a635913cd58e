// rippledoc site: search the book as you type. The index is search/*.js, built with the site
// (rippledoc/site/search.py says its format); each file is loaded with a <script> only when a
// query needs it, so it works from file:// and nothing leaves this computer. In an encrypted
// build each file is sealed like a page and opened with this tab's key (assets/rippledoc-decrypt.js).
(function () {
  "use strict";
  var me = document.currentScript;
  var LIMIT = 100;      // results shown
  var MAX_PARTS = 60;   // text parts read for one query at most (about 4 MB), when few lines hold the whole query
  var CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}";
  var WORD = /[\p{L}\p{N}_]+/gu;
  var PIECE = new RegExp("[" + CJK + "]|[^" + CJK + "]+", "gu");
  var HAS_CJK = new RegExp("[" + CJK + "]", "u");
  var ANCHORS = { log: "#L", notes: "#notes-h", commitment: "#commit-h", sale: "#sales-h" };

  var base = me ? new URL("../search/", me.src).href : "";
  var loading = {};  // file name -> Promise of its data
  var waiting = {};  // file name -> {resolve, reject}

  // Every index file calls this: rippledocSearch(name, data) or, encrypted, rippledocSearch(name, null, sealed).
  window.rippledocSearch = function (name, data, sealed) {
    var w = waiting[name];
    if (!w) return;
    delete waiting[name];
    if (!sealed) { w.resolve(data); return; }
    if (typeof window.rippledocUnseal !== "function") { w.reject(new Error("the index is encrypted")); return; }
    window.rippledocUnseal("search/" + name + ".js", sealed.nonce, sealed.data).then(function (text) {
      if (text === null) w.reject(new Error("the index did not decrypt"));
      else w.resolve(JSON.parse(text));
    }, w.reject);
  };

  function load(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        waiting[name] = { resolve: resolve, reject: reject };
        var s = document.createElement("script");
        s.src = base + name + ".js";
        s.onerror = function () { delete waiting[name]; reject(new Error("cannot read search/" + name + ".js")); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  // As rippledoc find folds text (NFKC, case folded); ß and a final ς are folded as Python's casefold does.
  function fold(s) {
    return s.normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ").normalize("NFKC");
  }

  // The words of folded text, cut as search.py cuts them: runs of letters and digits; a CJK character is a word.
  function words(folded) {
    var out = [];
    (folded.match(WORD) || []).forEach(function (w) {
      if (HAS_CJK.test(w)) out.push.apply(out, w.match(PIECE));
      else out.push(w);
    });
    return out.filter(function (w, i) { return out.indexOf(w) === i; });
  }

  // ---- the index ------------------------------------------------------------------------------------
  var meta = null;
  var cut = new Set();  // words whose list keeps its first entries only
  var decoded = {};  // chunk number -> {word: sorted ids}

  function chunkRange(prefix) {
    var firsts = meta.chunks, lo = 0, hi = firsts.length - 1, start = 0;
    while (lo <= hi) {  // the last chunk whose first word is <= prefix
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= prefix) { start = mid; lo = mid + 1; } else hi = mid - 1;
    }
    var end = start;
    while (end + 1 < firsts.length && firsts[end + 1].startsWith(prefix)) end++;
    return [start, end];
  }

  function chunk(n) {
    if (decoded[n]) return Promise.resolve(decoded[n]);
    return load("w" + n).then(function (items) {
      var map = {};
      items.forEach(function (item) {
        var ids = new Array(item[1].length), at = 0;
        for (var i = 0; i < item[1].length; i++) { at += item[1][i]; ids[i] = at; }
        map[item[0]] = ids;
      });
      decoded[n] = map;
      return map;
    });
  }

  // The entries holding a word that starts with ``prefix``, in order, and up to which entry that is all of
  // them (a very common word's list keeps its first entries only: search.py, LIST_IDS).
  function idsFor(prefix) {
    var range = chunkRange(prefix), loads = [];
    for (var n = range[0]; n <= range[1]; n++) loads.push(chunk(n));
    return Promise.all(loads).then(function (maps) {
      var lists = [], bound = Infinity;
      maps.forEach(function (map) {
        Object.keys(map).forEach(function (w) {
          if (!w.startsWith(prefix)) return;
          lists.push(map[w]);
          if (cut.has(w)) bound = Math.min(bound, map[w][map[w].length - 1]);
        });
      });
      var all = lists.length === 1 ? lists[0] : [].concat.apply([], lists).sort(function (a, b) { return a - b; });
      if (lists.length > 1) all = all.filter(function (id, i) { return i === 0 || all[i - 1] !== id; });
      return { ids: all, bound: bound };
    });
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  var parts = {};  // part number -> {rows, folded}
  function partOf(id) {
    var starts = meta.parts, lo = 0, hi = starts.length - 1, found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= id) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
  function part(n) {
    if (parts[n]) return Promise.resolve(parts[n]);
    return load("t" + n).then(function (rows) {
      parts[n] = { rows: rows, folded: new Array(rows.length) };
      return parts[n];
    });
  }

  function searched(row) {
    return row.length > 5 ? row[4].slice(row[5], row[6]) : row[4];
  }

  // ---- a query --------------------------------------------------------------------------------------
  var pages = [];
  var input, status, list, current = 0;

  function say(text) { status.textContent = text; }

  async function run(query, seq) {
    var needle = fold(query).trim();
    var ws = words(needle);
    if (!needle) { list.textContent = ""; say(""); return; }
    if (!ws.length) { list.textContent = ""; say("Type a word: letters or digits."); return; }
    if (needle.length < 2 && !HAS_CJK.test(needle)) { list.textContent = ""; say("Type one more letter."); return; }
    say("Searching…");
    var ids = null, bound = Infinity;
    for (var i = 0; i < ws.length; i++) {
      var found = await idsFor(ws[i]);
      if (seq !== current) return;
      ids = ids === null ? found.ids : intersect(ids, found.ids);
      bound = Math.min(bound, found.bound);
      if (!ids.length) break;
    }
    var results = [], read = 0, stopped = false;
    for (var k = 0; k < ids.length && results.length < LIMIT; k++) {
      var id = ids[k];
      if (id > bound) break;  // past what the lists of very common words hold
      var n = partOf(id);
      if (!parts[n]) {
        if (read >= MAX_PARTS) { stopped = true; break; }
        read++;
      }
      var p = await part(n);
      if (seq !== current) return;
      var at = id - meta.parts[n];
      var row = p.rows[at];
      if (p.folded[at] === undefined) p.folded[at] = fold(searched(row));
      if (p.folded[at].indexOf(needle) >= 0) results.push(row);
    }
    if (bound < meta.entries - 1 && results.length < LIMIT) stopped = true;  // later lines were not in the lists
    show(results, needle);
    list.setAttribute("data-query", query);  // what the list shows results for
    if (!results.length) say(stopped ? "Nothing in the newest lines holding these common words; add a rarer word." :
                              "Nothing found for “" + query.trim() + "”.");
    else if (results.length >= LIMIT) say("The first " + results.length + " results; type more to narrow them.");
    else if (stopped) say(results.length + (results.length === 1 ? " result" : " results") + " among the newest " +
                          "lines holding these common words; add a rarer word to search them all.");
    else say(results.length === 1 ? "1 result" : results.length + " results");
  }

  function highlight(el, text, from, to, needle) {
    var part = text.slice(from, to);
    var f = fold(part), at = f.indexOf(needle);
    if (at < 0 || f.length !== part.length) { el.textContent = text; return; }  // folding changed the length
    el.appendChild(document.createTextNode(text.slice(0, from + at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(from + at, from + at + needle.length);
    el.appendChild(mark);
    el.appendChild(document.createTextNode(text.slice(from + at + needle.length)));
  }

  function show(results, needle) {
    list.textContent = "";
    results.forEach(function (row) {
      var page = pages[row[0]], kind = meta.kinds[row[2]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "where";
      a.href = page.href + (kind === "log" ? ANCHORS.log + row[1] : ANCHORS[kind] || "");
      a.textContent = page.label;
      li.appendChild(a);
      var info = document.createElement("span");
      info.className = "meta";
      info.textContent = kind + (row[3] ? " · " + row[3] : "") + " · line " + row[1];
      li.appendChild(info);
      var line = document.createElement("span");
      line.className = "line";
      highlight(line, row[4], row.length > 5 ? row[5] : 0, row.length > 5 ? row[6] : row[4].length, needle);
      li.appendChild(line);
      list.appendChild(li);
    });
  }

  function start() {
    var form = document.getElementById("search-form");
    input = document.getElementById("search-q");
    status = document.getElementById("search-status");
    list = document.getElementById("search-results");
    if (!form || !input || !status || !list || !base) return;
    var root = new URL("../", base).href, here = location.href.split(/[?#]/)[0];
    // the links of pages.js are from the site's folder; a result links from this page's (an encrypted one is in p/)
    var up = here.indexOf(root) === 0 ? "../".repeat((here.slice(root.length).match(/\//g) || []).length) : root;
    say("Loading the index…");
    Promise.all([load("index"), load("pages")]).then(function (both) {
      var data = both[0];
      pages = both[1].links.map(function (link, i) { return { href: up + link, label: both[1].labels[i] }; });
      meta = data;
      cut = new Set(data.cut);
      form.hidden = false;
      say("");
      var timer = 0;
      var go = function () {
        clearTimeout(timer);
        var seq = ++current;
        timer = setTimeout(function () {
          run(input.value, seq).catch(function (e) { if (seq === current) say("The search failed: " + e.message); });
        }, 120);
      };
      input.addEventListener("input", go);
      var asked = new URLSearchParams(location.search).get("q");
      if (asked) { input.value = asked; go(); }
      input.focus();
    }, function (e) { say("The search index cannot be read: " + e.message); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
