/* vaultsite: theme, explorer, table of contents, search and hover previews.
   Works from file:// — data arrives as <script> files, never through fetch/XHR. */
(function () {
  "use strict";
  var doc = document, body = doc.body, html = doc.documentElement;
  var root = body.getAttribute("data-root") || "";
  var rootUrl = new URL(root || "./", location.href);
  /* a global the site's scripts set; never an element of that id (the browser names each
     element with an id on window: a heading "vsGraph" has one) */
  function own(name) { return Object.prototype.hasOwnProperty.call(window, name) ? window[name] : undefined; }
  var manifest = own("vsSite") || null;

  /* ---------- helpers shared with graph.js ---------- */
  var loaded = {};
  function load(path) {
    if (!loaded[path]) {
      loaded[path] = new Promise(function (resolve, reject) {
        var s = doc.createElement("script");
        s.src = root + path;
        s.async = true;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("could not load " + path)); };
        doc.head.appendChild(s);
      });
    }
    return loaded[path];
  }
  function hrefFor(url) {
    return root + url.split("/").map(encodeURIComponent).join("/");
  }
  /* site-relative URL ("Notes/Python.html") and fragment of a URL inside the site */
  function siteUrl(abs) {
    var u;
    try { u = new URL(abs, doc.baseURI); } catch (e) { return null; }
    if (u.origin !== rootUrl.origin || u.pathname.indexOf(rootUrl.pathname) !== 0) return null;
    var path;
    try { path = decodeURIComponent(u.pathname.slice(rootUrl.pathname.length)); } catch (e) { return null; }
    var hash = "";
    try { hash = decodeURIComponent(u.hash.slice(1)); } catch (e) { hash = u.hash.slice(1); }
    return { url: path.normalize("NFC"), hash: hash, abs: u.href.split("#")[0] };
  }
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) {
      return c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;";
    });
  }
  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (e) { /* storage unavailable: the choice lasts for this page only */ }
    return null;
  }
  window.vs = { root: root, load: load, hrefFor: hrefFor, siteUrl: siteUrl, store: store, manifest: manifest };

  /* ---------- theme ---------- */
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function currentTheme() {
    return html.getAttribute("data-theme") || (dark && dark.matches ? "dark" : "light");
  }
  function syncToggle() {
    var t = currentTheme();
    doc.querySelectorAll(".theme-toggle").forEach(function (b) {
      b.setAttribute("aria-pressed", t === "dark" ? "true" : "false");
      b.title = t === "dark" ? "Switch to the light theme" : "Switch to the dark theme";
    });
  }
  doc.querySelectorAll(".theme-toggle").forEach(function (b) {
    b.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      html.setAttribute("data-theme", next);
      store("vaultsite-theme", next);
      syncToggle();
      window.dispatchEvent(new Event("vs-theme"));
    });
  });
  if (dark && dark.addEventListener) {
    dark.addEventListener("change", function () { syncToggle(); window.dispatchEvent(new Event("vs-theme")); });
  }
  syncToggle();

  /* ---------- explorer (collapsible sidebar on phones) ---------- */
  var navToggle = doc.querySelector(".sidebar-toggle");
  var explorer = doc.getElementById("vs:explorer");
  function setNav(open) {
    body.classList.toggle("nav-open", open);
    if (navToggle) navToggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (navToggle) {
    navToggle.addEventListener("click", function (e) {
      e.stopPropagation();
      setNav(!body.classList.contains("nav-open"));
    });
    doc.addEventListener("click", function (e) {
      if (body.classList.contains("nav-open") && explorer && !explorer.contains(e.target)) setNav(false);
    });
    /* Tab out of the drawer closes it */
    if (explorer) explorer.addEventListener("focusout", function (e) {
      var t = e.relatedTarget;
      if (t && !explorer.contains(t) && t !== navToggle) setNav(false);
    });
  }
  if (explorer) {
    /* a name cut short by the sidebar's width shows in full on hover */
    explorer.addEventListener("mouseover", function (e) {
      var t = e.target.closest && e.target.closest("a, summary");
      if (t && !t.title && t.scrollWidth > t.clientWidth) t.title = t.textContent.trim();
    });
    /* hand-opened or closed folders stay so (the current note's always open) */
    /* one site's folders: two sites of one host (me.github.io/a/ and /b/), or any two opened
       from disk, share one storage, and their folders of the same name are not the same */
    var explorerKey = "vaultsite-explorer:" + rootUrl.pathname;
    var folders = function () { try { return JSON.parse(store(explorerKey)) || {}; } catch (e) { return {}; } };
    var folderKey = function (d) {
      for (var k = [], e = d; e !== explorer; e = e.parentElement) if (e.open !== undefined) k.unshift(e.firstChild.textContent);
      return k.join("/");
    };
    var opened = folders();
    explorer.querySelectorAll("details").forEach(function (d) {
      var was = opened[folderKey(d)];
      if (was === 1 || (was === 0 && !d.querySelector(".current"))) d.open = !!was;
    });
    explorer.addEventListener("toggle", function (e) {
      opened = folders();
      opened[folderKey(e.target)] = +e.target.open;
      store(explorerKey, JSON.stringify(opened));
    }, true);
    var cur = explorer.querySelector("a.current");
    if (cur && cur.offsetTop > explorer.clientHeight * 0.6) explorer.scrollTop = cur.offsetTop - explorer.clientHeight / 3;
  }

  /* ---------- table of contents: highlight the section being read ----------
     The active entry is the last heading at or above the anchor offset (html's scroll-padding-top),
     recomputed on every scroll, so jumps (End, PageDown) are never missed; at the very bottom the
     last entry; right after a jump to an entry (click, hash), that entry while it is on screen. */
  var tocLinks = Array.prototype.slice.call(doc.querySelectorAll(".toc a[href^='#']"));
  if (tocLinks.length) {
    var heads = [], active = null, pinned = null, pinnedY = 0, tocTimer = 0;
    tocLinks.forEach(function (a) {
      var id;
      try { id = decodeURIComponent(a.getAttribute("href").slice(1)); } catch (e) { id = a.getAttribute("href").slice(1); }
      var h = doc.getElementById(id);
      if (h) heads.push({ el: h, link: a });
    });
    var setActive = function (best) {
      if (!best || best === active) return;
      if (active) { active.link.classList.remove("active"); active.link.removeAttribute("aria-current"); }
      best.link.classList.add("active");
      best.link.setAttribute("aria-current", "location");
      active = best;
      var box = best.link.closest(".aside");
      if (box && box.scrollHeight > box.clientHeight + 1) {
        var r = best.link.getBoundingClientRect(), br = box.getBoundingClientRect();
        if (r.top < br.top || r.bottom > br.bottom) box.scrollTop += r.top - br.top - box.clientHeight / 3;
      }
    };
    var pick = function () {
      tocTimer = 0;
      if (!heads.length) return;
      var y = window.scrollY, vh = window.innerHeight;
      if (pinned) {
        var pr = pinned.el.getBoundingClientRect();
        if (Math.abs(y - pinnedY) < 2 && pr.bottom > 0 && pr.top < vh) return setActive(pinned);
        pinned = null;
      }
      if (y > 0 && y + vh >= html.scrollHeight - 2) return setActive(heads[heads.length - 1]);
      var limit = (parseFloat(getComputedStyle(html).scrollPaddingTop) || 0) + 8, best = heads[0];
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].el.getBoundingClientRect().top <= limit) best = heads[i]; else break;
      }
      setActive(best);
    };
    var schedule = function () { if (!tocTimer) tocTimer = requestAnimationFrame(pick); };
    var pinHash = function () {
      var id;
      try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = location.hash.slice(1); }
      pinned = null;
      for (var i = 0; i < heads.length; i++) if (heads[i].el.id === id) pinned = heads[i];
      pinnedY = window.scrollY;
      schedule();
    };
    tocLinks.forEach(function (a) {
      /* a click on the entry already in the address bar scrolls but fires no hashchange */
      a.addEventListener("click", function () { setTimeout(pinHash, 0); });
    });
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    window.addEventListener("hashchange", pinHash);
    window.addEventListener("load", function () { if (location.hash) pinHash(); else schedule(); });
    if (location.hash) pinHash(); else pick();
  }

  /* ---------- print: folded callouts and other <details> print open, and close again after ----------
     A display formula wider than its box scrolls on screen; paper does not scroll and printed only
     the part in view.  While printing, it is scaled down to its box (at most 640 px, narrower
     than any paper's text); one that would print smaller than MIN_PRINT_ZOOM (a long sum printed
     at a tenth of its size: unreadable) is printed on several lines instead, broken before its
     top-level relations and + and − signs as a typesetter breaks a long formula (MathML has no
     line breaking of its own), each line after the first indented and, where one part is still
     too wide, scaled to the box.  A diagram scales by itself. */
  var printOpened = [], printZoomed = [], printBroken = [], MIN_PRINT_ZOOM = 0.6;
  var BREAK_BEFORE = /^[=+\-\u2212<>\u2264\u2265\u2248\u2261\u2260\u223c\u2243\u2245\u2192\u21d2\u27f9]$/;
  /* the zoom that fits a width into room, to a thousandth below */
  function fitZoom(wide, room) {
    return Math.floor(room / wide * 1000) / 1000;
  }
  /* the formula of box e as lines no wider than room (a <div> to print in its place), or null */
  function printLines(e, room) {
    var math = e.querySelector("math");
    if (!math || math.querySelector("mtable")) return null;
    var row = math.children.length === 1 && math.firstElementChild.localName === "mrow" ? math.firstElementChild : math;
    var parts = [], cur = [];
    Array.prototype.forEach.call(row.children, function (el) {
      if (cur.length && el.localName === "mo" && BREAK_BEFORE.test(el.textContent.trim())) { parts.push(cur); cur = []; }
      cur.push(el);
    });
    if (cur.length) parts.push(cur);
    if (parts.length < 2) return null;
    /* a part's width as laid out, with the space around its operator: to where the next one starts */
    var starts = parts.map(function (part) { return part[0].getBoundingClientRect().left; });
    var end = parts[parts.length - 1].slice(-1)[0].getBoundingClientRect().right;
    var lines = [], line = [], used = 0, indent = 32;
    parts.forEach(function (part, i) {
      var w = (i + 1 < parts.length ? starts[i + 1] : end) - starts[i];
      if (line.length && used + w > room - (lines.length ? indent : 0)) { lines.push(line); line = []; used = 0; }
      line = line.concat(part);
      used += w;
    });
    lines.push(line);
    var out = doc.createElement("div"), ns = math.namespaceURI;
    out.className = "math-print";
    lines.forEach(function (els, k) {
      var m = doc.createElementNS(ns, "math"), r = doc.createElementNS(ns, "mrow"), div = doc.createElement("div");
      m.setAttribute("display", "block");
      els.forEach(function (el) { r.appendChild(el.cloneNode(true)); });
      /* a line's leading + is the sum's, spaced as between terms, not a sign */
      if (k && r.firstChild.localName === "mo") r.firstChild.setAttribute("form", "infix");
      m.appendChild(r);
      div.className = k ? "math-print-line math-print-more" : "math-print-line";
      div.appendChild(m);
      out.appendChild(div);
    });
    return out;
  }
  window.addEventListener("beforeprint", function () {
    doc.querySelectorAll("details:not([open])").forEach(function (d) {
      if (d.closest(".explorer")) return;
      d.open = true;
      printOpened.push(d);
    });
    doc.querySelectorAll(".note-content :is(.math.block, .math-block)").forEach(function (e) {
      var room = Math.min(e.clientWidth, 640);
      if (!(room > 0 && e.scrollWidth > e.clientWidth + 1)) return;
      var lines = fitZoom(e.scrollWidth, room) < MIN_PRINT_ZOOM && printLines(e, room);
      if (lines) {
        var math = e.querySelector("math");
        math.style.display = "none";
        e.appendChild(lines);
        printBroken.push([math, lines]);
        lines.querySelectorAll(".math-print-line").forEach(function (l) {
          var left = room - (l.classList.contains("math-print-more") ? 32 : 0), w = l.firstChild.getBoundingClientRect().width;
          if (w > left + 1) l.style.zoom = fitZoom(w, left);
        });
        return;
      }
      e.style.zoom = fitZoom(e.scrollWidth, room);
      printZoomed.push(e);
    });
  });
  window.addEventListener("afterprint", function () {
    printOpened.forEach(function (d) { d.open = false; });
    printZoomed.forEach(function (e) { e.style.zoom = ""; });
    printBroken.forEach(function (pair) { pair[0].style.display = ""; pair[1].remove(); });
    printOpened = [];
    printZoomed = [];
    printBroken = [];
  });

  /* ---------- code blocks: a Copy button (not on the output of executed code) ---------- */
  doc.querySelectorAll(".note-content pre").forEach(function (pre) {
    if (pre.closest(".cell-output")) return;
    var wrap = doc.createElement("div"), b = doc.createElement("button");
    wrap.className = "code-wrap";
    b.type = "button";
    b.className = "code-copy";
    b.textContent = "Copy";
    b.setAttribute("aria-label", "Copy the code");
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    wrap.appendChild(b);
    function said(text) {
      b.textContent = text;
      clearTimeout(b.t);
      b.t = setTimeout(function () { b.textContent = "Copy"; }, 2000);
    }
    /* without the clipboard API (file:// may not have it) the code is selected and copied the old way */
    function select() {
      var r = doc.createRange(), sel = window.getSelection(), ok = false;
      r.selectNodeContents(pre.querySelector("code") || pre);
      sel.removeAllRanges();
      sel.addRange(r);
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      said(ok ? "Copied" : "Selected: press Ctrl+C");
    }
    b.addEventListener("click", function () {
      var text = (pre.querySelector("code") || pre).textContent.replace(/\n$/, "");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { said("Copied"); }, select);
      } else select();
    });
  });

  /* ---------- a section heading's own link (#), shown on hover: a click puts the section's address
     in the address bar and copies it.  For the pointer only (hidden from assistive tech, out of the
     tab order): the outline's links already lead to each section, and a screen reader would read
     the "#" as part of every heading ---------- */
  doc.querySelectorAll(".note-content :is(h1, h2, h3, h4, h5, h6)[id]").forEach(function (h) {
    var a = doc.createElement("a");
    a.className = "heading-anchor";
    a.href = "#" + encodeURIComponent(h.id);
    a.textContent = "#";
    a.title = "Copy the link to this section";
    a.tabIndex = -1;
    a.ariaHidden = "true";
    a.onclick = function () {
      if (navigator.clipboard) navigator.clipboard.writeText(a.href).then(function () { a.classList.add("copied"); }, function () {});
    };
    h.appendChild(a);
  });

  /* ---------- boxes that scroll are in the tab order, and fade where there is more ---------- */
  var AUTO = /auto|scroll/, scrollT;
  /* which of a sideways-scrolling box's sides hide more of it: data-scroll="left", "right" or
     "both" (style.css fades that edge: a phone shows no scroll bar until the box is touched) */
  function edges(e) {
    var x = Math.abs(e.scrollLeft), before = x > 1, after = x + e.clientWidth < e.scrollWidth - 1;
    if (getComputedStyle(e).direction === "rtl") { var t = before; before = after; after = t; }
    var side = before && after ? "both" : before ? "left" : after ? "right" : "";
    if (side !== (e.getAttribute("data-scroll") || "")) {
      if (side) e.setAttribute("data-scroll", side); else e.removeAttribute("data-scroll");
    }
  }
  function scrollers() {
    var n = {};
    doc.querySelectorAll(".note-content :is(pre, table, .math.block, .table-wrap, .base-scroll, figure.mermaid, .canvas-embed)").forEach(function (e) {
      var s = getComputedStyle(e), k = e.matches(".math") ? "Equation" : e.matches(".mermaid") ? "Diagram" : e.matches(".canvas-embed") ? "Canvas" : "Table";
      var wide = AUTO.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
      if (wide || AUTO.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1) {
        e.tabIndex = 0;
        if (!/^(PRE|TABLE)$/.test(e.tagName)) { e.role = "region"; e.ariaLabel = k + " " + (n[k] = (n[k] || 0) + 1); }
      } else if (e.tabIndex === 0) ["tabindex", "role", "aria-label"].forEach(function (a) { e.removeAttribute(a); });
      if (wide && !e.vsEdges) {
        e.vsEdges = true;
        e.addEventListener("scroll", function () { edges(e); }, { passive: true });
      }
      if (wide || e.hasAttribute("data-scroll")) edges(e);
    });
  }
  scrollers();
  addEventListener("load", scrollers);
  addEventListener("resize", function () { clearTimeout(scrollT); scrollT = setTimeout(scrollers, 150); });

  /* ---------- search ---------- */
  var CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff";
  var WORD = new RegExp("[" + CJK + "]|[^\\s\\p{P}\\p{S}\\p{Z}\\p{C}_" + CJK + "]+", "gu");
  var MARKS = /\p{M}/gu;
  /* letters NFKD leaves whole, as a reader types them (site/text.py FOLD: the same table) */
  var FOLD = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ŧ": "t", "ı": "i" };
  var FOLDED = /[ßæœøłđðþħŧı]/g;
  function fold(c) { return FOLD[c]; }
  function norm(s) { return s.toLowerCase().normalize("NFKD").replace(MARKS, "").replace(FOLDED, fold); }
  function words(s) { return norm(s).match(WORD) || []; }
  function fieldText(list) { return " " + words(list.join(" ")).join(" ") + " "; }

  var input = doc.getElementById("vs:search-input");
  var panel = doc.getElementById("vs:search-results");
  /* one live region speaks; the panel's lines are for the eye */
  var live = doc.getElementById("vs:search-status");
  function line(t, c) { return t ? '<div class="search-status' + (c || "") + '" aria-hidden="true">' + escapeHtml(t) + "</div>" : ""; }
  function say(t, show) { if (show) panel.innerHTML = line(t); if (live && live.textContent !== t) live.textContent = t; }
  var S = window.vsSearch = {
    rows: null, fields: null, shards: [], texts: [], normTexts: {}, hits: {}, wanted: {},
    meta: function (rows, lens) {
      S.rows = rows;
      S.lens = lens || [];
      S.avg = S.lens.reduce(function (a, b) { return a + b; }, 0) / (S.lens.length || 1) || 1;
      S.fields = rows.map(function (r) {
        r[6] = [];
        return [fieldText([r[0]]), fieldText(r[4]), " ", fieldText(r[5]), fieldText([r[2]])];
      });
      S.refresh();
    },
    headings: function (lists) {
      lists.forEach(function (hs, i) {
        if (!S.rows[i]) return;
        S.rows[i][6] = hs;
        S.fields[i][2] = fieldText(hs.map(function (h) { return h[0]; }));
      });
      S.refresh();
    },
    index: function (k, w, p) { S.shards[k] = { w: w, p: p, d: {} }; S.hits = {}; S.refresh(); },
    text: function (k, arr) { S.texts[k] = arr; S.refresh(); },
    refresh: function () {
      if (S.timer) return;
      S.timer = requestAnimationFrame(function () { S.timer = 0; if (input) runSearch(); });
    }
  };
  var TERMINAL = "0123456789abcdefghijklmnopqrstuv", CONTINUE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ()*+-.";
  /* a word's postings: [[note, ...], [count bucket of each, ...]] (search.py encode_postings) */
  function decode(s) {
    var out = [], tf = [], prev = -1, acc = 0;
    for (var i = 0; i < s.length; i++) {
      var c = CONTINUE.indexOf(s[i]);
      if (c >= 0) { acc = acc * 32 + c; continue; }
      acc = acc * 32 + TERMINAL.indexOf(s[i]);
      prev += (acc >> 3) + 1;
      out.push(prev);
      tf.push(acc & 7);
      acc = 0;
    }
    return [out, tf];
  }
  /* a typical count per bucket (search.py TF_BOUNDS) */
  var TF = [1, 2, 3, 4.5, 7, 10.5, 16, 26];
  /* notes whose body has a word starting with term, as a Float32Array of BM25 weights (the best
     word's; a longer word than the term weighs less) or null while no shard is loaded */
  function bodyHits(term) {
    if (S.hits[term]) return S.hits[term];
    var n = S.rows.length, mask = new Float32Array(n), firsts = manifest.search.shards, any = false;
    var expanded = 0;
    for (var k = 0; k < firsts.length; k++) {
      var next = firsts[k + 1];
      if (next !== undefined && next <= term) continue;
      if (firsts[k] > term && firsts[k].indexOf(term) !== 0) break;
      var sh = S.shards[k];
      if (!sh) continue;
      any = true;
      var lo = 0, hi = sh.w.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (sh.w[mid] < term) lo = mid + 1; else hi = mid; }
      /* a single letter matches whole words only in note bodies: its prefix set is most of the vocabulary */
      var exact = term.length < 2 && !CJK_RE.test(term);
      for (var j = lo; j < sh.w.length && sh.w[j].indexOf(term) === 0 && expanded < 5000; j++, expanded++) {
        if (exact && sh.w[j] !== term) break;
        var ps = sh.d[j] || (sh.d[j] = decode(sh.p[j])), ids = ps[0], df = ids.length;
        var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (sh.w[j] === term ? 1 : 0.7);
        for (var q = 0; q < df; q++) {
          /* BM25, b = 0.3: the note that names a word six times beats a stub naming it once */
          var tf = TF[ps[1][q]], w = idf * tf * 2.2 / (tf + 1.2 * (0.7 + 0.3 * (S.lens[ids[q]] || S.avg) / S.avg));
          if (w > mask[ids[q]]) mask[ids[q]] = w || 1e-3;
        }
      }
    }
    if (!any && S.shards.length < firsts.length) return null;
    S.hits[term] = mask;
    return mask;
  }
  var FIELD_SCORE = [100, 60, 35, 35, 15];
  function search(query) {
    var terms = words(query);
    if (!terms.length || !S.rows) return { terms: terms, results: [] };
    var res = rank(terms);
    if (res.length) return { terms: terms, results: res };
    /* nothing matches: a word of 5+ letters becomes the commonest indexed word one edit away */
    var fixed = terms.map(function (t) { return t.length >= 5 && !rank([t]).length ? nearest(t) || t : t; });
    if (fixed.join(" ") === terms.join(" ")) return { terms: terms, results: res };
    return { terms: fixed, results: rank(fixed), fixed: true };
  }
  /* a letter missing, extra or wrong, or two swapped */
  function oneEdit(a, b) {
    var d = a.length - b.length, i = 0;
    if (d * d > 1 || a === b) return false;
    while (a[i] === b[i]) i++;
    return a.slice(i + (d >= 0)) === b.slice(i + (d <= 0)) ||
      (!d && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  function nearest(t) {
    var best = null, size = 0;  /* a longer postings string: more notes */
    S.shards.forEach(function (sh) {
      for (var j = 0; sh && j < sh.w.length; j++) {
        if (sh.p[j].length > size && oneEdit(t, sh.w[j])) { best = sh.w[j]; size = sh.p[j].length; }
      }
    });
    return best;
  }
  function rank(terms) {
    var masks = terms.map(bodyHits), F = S.fields, res = [];
    for (var i = 0; i < F.length; i++) {
      var score = 0, titleHits = 0, ok = true;
      for (var t = 0; t < terms.length; t++) {
        var needle = " " + terms[t], best = 0, rel = masks[t] ? masks[t][i] : 0;
        for (var f = 0; f < 5; f++) {
          var at = F[i][f].indexOf(needle);
          if (at >= 0) {
            best = FIELD_SCORE[f];
            if (F[i][f].charAt(at + needle.length) === " ") best += 5;
            if (f === 0) titleHits++;
            break;
          }
        }
        /* a body match weighs 10..30 by relevance, below a heading's 35; elsewhere it breaks ties */
        if (best) best += rel / (rel + 4);
        else if (rel) best = 10 + 20 * rel / (rel + 4);
        if (!best) { ok = false; break; }
        score += best;
      }
      if (ok) res.push([score + (titleHits === terms.length ? 50 : 0), i]);
    }
    res.sort(function (a, b) {
      return b[0] - a[0] || S.rows[a[1]][0].length - S.rows[b[1]][0].length ||
        (S.rows[a[1]][0] < S.rows[b[1]][0] ? -1 : 1);
    });
    return res;
  }
  S.search = search;
  S.run = function () { runSearch(); };

  function normWithMap(text) {
    var out = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var c = text[i], n = norm(c);
      for (var j = 0; j < n.length; j++) { out += n[j]; map.push(i); }
    }
    map.push(text.length);
    return { s: out, map: map };
  }
  function isWordChar(c) { return !!c && /[\p{L}\p{N}]/u.test(c); }
  var CJK_RE = new RegExp("[" + CJK + "]");
  function findWordStart(s, term, from) {
    var at = s.indexOf(term, from), cjk = CJK_RE.test(term);
    while (at > 0 && !cjk && isWordChar(s[at - 1])) at = s.indexOf(term, at + 1);
    return at;
  }
  /* the end in text of a match ending before nm.s[end]: a match ending inside what one character
     folds to ("stras" in "straße": ß is "ss") takes the whole character */
  function sourceEnd(nm, end) {
    while (end < nm.s.length && nm.map[end] === nm.map[end - 1]) end++;
    return nm.map[end];
  }
  function highlight(text, terms) {
    var nm = normWithMap(text), spans = [];
    terms.forEach(function (t) {
      for (var at = findWordStart(nm.s, t, 0); at >= 0; at = findWordStart(nm.s, t, at + t.length)) {
        spans.push([nm.map[at], sourceEnd(nm, at + t.length)]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var out = "", pos = 0;
    spans.forEach(function (sp) {
      if (sp[0] < pos) return;
      out += escapeHtml(text.slice(pos, sp[0])) + "<mark>" + escapeHtml(text.slice(sp[0], sp[1])) + "</mark>";
      pos = sp[1];
    });
    return out + escapeHtml(text.slice(pos));
  }
  function snippet(i, terms) {
    var chunk = Math.floor(i / manifest.search.textChunk), texts = S.texts[chunk];
    if (!texts) {
      if (!S.wanted[chunk]) { S.wanted[chunk] = 1; load("_search/text-" + chunk + ".js").catch(function () {}); }
      return "";
    }
    var text = texts[i % manifest.search.textChunk] || "";
    var nm = S.normTexts[i] || (S.normTexts[i] = normWithMap(text));
    /* a note that opens with a heading of its title: the result names it already, the text goes on after it */
    var row = S.rows[i], h = row && row[6] && row[6][0];
    var skip = h && h[0] === row[0] && text.indexOf(row[0] + " ") === 0 ? row[0].length + 1 : 0, from = 0;
    while (from < nm.s.length && nm.map[from] < skip) from++;
    var first = -1;
    terms.forEach(function (t) {
      var at = findWordStart(nm.s, t, from);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = first < 0 ? skip : Math.max(skip, nm.map[first] - 60), end = Math.min(text.length, start + 200);
    if (start > skip) { var sp = text.indexOf(" ", start); if (sp > 0 && sp < start + 20) start = sp + 1; }
    return (start > skip ? "… " : "") + highlight(text.slice(start, end), terms) + (end < text.length ? " …" : "");
  }

  /* the heading that holds every term, when the title does not: the result then links to it */
  function headingFor(row, terms) {
    var title = fieldText([row[0]]);
    if (terms.every(function (t) { return title.indexOf(" " + t) >= 0; })) return null;
    for (var i = 0; i < row[6].length; i++) {
      var h = fieldText([row[6][i][0]]);
      if (terms.every(function (t) { return h.indexOf(" " + t) >= 0; })) return row[6][i];
    }
    return null;
  }
  var selected = -1, lastQuery = null;
  var LIMIT = 30;
  function select(n) {
    var items = panel.querySelectorAll("a");
    if (!items.length) return;
    if (selected >= 0 && items[selected]) items[selected].setAttribute("aria-selected", "false");
    selected = (n + items.length) % items.length;
    items[selected].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }
  function runSearch() {
    var q = input.value.trim();
    if (!q) { closePanel(); lastQuery = q; return; }
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (!S.rows) return say("Loading the index…", 1);
    var r = search(q), out = [];
    var loading = S.shards.filter(Boolean).length < manifest.search.shards.length;
    r.results.slice(0, LIMIT).forEach(function (hit, n) {
      var row = S.rows[hit[1]], snip = snippet(hit[1], r.terms), head = headingFor(row, r.terms);
      var path = row[2] + (head ? (row[2] ? " › " : "") + "§ " + head[0] : "");
      out.push('<a role="option" id="vs:sr-' + n + '" aria-selected="false" href="' +
        escapeHtml(hrefFor(row[1]) + (head ? "#" + encodeURIComponent(head[1]) : "")) + '">' +
        '<span class="r-title">' + highlight(row[0], r.terms) + "</span>" +
        (path ? '<span class="r-path">' + escapeHtml(path) + "</span>" : "") +
        (snip ? '<span class="r-snippet">' + snip + "</span>" : "") + "</a>");
    });
    var n = r.results.length, status = n
      ? (n > LIMIT ? n + " notes, showing the first " + LIMIT : "")
      : "No notes match “" + q + "”";
    var fixed = r.fixed && n ? "Showing “" + r.terms.join(" ") + "”" : "";
    if (loading) status += (status ? " · " : "") + "searching note text…";
    panel.innerHTML = line(fixed, " search-fixed") + out.join("") + line(status);
    say([fixed, n && n <= LIMIT ? n + (n === 1 ? " note" : " notes") : "", status].filter(Boolean).join(" · "));
    if (q !== lastQuery || selected >= r.results.length) selected = -1;
    if (selected >= 0) select(selected);
    lastQuery = q;
  }
  function closePanel() {
    if (!panel) return;
    panel.hidden = true;
    selected = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    say("");
  }
  var started = false;
  function startLoading() {
    if (started || !manifest) return;
    started = true;
    load("_search/meta.js").then(function () {
      return load("_search/headings.js").catch(function () {});
    }).then(function () {
      var n = manifest.search.shards.length, k = 0;
      (function next() {
        if (k >= n) return;
        load("_search/index-" + k++ + ".js").then(function () { setTimeout(next, 0); }, next);
      })();
    }, function () { say("The search index is missing.", 1); });
  }
  if (input && panel) {
    input.addEventListener("focus", function () { startLoading(); if (input.value.trim()) runSearch(); });
    input.addEventListener("input", function () { startLoading(); runSearch(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
      else if (e.key === "Enter") {
        var items = panel.querySelectorAll("a"), a = items[selected >= 0 ? selected : 0];
        if (a) { e.preventDefault(); location.href = a.href; }
      } else if (e.key === "Escape") {
        input.value = "";
        closePanel();
      }
    });
    doc.addEventListener("click", function (e) {
      if (!e.target.closest(".search")) closePanel();
    });
    doc.addEventListener("keydown", function (e) {
      var t = e.target, typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey)) { e.preventDefault(); input.focus(); input.select(); }
      else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
      else if (e.key === "Escape") {
        if (explorer && explorer.contains(doc.activeElement) && navToggle) navToggle.focus();
        setNav(false); hidePopover();
      }
    });
  }

  /* ---------- graph: graph.js loads when a graph comes near the screen ---------- */
  var graphs = doc.querySelectorAll(".graph");
  if (graphs.length && !own("vsGraph") && !doc.querySelector("script[src*=\"graph.js\"]")) {
    var loadGraph = function () { load("_assets/graph.js").catch(function () {}); };
    if ("IntersectionObserver" in window) {
      var gio = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { gio.disconnect(); loadGraph(); }
      }, { rootMargin: "300px" });
      graphs.forEach(function (g) { gio.observe(g); });
    } else loadGraph();
  }

  /* ---------- hover previews ---------- */
  var P = window.vsPreview = { data: {}, add: function (d) { for (var k in d) P.data[k] = d[k]; } };
  function fnv(s) {
    var h = 0x811c9dc5;
    for (var ch of s) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }
  var pop = null, showTimer = 0, hideTimer = 0, popFor = null;
  function hidePopover() {
    clearTimeout(showTimer);
    if (pop) { pop.remove(); pop = null; popFor = null; }
  }
  function section(frag, id) {
    var el = null;
    try { el = frag.querySelector("#" + CSS.escape(id)); } catch (e) { el = null; }
    if (!el) return null;
    var box = doc.createElement("div");
    var m = /^H([1-6])$/.exec(el.tagName);
    if (!m) { box.appendChild(el.cloneNode(true)); return box; }
    var level = +m[1], n = el;
    while (n && n.parentNode && n.parentNode !== frag && n.parentNode.nodeName !== "DIV") n = n.parentNode;
    box.appendChild(n.cloneNode(true));
    for (var s = n.nextElementSibling; s; s = s.nextElementSibling) {
      var mm = /^H([1-6])$/.exec(s.tagName);
      if (mm && +mm[1] <= level) break;
      box.appendChild(s.cloneNode(true));
    }
    return box;
  }
  function rebase(box, base) {
    box.querySelectorAll("[href],[src]").forEach(function (el) {
      ["href", "src"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v !== null && !/^(data:|mailto:|[a-z]+:\/\/)/i.test(v)) {
          try { el.setAttribute(attr, new URL(v, base).href); } catch (e) { /* leave as is */ }
        }
      });
    });
    box.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
  }
  function showPopover(a, target) {
    var htmlText = P.data[target.url];
    if (htmlText === undefined || popFor === a) return;
    hidePopover();
    var tpl = doc.createElement("template");
    tpl.innerHTML = htmlText;
    var frag = tpl.content, box = (target.hash && section(frag, target.hash)) || null;
    var first = frag.firstElementChild, source = first && first.tagName === "H1" ? first.textContent : "";
    if (!box) { box = doc.createElement("div"); box.appendChild(frag); }
    else if (source) {
      /* a section or block: say which note it comes from */
      var from = doc.createElement("div");
      from.className = "popover-source";
      from.textContent = source;
      box.insertBefore(from, box.firstChild);
    }
    rebase(box, target.abs);
    place(a, box);
  }
  /* a footnote's reference: the footnote, from this page, as Obsidian shows it on hover */
  function footnoteOf(a) {
    if (!a.closest("sup.footnote-ref, .footnote-ref") || a.closest(".popover")) return null;
    var raw = a.getAttribute("href") || "", id = raw.charAt(0) === "#" ? raw.slice(1) : "";
    try { id = decodeURIComponent(id); } catch (e) { /* as written */ }
    var item = id && doc.getElementById(id);
    return item && item.closest(".footnotes") ? item : null;
  }
  function showFootnote(a, item) {
    if (popFor === a) return;
    hidePopover();
    var box = doc.createElement("div");
    box.className = "popover-footnote";
    Array.prototype.forEach.call(item.childNodes, function (n) { box.appendChild(n.cloneNode(true)); });
    box.querySelectorAll(".footnote-backref").forEach(function (el) { el.remove(); });
    box.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    place(a, box);
  }
  function place(a, box) {
    pop = doc.createElement("div");
    pop.className = "popover";
    /* for the eye only (not inert: the mouse scrolls it) */
    pop.setAttribute("aria-hidden", "true");
    box.querySelectorAll("a, button, summary, audio, video, iframe, [tabindex]").forEach(function (e) { e.tabIndex = -1; });
    pop.appendChild(box);
    pop.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    pop.addEventListener("mouseleave", scheduleHide);
    body.appendChild(pop);
    popFor = a;
    var r = a.getBoundingClientRect(), w = pop.offsetWidth, h = pop.offsetHeight;
    var left = Math.min(Math.max(8, r.left), html.clientWidth - w - 8);
    var top = r.bottom + 8;
    if (top + h > window.innerHeight && r.top - h - 8 > 0) top = r.top - h - 8;
    pop.style.left = left + window.scrollX + "px";
    pop.style.top = top + window.scrollY + "px";
  }
  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hidePopover, 250);
  }
  function previewTarget(a) {
    if (!manifest || a.closest(".popover, .search-results, .explorer, .toc, .topbar, .breadcrumbs") || a.classList.contains("tag")) return null;
    var raw = a.getAttribute("href");
    if (!raw || raw.charAt(0) === "#" || /^[a-z]+:/i.test(raw)) return null;
    var t = siteUrl(raw);
    if (!t || !/\.html$/.test(t.url)) return null;
    return t;
  }
  function onEnter(e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (!a) return;
    var item = footnoteOf(a), t = !item && previewTarget(a);
    if (!item && !t) return;
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    showTimer = setTimeout(function () {
      if (item) return a.matches(":hover, :focus") && showFootnote(a, item);
      var b = fnv(t.url) % manifest.previews.buckets;
      load("_previews/" + b + ".js").then(function () { if (a.matches(":hover, :focus")) showPopover(a, t); }, function () {});
    }, 300);
  }
  function onLeave(e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (a && (a === popFor || footnoteOf(a) || previewTarget(a))) scheduleHide();
  }
  if (window.matchMedia && window.matchMedia("(hover: hover)").matches) {
    doc.addEventListener("mouseover", onEnter);
    doc.addEventListener("mouseout", onLeave);
  }
  doc.addEventListener("focusin", onEnter);
  doc.addEventListener("focusout", onLeave);
  window.addEventListener("scroll", function () { if (pop && !pop.matches(":hover")) hidePopover(); }, { passive: true });
})();
