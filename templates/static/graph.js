/* vaultsite graph: a force layout on <canvas>, ours.  Repulsion uses a Barnes–Hut quadtree, so the
   whole-vault graph of 10,000 notes stays responsive; the simulation stops once it has settled. */
(function () {
  "use strict";
  var vs = window.vs;
  /* set by an earlier copy of this script; an element with id="vsGraph" (a heading) is not it */
  if (!vs || Object.prototype.hasOwnProperty.call(window, "vsGraph")) return;
  var G = window.vsGraph = { d: null, waiting: [], data: function (d) {
    G.d = d;
    G.waiting.splice(0).forEach(function (f) { f(d); });
  } };
  function withData(cb) {
    if (G.d) return cb(G.d);
    G.waiting.push(cb);
    vs.load("_data/graph.js").catch(function () {});
  }

  /* ---------- data -> node/link arrays ---------- */
  var adjacency = null;
  function buildAdjacency(d) {
    if (adjacency) return adjacency;
    var n = d.nodes.length, adj = new Array(n), tagAdj = new Array(n), i;
    for (i = 0; i < n; i++) { adj[i] = []; tagAdj[i] = []; }
    for (i = 0; i < d.edges.length; i += 2) { adj[d.edges[i]].push(d.edges[i + 1]); adj[d.edges[i + 1]].push(d.edges[i]); }
    for (i = 0; i < d.tagEdges.length; i += 2) tagAdj[d.tagEdges[i]].push(d.tagEdges[i + 1]);
    adjacency = { notes: adj, tags: tagAdj };
    return adjacency;
  }
  /* nodes: {i, label, url, tag, x, y, vx, vy, deg}; links: [a, b] indexes into nodes */
  function subgraph(d, center, depth, withTags) {
    var adj = buildAdjacency(d), keep = new Map(), order = [], i;
    if (center < 0) {
      for (i = 0; i < d.nodes.length; i++) { keep.set(i, order.length); order.push(i); }
    } else {
      keep.set(center, 0); order.push(center);
      var frontier = [center];
      for (var step = 0; step < depth; step++) {
        var next = [];
        frontier.forEach(function (a) {
          adj.notes[a].forEach(function (b) {
            if (!keep.has(b)) { keep.set(b, order.length); order.push(b); next.push(b); }
          });
        });
        frontier = next;
      }
    }
    var nodes = order.map(function (k) {
      var row = d.nodes[k];
      return { label: row[0], url: row[1], tag: false, center: k === center, deg: 0 };
    });
    var links = [];
    order.forEach(function (a, ia) {
      adj.notes[a].forEach(function (b) {
        var ib = keep.get(b);
        if (ib !== undefined && a < b) links.push([ia, ib]);
      });
    });
    if (withTags) {
      var tagIndex = new Map();
      order.forEach(function (a, ia) {
        adj.tags[a].forEach(function (t) {
          if (!tagIndex.has(t)) {
            tagIndex.set(t, nodes.length);
            var tag = d.tags[t];
            nodes.push({ label: "#" + tag[0], url: tag[1], tag: true, center: false, deg: 0 });
          }
          links.push([ia, tagIndex.get(t)]);
        });
      });
    }
    links.forEach(function (l) { nodes[l[0]].deg++; nodes[l[1]].deg++; });
    /* start on a sunflower spiral: even spacing, quick convergence, deterministic */
    nodes.forEach(function (nd, k) {
      var r = 10 * Math.sqrt(k + 0.5), a = k * 2.399963;
      nd.x = r * Math.cos(a); nd.y = r * Math.sin(a); nd.vx = 0; nd.vy = 0;
      nd.r = (nd.tag ? 2.5 : 3) + Math.min(6, Math.sqrt(nd.deg) * 0.9) + (nd.center ? 2 : 0);
    });
    return { nodes: nodes, links: links };
  }

  /* ---------- forces ---------- */
  /* Barnes–Hut quadtree in flat typed arrays: no allocation per tick */
  var Q = { cap: 0, n: 0, stack: new Int32Array(4096) };
  function qAlloc(count) {
    var cap = count * 3 + 64;
    if (Q.cap >= cap) return;
    Q.cap = cap;
    Q.x0 = new Float64Array(cap); Q.y0 = new Float64Array(cap); Q.s = new Float64Array(cap);
    Q.m = new Float64Array(cap); Q.cx = new Float64Array(cap); Q.cy = new Float64Array(cap);
    Q.kid = new Int32Array(cap * 4); Q.body = new Int32Array(cap);
  }
  function qCell(x0, y0, s) {
    var c = Q.n++;
    Q.x0[c] = x0; Q.y0[c] = y0; Q.s[c] = s; Q.m[c] = 0; Q.cx[c] = 0; Q.cy[c] = 0; Q.body[c] = -1;
    Q.kid[c * 4] = -1;
    return c;
  }
  function qQuadrant(c, x, y) {
    var h = Q.s[c] / 2;
    return (x >= Q.x0[c] + h ? 1 : 0) + (y >= Q.y0[c] + h ? 2 : 0);
  }
  function qInsert(nodes, b) {
    var c = 0, depth = 0, x = nodes[b].x, y = nodes[b].y;
    for (;;) {
      if (Q.m[c] === 0) { Q.body[c] = b; Q.m[c] = 1; Q.cx[c] = x; Q.cy[c] = y; return; }
      var m = Q.m[c];
      Q.cx[c] = (Q.cx[c] * m + x) / (m + 1); Q.cy[c] = (Q.cy[c] * m + y) / (m + 1); Q.m[c] = m + 1;
      if (Q.kid[c * 4] === -1) {
        if (depth > 30 || Q.n + 4 > Q.cap || Q.body[c] < 0) { Q.body[c] = -2; return; } /* keep as a lump */
        var h = Q.s[c] / 2, x0 = Q.x0[c], y0 = Q.y0[c];
        for (var k = 0; k < 4; k++) Q.kid[c * 4 + k] = qCell(x0 + (k & 1) * h, y0 + (k >> 1) * h, h);
        var old = Q.body[c], ox = nodes[old].x, oy = nodes[old].y, oc = Q.kid[c * 4 + qQuadrant(c, ox, oy)];
        Q.body[oc] = old; Q.m[oc] = 1; Q.cx[oc] = ox; Q.cy[oc] = oy;
        Q.body[c] = -1;
      }
      c = Q.kid[c * 4 + qQuadrant(c, x, y)];
      depth++;
    }
  }
  function repelAll(nodes, strength, theta2, alpha) {
    var st = Q.stack, m = Q.m, cx = Q.cx, cy = Q.cy, s = Q.s, kid = Q.kid, body = Q.body;
    for (var i = 0; i < nodes.length; i++) {
      var b = nodes[i], bx = b.x, by = b.y, fx = 0, fy = 0, sp = 0;
      st[sp++] = 0;
      while (sp) {
        var c = st[--sp];
        if (m[c] === 0 || body[c] === i) continue;
        var dx = cx[c] - bx, dy = cy[c] - by, d2 = dx * dx + dy * dy;
        if (kid[c * 4] === -1 || s[c] * s[c] < theta2 * d2) {
          if (d2 < 1) { dx = 0.5 + (i % 7) * 0.1; dy = 0.5 - (i % 5) * 0.1; d2 = dx * dx + dy * dy; }
          var f = m[c] / d2;
          fx += dx * f; fy += dy * f;
        } else if (sp < st.length - 4) {
          st[sp++] = kid[c * 4]; st[sp++] = kid[c * 4 + 1]; st[sp++] = kid[c * 4 + 2]; st[sp++] = kid[c * 4 + 3];
        }
      }
      b.vx -= fx * strength * alpha; b.vy -= fy * strength * alpha;
    }
  }
  /* the forces act on the layout as if it were not stretched (Graph.fit): y / sy */
  function tick(sim) {
    var nodes = sim.nodes, links = sim.links, alpha = sim.alpha, sy = sim.sy, i, n;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (i = 0; i < nodes.length; i++) {
      n = nodes[i];
      n.y /= sy; n.vy /= sy;
      if (n.x < minX) minX = n.x; if (n.y < minY) minY = n.y; if (n.x > maxX) maxX = n.x; if (n.y > maxY) maxY = n.y;
    }
    qAlloc(nodes.length);
    Q.n = 0;
    qCell(minX - 1, minY - 1, Math.max(maxX - minX, maxY - minY) + 2);
    for (i = 0; i < nodes.length; i++) qInsert(nodes, i);
    repelAll(nodes, sim.charge, nodes.length > 2000 ? 1.44 : 0.81, alpha);
    for (i = 0; i < links.length; i++) {
      var a = nodes[links[i][0]], b = nodes[links[i][1]];
      var dx = b.x + b.vx - a.x - a.vx, dy = b.y + b.vy - a.y - a.vy, d = Math.sqrt(dx * dx + dy * dy) || 1;
      var k = (d - sim.distance) / d * alpha * 0.5 / Math.min(a.deg, b.deg);
      dx *= k; dy *= k;
      b.vx -= dx * 0.5; b.vy -= dy * 0.5; a.vx += dx * 0.5; a.vy += dy * 0.5;
    }
    var g = sim.gravity * alpha;
    for (i = 0; i < nodes.length; i++) {
      n = nodes[i];
      n.vx -= n.x * g; n.vy -= n.y * g;
      if (n.center) { n.vx -= n.x * 0.08; n.vy -= n.y * 0.08; }
      if (n.fixed) n.vx = n.vy = 0;
      n.vx *= 0.6; n.vy *= 0.6;
      n.x += n.vx; n.y += n.vy;
      n.y *= sy; n.vy *= sy;
    }
    sim.alpha += (sim.alphaTarget - sim.alpha) * 0.0228;
  }

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* how far a layout is stretched to its view's shape, at most (Graph.fit) */
  var STRETCH = 3;

  /* a node's label as drawn, and its width */
  function labelOf(ctx, n) {
    var t = n.label.length > 28 ? n.label.slice(0, 26) + "…" : n.label;
    return n.lab || (n.lab = { text: t, w: ctx.measureText(t).width });
  }

  /* ---------- one graph view ---------- */
  function Graph(el, opts) {
    this.el = el; this.opts = opts;
    this.canvas = document.createElement("canvas");
    /* one stop in the tab order; the keys move a focus over the notes drawn (Graph.key) */
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "application");
    this.canvas.setAttribute("aria-roledescription", "graph");
    this.canvas.setAttribute("aria-label", (opts.global ? "Graph of all notes" : "Graph of this note's links") +
      ". Arrow keys go to the nearest note that way, Page Down and Page Up go through every note in turn, Enter opens it.");
    el.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d");
    this.tip = document.createElement("div");
    this.tip.className = "graph-tip"; this.tip.hidden = true;
    el.appendChild(this.tip);
    /* what the keyboard's focus is on, said to a screen reader */
    this.said = document.createElement("div");
    this.said.className = "visually-hidden"; this.said.setAttribute("aria-live", "polite");
    el.appendChild(this.said);
    this.k = 1; this.tx = 0; this.ty = 0; this.userMoved = false; this.hover = null; this.running = false;
    this.focused = null;
    this.colors(); this.resize(); this.bind();
  }
  /* theme colours, resolved by the browser (the stylesheet uses light-dark()) */
  Graph.prototype.colors = function () {
    var probe = document.createElement("span"), el = this.el, out = {};
    probe.style.display = "none";
    el.appendChild(probe);
    [["node", "--graph-node"], ["edge", "--graph-edge"], ["tag", "--graph-tag"], ["accent", "--accent"],
      ["text", "--text-muted"]].forEach(function (pair) {
      probe.style.color = "var(" + pair[1] + ")";
      out[pair[0]] = getComputedStyle(probe).color;
    });
    el.removeChild(probe);
    this.c = out;
  };
  Graph.prototype.resize = function () {
    var dpr = window.devicePixelRatio || 1, w = this.el.clientWidth || 300, h = this.el.clientHeight || 200;
    this.w = w; this.h = h; this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr); this.canvas.height = Math.round(h * dpr);
    if (this.sim && !this.userMoved) this.fit();
    this.draw();
  };
  Graph.prototype.setData = function (sub) {
    var big = sub.nodes.length > 1500;
    this.sim = { nodes: sub.nodes, links: sub.links, alpha: 1, alphaTarget: 0, alphaMin: big ? 0.02 : 0.005,
      charge: big ? 18 : 60, distance: big ? 22 : 45, gravity: big ? 0.02 : 0.06, sy: 1 };
    this.userMoved = false;
    /* a new depth or tags shown: the focus stays on the same note where it still is drawn */
    var was = this.focused;
    this.focused = was && sub.nodes.filter(function (n) { return n.url === was.url; })[0] || null;
    if (was && this.hover === was) this.hover = this.focused;
    this.stats = { nodes: sub.nodes.length, links: sub.links.length, ticks: 0, tickMs: 0, tickSum: 0, drawMs: 0, settled: false };
    this.start();
  };
  Graph.prototype.start = function () {
    if (this.running) return;
    this.running = true;
    var self = this;
    requestAnimationFrame(function frame() {
      var sim = self.sim, t0 = performance.now(), small = sim.nodes.length < 300;
      /* small graphs settle in about a second; with reduced motion, before the first frame */
      var per = small ? (reduceMotion ? 400 : 4) : 1;
      for (var t = 0; t < per && (sim.alpha > sim.alphaMin || sim.alphaTarget > 0); t++) tick(sim);
      var t1 = performance.now();
      if (!self.userMoved) self.fit();
      self.draw();
      var st = self.stats;
      st.ticks++; st.tickMs = Math.max(st.tickMs, t1 - t0); st.tickSum += t1 - t0; st.drawMs = Math.max(st.drawMs, performance.now() - t1);
      if (sim.alpha > sim.alphaMin || sim.alphaTarget > 0) requestAnimationFrame(frame);
      else { self.running = false; self.stats.settled = true; self.draw(); }
    });
  };
  Graph.prototype.fit = function () {
    var nodes = this.sim.nodes, sim = this.sim;
    if (!nodes.length) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    nodes.forEach(function (n) {
      if (n.x < minX) minX = n.x; if (n.y < minY) minY = n.y; if (n.x > maxX) maxX = n.x; if (n.y > maxY) maxY = n.y;
    });
    var pad = 24, top = this.opts.global ? 3 : 1.6, k = Math.min(top, (this.w - pad * 2) / Math.max(maxX - minX, 1));
    /* room for labels at the sides, up to a third of the half view */
    if (nodes.length <= 60) {
      var ctx = this.ctx, mid = (minX + maxX) / 2, room = this.w / 2 - 4;
      ctx.font = "11px " + getComputedStyle(document.body).fontFamily;
      nodes.forEach(function (n) {
        var free = room - Math.min(labelOf(ctx, n).w / 2, room / 3), dx = Math.abs(n.x - mid);
        if (dx > 1) k = Math.min(k, free / dx);
      });
    }
    /* the layout takes the view's shape: a force layout is about round, and a phone's tall view
       showed it in a band across its middle.  Its height is stretched (or squeezed, in a wide
       view) until it fills the view as its width does, by at most STRETCH either way; the
       forces act on the layout unstretched (tick), and dots and labels keep their size */
    var high = (maxY - minY) / sim.sy, room = this.h - pad * 2;
    if (high > 1) {
      var sy = Math.min(STRETCH, Math.max(1 / STRETCH, room / (high * k))), by = sy / sim.sy;
      nodes.forEach(function (n) { n.y *= by; n.vy *= by; });
      minY *= by; maxY *= by; sim.sy = sy;
    }
    k = Math.min(k, room / Math.max(maxY - minY, 1));
    this.k = Math.max(k, 0.02);
    this.tx = this.w / 2 - (minX + maxX) / 2 * this.k;
    this.ty = this.h / 2 - (minY + maxY) / 2 * this.k;
  };
  Graph.prototype.draw = function () {
    var ctx = this.ctx, sim = this.sim, c = this.c;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.w, this.h);
    if (!sim) return;
    var k = this.k, tx = this.tx, ty = this.ty, nodes = sim.nodes, links = sim.links, hv = this.hover, i, n;
    var near = null;
    if (hv) { near = new Set([hv]); links.forEach(function (l) { if (nodes[l[0]] === hv) near.add(nodes[l[1]]); else if (nodes[l[1]] === hv) near.add(nodes[l[0]]); }); }
    /* edges of a big graph are at most one device pixel wide: a wider stroke of thousands of lines
       takes the rasteriser's slow path where the canvas has no GPU (2,000 notes' 29,000 edges at
       1.1 px: 10 s a frame, the page frozen; at 1 px: 0.15 s) */
    ctx.lineWidth = Math.max(0.4, Math.min(1.2, k, links.length > 200 ? 1 / this.dpr : 1.2));
    ctx.strokeStyle = c.edge;
    ctx.globalAlpha = (hv ? 0.35 : 1) * Math.min(1, 0.25 + 15000 / Math.max(links.length, 1));
    /* while a big graph moves, draw a sample of the edges; all of them once it is still */
    var step = links.length > 30000 && (this.running || this.moving) ? Math.ceil(links.length / 30000) : 1;
    ctx.beginPath();
    for (i = 0; i < links.length; i += step) {
      var a = nodes[links[i][0]], b = nodes[links[i][1]];
      ctx.moveTo(a.x * k + tx, a.y * k + ty); ctx.lineTo(b.x * k + tx, b.y * k + ty);
    }
    ctx.stroke();
    if (hv) {
      ctx.globalAlpha = 1; ctx.strokeStyle = c.accent; ctx.beginPath();
      links.forEach(function (l) {
        var p = nodes[l[0]], q = nodes[l[1]];
        if (p === hv || q === hv) { ctx.moveTo(p.x * k + tx, p.y * k + ty); ctx.lineTo(q.x * k + tx, q.y * k + ty); }
      });
      ctx.stroke();
    }
    var scale = this.nodeScale();
    var groups = [[c.node, false, false], [c.tag, true, false]], visible = 0;
    for (var gi = 0; gi < groups.length; gi++) {
      ctx.fillStyle = groups[gi][0]; ctx.beginPath();
      for (i = 0; i < nodes.length; i++) {
        n = nodes[i];
        if (n.tag !== groups[gi][1] || n.center) continue;
        var x = n.x * k + tx, y = n.y * k + ty;
        if (x < -10 || y < -10 || x > this.w + 10 || y > this.h + 10) continue;
        visible++;
        ctx.globalAlpha = near && !near.has(n) ? 0.3 : 1;
        var rr = n.r * scale;
        if (rr < 2.2) ctx.rect(x - rr, y - rr, rr * 2, rr * 2);
        else { ctx.moveTo(x + rr, y); ctx.arc(x, y, rr, 0, 6.2832); }
      }
      ctx.globalAlpha = hv ? 0.6 : 1;
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = c.accent;
    nodes.forEach(function (nd) {
      if (nd.center || nd === hv) { ctx.beginPath(); ctx.arc(nd.x * k + tx, nd.y * k + ty, nd.r * scale + 1, 0, 6.2832); ctx.fill(); }
    });
    /* the keyboard's node: a ring around its dot, as a focused link has an outline */
    var fn = this.focused;
    if (fn) {
      ctx.strokeStyle = c.accent; ctx.lineWidth = 2; ctx.beginPath();
      ctx.arc(fn.x * k + tx, fn.y * k + ty, fn.r * scale + 5, 0, 6.2832); ctx.stroke();
    }
    /* labels: all of a small graph, zoomed-in parts of a big one, the hovered node's; the current
       note's first, then the hovered, its neighbours, the busiest; kept in view; an overlap is left out */
    var labels = this.w * this.h / Math.max(visible, 1) > (this.opts.global ? 4000 : 2500);
    ctx.font = "11px " + getComputedStyle(document.body).fontFamily;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    var order = [], boxes = [];
    for (i = 0; i < nodes.length; i++) {
      n = nodes[i];
      if (!(labels || n === hv || n.center || (near && near.has(n)))) continue;
      if (near && !near.has(n) && !n.center) continue;
      order.push(n);
    }
    var rank = function (n) { return (n.center ? 0 : n === hv ? 1 : near && near.has(n) ? 2 : 3) * 1e6 - n.deg; };
    order.sort(function (p, q) { return rank(p) - rank(q); });
    /* a label goes below its dot, else above it; never over another label or, in a view of a few
       hundred dots, over another note's dot (it hid the dot, and read as that note's name) */
    var dots = [];
    if (visible <= 400) {
      for (i = 0; i < nodes.length; i++) {
        n = nodes[i];
        var dx = n.x * k + tx, dy = n.y * k + ty, dr = n.r * scale + 1;
        if (dx > -10 && dy > -10 && dx < this.w + 10 && dy < this.h + 10) dots.push([dx - dr, dy - dr, dx + dr, dy + dr, n]);
      }
    }
    /* nor under the depth menu in the view's corner */
    var menu = this.el.querySelector(".graph-depth");
    if (menu && menu.offsetWidth) {
      var mr = menu.getBoundingClientRect(), cr = this.canvas.getBoundingClientRect();
      boxes.push([mr.left - cr.left, mr.top - cr.top, mr.right - cr.left, mr.bottom - cr.top]);
    }
    var hits = function (box, o) { return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]; };
    for (i = 0; i < order.length && boxes.length < 251; i++) {
      n = order[i];
      var label = labelOf(ctx, n), half = label.w / 2, lx = n.x * k + tx, gap = n.r * scale + (n === fn ? 7 : 2);
      var box = null, ly;
      for (var side = 0; side < 2 && !box; side++) {
        ly = n.y * k + ty + (side ? -gap - 12 : gap);
        if (lx < -half || ly < -12 || lx > this.w + half || ly > this.h) continue;
        var x = Math.min(Math.max(lx, half + 2), this.w - half - 2), y = Math.min(Math.max(ly, 1), this.h - 13);
        var b = [x - half - 2, y - 1, x + half + 2, y + 13], own = n;
        if (boxes.some(function (o) { return hits(b, o); })) continue;
        if (dots.some(function (o) { return o[4] !== own && hits(b, o); })) continue;
        box = b; lx = x; ly = y;
      }
      if (!box) continue;
      boxes.push(box);
      ctx.fillStyle = n === hv || n.center ? c.accent : c.text;
      ctx.fillText(label.text, lx, ly);
    }
  };
  /* node size on screen: grows gently with zoom; big graphs start with smaller dots */
  Graph.prototype.nodeScale = function () {
    var big = this.sim && this.sim.nodes.length > 2000;
    return Math.max(big ? 0.2 : 0.35, Math.min(1.6, Math.sqrt(this.k) * (big ? 0.6 : 1)));
  };
  Graph.prototype.nodeAt = function (px, py) {
    if (!this.sim) return null;
    var best = null, bestD = 1e9, k = this.k, scale = this.nodeScale();
    var x = (px - this.tx) / k, y = (py - this.ty) / k, nodes = this.sim.nodes;
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i], dx = n.x - x, dy = n.y - y, d = dx * dx + dy * dy, r = (n.r * scale + 4) / k;
      if (d < r * r && d < bestD) { best = n; bestD = d; }
    }
    return best;
  };
  Graph.prototype.bind = function () {
    var self = this, cv = this.canvas, pointers = new Map(), drag = null, moved = 0, pinch = null;
    function pos(e) { var r = cv.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    cv.addEventListener("pointerdown", function (e) {
      cv.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, pos(e));
      moved = 0;
      if (pointers.size === 2) {
        var p = Array.from(pointers.values());
        pinch = { d: Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]), k: self.k };
        drag = null; return;
      }
      var at = pos(e), node = self.nodeAt(at[0], at[1]);
      drag = { node: node, x: at[0], y: at[1], tx: self.tx, ty: self.ty };
      if (node) { node.fixed = true; }
      cv.classList.add("dragging");
    });
    cv.addEventListener("pointermove", function (e) {
      var at = pos(e);
      if (pointers.has(e.pointerId)) pointers.set(e.pointerId, at);
      if (pinch && pointers.size === 2) {
        var p = Array.from(pointers.values()), d = Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]);
        self.zoomAt((p[0][0] + p[1][0]) / 2, (p[0][1] + p[1][1]) / 2, pinch.k * d / pinch.d / self.k);
        return;
      }
      if (drag) {
        moved += Math.abs(e.movementX || 0) + Math.abs(e.movementY || 0);
        if (drag.node) {
          drag.node.x = (at[0] - self.tx) / self.k; drag.node.y = (at[1] - self.ty) / self.k;
          if (moved > 3) { self.sim.alphaTarget = 0.2; self.sim.alpha = Math.max(self.sim.alpha, 0.2); self.userMoved = true; self.start(); }
        } else {
          self.tx = drag.tx + at[0] - drag.x; self.ty = drag.ty + at[1] - drag.y; self.userMoved = true;
        }
        self.touch();
        return;
      }
      var h = self.nodeAt(at[0], at[1]);
      if (h !== self.hover) { cv.style.cursor = h ? "pointer" : ""; self.select(h, at); }
    });
    function up(e) {
      pointers.delete(e.pointerId);
      if (pointers.size < 2) pinch = null;
      cv.classList.remove("dragging");
      if (!drag) return;
      var node = drag.node;
      /* the browser took the gesture over (a swipe that scrolls the page): undo its first moves */
      if (e.type === "pointercancel" && !node) { self.tx = drag.tx; self.ty = drag.ty; self.draw(); }
      drag = null;
      if (node) { node.fixed = false; self.sim.alphaTarget = 0; }
      if (moved > 3 || e.type !== "pointerup") return;
      /* touch: a first tap selects a node (label, neighbours), a second opens it */
      if (e.pointerType === "touch" && node !== self.hover) return self.select(node, pos(e));
      if (node && node.url) location.href = vs.hrefFor(node.url);
    }
    cv.addEventListener("pointerup", up);
    cv.addEventListener("pointercancel", up);
    cv.addEventListener("pointerleave", function (e) { if (self.hover && !drag && e.pointerType !== "touch") self.select(null); });
    cv.addEventListener("wheel", function (e) {
      e.preventDefault();
      var at = pos(e);
      self.zoomAt(at[0], at[1], Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0015)));
    }, { passive: false });
    cv.addEventListener("dblclick", function (e) { var at = pos(e); self.zoomAt(at[0], at[1], 1.8); });
    cv.addEventListener("keydown", function (e) { if (!e.altKey && !e.ctrlKey && !e.metaKey && self.key(e.key)) e.preventDefault(); });
    /* a click focuses the canvas too; only a focus from the keyboard puts the ring on a node */
    cv.addEventListener("focus", function () { if (!self.focused && cv.matches(":focus-visible")) self.key("Home"); });
    cv.addEventListener("blur", function () { if (self.focused) { self.focused = null; self.select(null); } });
  };
  /* the order Page Down goes through: the current note (or the busiest), then by name */
  Graph.prototype.turns = function () {
    var nodes = this.sim.nodes.slice();
    return nodes.sort(function (p, q) {
      return (q.center - p.center) || (p.tag - q.tag) || (p.label < q.label ? -1 : p.label > q.label ? 1 : 0);
    });
  };
  /* a key on the focused graph: true when it was one of the graph's */
  Graph.prototype.key = function (name) {
    var sim = this.sim, cur = this.focused, next = null;
    if (!sim || !sim.nodes.length) return false;
    var dirs = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (name === "Enter") {
      if (cur && cur.url) location.href = vs.hrefFor(cur.url);
      return !!cur;
    } else if (name === "Escape") {
      if (!cur) return false;
      this.focused = null; this.select(null); return true;
    } else if (name === "Home" || name === "End" || name === "PageDown" || name === "PageUp") {
      var turns = this.turns(), at = cur ? turns.indexOf(cur) : -1, n = turns.length;
      if (name === "Home") next = sim.nodes.filter(function (nd) { return nd.center; })[0] ||
        sim.nodes.reduce(function (p, q) { return q.deg > p.deg ? q : p; });
      else if (name === "End") next = turns[n - 1];
      else next = turns[((at < 0 ? 0 : at + (name === "PageDown" ? 1 : -1)) + n) % n];
    } else if (dirs[name]) {
      /* the nearest dot on that side, a step straight that way counting less than one across it */
      var d = dirs[name], best = Infinity, k = this.k;
      if (!cur) return this.key("Home");
      sim.nodes.forEach(function (nd) {
        var dx = (nd.x - cur.x) * k, dy = (nd.y - cur.y) * k, along = dx * d[0] + dy * d[1];
        var across = Math.abs(dx * d[1] - dy * d[0]);
        if (nd === cur || along <= 0 || along + across * 2 >= best) return;
        best = along + across * 2; next = nd;
      });
      if (!next) return true;
    } else {
      return false;
    }
    this.focused = next;
    /* the view follows the focus: a node out of sight is brought into it */
    var x = next.x * this.k + this.tx, y = next.y * this.k + this.ty, m = Math.min(30, this.w / 4, this.h / 4);
    var px = Math.min(0, this.w - m - x) || Math.max(0, m - x), py = Math.min(0, this.h - m - y) || Math.max(0, m - y);
    if (px || py) { this.tx += px; this.ty += py; x += px; y += py; this.userMoved = true; }
    this.select(next, [x, y]);
    var turnsNow = this.turns();
    this.said.textContent = next.label + (next.tag ? ", tag" : "") + ", " + next.deg + (next.deg === 1 ? " link" : " links") +
      ", " + (turnsNow.indexOf(next) + 1) + " of " + turnsNow.length;
    return true;
  };
  /* the hovered (or tapped) node, named in a tip */
  Graph.prototype.select = function (h, at) {
    this.hover = h;
    this.tip.hidden = !h;
    if (h) {
      this.tip.textContent = h.label;
      this.tip.style.left = Math.min(at[0] + 12, this.w - 120) + "px";
      this.tip.style.top = Math.min(at[1] + 12, this.h - 28) + "px";
    }
    this.draw();
  };
  Graph.prototype.zoomAt = function (x, y, factor) {
    var k = Math.min(Math.max(this.k * factor, 0.01), 12);
    this.tx = x - (x - this.tx) * k / this.k; this.ty = y - (y - this.ty) * k / this.k;
    this.k = k; this.userMoved = true; this.touch();
  };
  Graph.prototype.touch = function () {
    var self = this;
    this.moving = true;
    clearTimeout(this.idle);
    this.idle = setTimeout(function () { self.moving = false; self.draw(); }, 180);
    this.draw();
  };

  /* ---------- wire up every .graph on the page ---------- */
  G.tick = tick;
  var views = G.views = [];
  function setup(el) {
    var global = el.getAttribute("data-global") === "true";
    var withTags = el.getAttribute("data-tags") === "true";
    var depth = +(vs.store("vaultsite-graph-depth") || el.getAttribute("data-depth") || 1);
    var view = new Graph(el, { global: global });
    views.push(view);
    function rebuild() {
      withData(function (d) {
        var center = -1;
        if (!global) {
          var url = el.getAttribute("data-url");
          for (var i = 0; i < d.nodes.length; i++) if (d.nodes[i][1] === url) { center = i; break; }
          if (center < 0) return;
        }
        view.setData(subgraph(d, center, depth, withTags));
      });
    }
    if (!global) {
      var sel = document.createElement("select");
      sel.className = "graph-depth";
      sel.setAttribute("aria-label", "Graph depth");
      [1, 2, 3].forEach(function (n) { var o = document.createElement("option"); o.value = n; o.textContent = "depth " + n; o.selected = n === depth; sel.appendChild(o); });
      sel.addEventListener("change", function () { depth = +sel.value; vs.store("vaultsite-graph-depth", String(depth)); rebuild(); });
      el.appendChild(sel);
    } else {
      var box = document.querySelector(".graph-tags-toggle"), fit = document.querySelector(".graph-reset");
      if (box) box.addEventListener("change", function () { withTags = box.checked; rebuild(); });
      if (fit) fit.addEventListener("click", function () { view.userMoved = false; view.fit(); view.draw(); });
    }
    rebuild();
  }
  document.querySelectorAll(".graph").forEach(setup);
  window.addEventListener("resize", function () { views.forEach(function (v) { v.resize(); }); });
  window.addEventListener("vs-theme", function () { views.forEach(function (v) { v.colors(); v.draw(); }); });
})();
