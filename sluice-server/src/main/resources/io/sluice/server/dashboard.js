// The dashboard: the graph left to right, each node with its figures and a small chart of its throughput, edges coloured
// by how far behind the node they lead to is; charts of the whole graph in the header; a panel for the node clicked.
// The history of the charts comes from the server (GET /api/history): it samples on a timer, so a page opened late
// still draws the last minutes. One static bundle, no build step; charts by uPlot (vendor/, MIT).
'use strict';

const W = 210, H = 104, GAP_X = 64, GAP_Y = 22, PAD = 24;
const COLOURS = { in: '#0969da', out: '#1a7f37', errors: '#cf222e', queue: '#9a6700', pending: '#8250df' };
const REFRESH_MS = 1000, STORES_EVERY = 5, WINDOW_S = 60, MEAN_OVER = 5;

const stage = document.getElementById('stage');
const sizer = document.getElementById('sizer');
const viewport = document.getElementById('viewport');
const edgesSvg = document.getElementById('edges');

let graph = null;              // GET /api/graph
let status = null;             // the latest GET /api/nodes
// Maps by node id have no prototype: an id may be any of letters, digits, '_' and '-', '__proto__' too.
const byId = () => Object.create(null);
const boxes = byId();          // node id -> { el, node, figures, chart }
const edgeEls = [];            // { edge, path, label }
const hist = { next: 0, capacity: 600, times: [], nodes: byId(), tracking: null };
let selected = null;
let panelCharts = [];
let headerCharts = {};
let zoom = 1, natural = { width: 0, height: 0 };
let refreshes = 0;

// ---- the token: from the address's fragment (#token=…), which the browser never sends; kept for this tab only, and
// dropped from the address bar so that it is not copied or bookmarked with the page.
const TOKEN_KEY = 'sluice.token';
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.has('token')) {
  sessionStorage.setItem(TOKEN_KEY, fragment.get('token'));
  history.replaceState(null, '', location.pathname + location.search);
}

function problem(text) {
  const p = document.getElementById('problem');
  p.textContent = text;
  p.hidden = !text;
}

async function json(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, {
    headers: token ? { Authorization: 'Bearer ' + token } : {},
    cache: 'no-store',
  });
  const body = await response.json();
  if (response.status === 401) {
    problem('This server needs its API token: open the address it printed when it started'
      + ' (…/#token=…), or give it one with --token or SLUICE_API_TOKEN. ' + body.error);
    throw new Error(body.error);
  }
  if (!response.ok) throw new Error(body.error);
  return body;
}

// ---- small helpers

function svg(name, attrs, parent) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

function html(name, attrs, parent, text) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

const number = n => n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en');
const rate = n => n === null || n === undefined ? '–' : (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en'));
const lastOf = a => { for (let i = a.length - 1; i >= 0; i--) if (a[i] !== null) return a[i]; return null; };
// Counters move a batch at a time, so one interval's rate jumps; the figure on a node is the mean of the last few.
const meanOf = a => {
  const known = a.slice(-MEAN_OVER).filter(v => v !== null);
  return known.length ? known.reduce((x, y) => x + y, 0) / known.length : null;
};
const lagWord = () => graph && graph.system === 'KAFKA' ? 'lag' : 'queued';

function rows(table, entries) {
  table.replaceChildren();
  for (const [k, v] of entries) {
    const tr = html('tr', {}, table);
    html('th', {}, tr, k);
    html('td', {}, tr, v);
  }
}

// ---- layout: a column per longest path from a start node; rows ordered to cross fewer edges

function layout(g) {
  const ids = g.nodes.map(n => n.id);
  const preds = byId(), succs = byId(), column = byId(), indegree = byId();
  ids.forEach(id => { preds[id] = []; succs[id] = []; column[id] = 0; indegree[id] = 0; });
  g.edges.forEach(e => { preds[e.to].push(e.from); succs[e.from].push(e.to); indegree[e.to]++; });
  const queue = ids.filter(id => indegree[id] === 0);          // Kahn: the graph is acyclic (validated)
  while (queue.length) {
    const id = queue.shift();
    for (const to of succs[id]) {
      column[to] = Math.max(column[to], column[id] + 1);
      if (--indegree[to] === 0) queue.push(to);
    }
  }
  const columns = [];
  ids.forEach(id => (columns[column[id]] = columns[column[id]] || []).push(id));
  const position = byId();
  const place = () => columns.forEach(c => c.forEach((id, i) => position[id] = i));
  place();
  const centre = (ns, own) => ns.length ? ns.reduce((s, n) => s + position[n], 0) / ns.length : position[own];
  for (let sweep = 0; sweep < 4; sweep++) {                    // barycentre sweeps, forward then back
    const order = sweep % 2 === 0 ? columns.slice(1) : columns.slice(0, -1).reverse();
    for (const c of order) {
      c.sort((a, b) => centre(sweep % 2 === 0 ? preds[a] : succs[a], a) - centre(sweep % 2 === 0 ? preds[b] : succs[b], b));
      c.forEach((id, i) => position[id] = i);
    }
  }
  const tallest = Math.max(...columns.map(c => c.length));
  const at = byId();
  columns.forEach((c, x) => {
    const offset = (tallest - c.length) * (H + GAP_Y) / 2;
    c.forEach((id, y) => at[id] = { x: PAD + x * (W + GAP_X), y: PAD + offset + y * (H + GAP_Y) });
  });
  return { at, width: PAD * 2 + columns.length * (W + GAP_X) - GAP_X, height: PAD * 2 + tallest * (H + GAP_Y) - GAP_Y };
}

// ---- charts (uPlot)

// Time runs over at least the last minute, so that a young deployment's charts fill from the right.
const timeRange = (u, min, max) => {
  if (max === null || max === undefined) max = Date.now() / 1000;
  return [Math.min(min === null || min === undefined ? max : min, max - WINDOW_S), max];
};

// Out of the cursor, a legend shows the latest values rather than dashes.
const latestInLegend = u => {
  if (u.legend.idx === null || u.legend.idx === undefined) {
    if (u.data[0].length) u.setLegend({ idx: u.data[0].length - 1 }, false);
  }
};

function sparkline(parent) {
  return new uPlot({
    width: W - 14, height: 26, cursor: { show: false }, legend: { show: false }, select: { show: false },
    scales: { x: { time: true, range: timeRange }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: COLOURS.out, fill: 'rgba(26,127,55,0.12)', width: 1 }, { stroke: COLOURS.errors, width: 1 }],
  }, [[], [], []], parent);
}

const upward = (u, min, max) => [0, Math.max(1, max * 1.1)];
const AXIS = { font: '10px system-ui', ticks: { size: 4 } };
const clock = t => new Date(t * 1000).toLocaleTimeString('en-GB');
const TIME_AXIS = Object.assign({ size: 24, values: (u, splits) => splits.map(clock) }, AXIS);
const TIME_SERIES = { label: 'time', value: (u, t) => t === null || t === undefined ? '–' : clock(t) };

function chart(parent, width, series, extra, height) {
  return new uPlot(Object.assign({
    width, height: height || 100, legend: { live: true }, hooks: { setLegend: [latestInLegend] },
    scales: { x: { time: true, range: timeRange }, y: { range: upward } },
    axes: [TIME_AXIS, Object.assign({ size: 50 }, AXIS)],
    series: [TIME_SERIES, ...series.map(s => Object.assign({ width: 1.5, points: { show: false } }, s))],
  }, extra || {}), [[], ...series.map(() => [])], parent);
}

function draw(u, data) {
  u.setData(data);
  const hovered = u.cursor.left >= 0;                          // uPlot puts the cursor at -10 when it is out
  if (u.legend.live && !hovered && data[0].length) u.setLegend({ idx: data[0].length - 1 }, false);
  u.root.parentElement.setAttribute('data-points', data[0].length);
}

const seconds = () => hist.times.map(t => t / 1000);

// ---- the graph

async function drawGraph() {
  graph = await json('/api/graph');
  document.getElementById('graph').textContent = 'Graph ' + graph.name;
  document.getElementById('system').textContent = graph.system + ' · ' + graph.deployment;
  document.getElementById('queue-title').textContent = graph.system === 'KAFKA' ? 'Consumer lag (records)' : 'Queue depth (items)';
  const { at, width, height } = layout(graph);
  natural = { width, height };
  edgesSvg.setAttribute('width', width);
  edgesSvg.setAttribute('height', height);
  const datalist = document.getElementById('node-ids');
  for (const e of graph.edges) {
    const a = at[e.from], b = at[e.to];
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, bend = Math.max(24, (x2 - x1) / 2);
    const path = svg('path', { class: 'edge', 'data-from': e.from, 'data-to': e.to,
      d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` }, edgesSvg);
    const words = [e.port !== 'default' ? e.port : '', e.partitioning !== 'forward' ? e.partitioning : ''].filter(w => w);
    let label = null;
    if (words.length) {
      label = svg('text', { class: 'edge-label', x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle' }, edgesSvg);
      label.textContent = words.join(' · ');
    }
    edgeEls.push({ edge: e, path, label });
  }
  for (const n of graph.nodes) {
    const box = html('div', { class: 'node CREATED', 'data-node': n.id, 'data-kind': n.kind, tabindex: '0',
      title: `${n.kind.toLowerCase()} node ${n.id} · parallelism ${n.parallelism}` }, stage);
    box.style.left = at[n.id].x + 'px';
    box.style.top = at[n.id].y + 'px';
    const title = html('div', { class: 'title' }, box);
    html('span', { class: 'id' }, title, n.id);
    if (n.parallelism > 1) html('span', { class: 'parallelism' }, title, '×' + n.parallelism);
    const rateLine = html('div', { class: 'rate', title: `items/s: the mean of the last ${MEAN_OVER} samples` }, box);
    const counts = html('div', { class: 'counts' }, box);
    const queue = html('div', { class: 'queue' }, box);
    const spark = html('div', { class: 'spark' }, box);
    boxes[n.id] = { el: box, node: n, rate: rateLine, counts, queue, chart: sparkline(spark) };
    const open = () => select(n.id);
    box.addEventListener('click', open);
    box.addEventListener('keydown', ev => { if (ev.key === 'Enter') open(); });
    html('option', { value: n.id }, datalist);
  }
  initialZoom();
}

function setZoom(z) {
  zoom = Math.min(2, Math.max(0.2, z));
  stage.style.transform = `scale(${zoom})`;
  stage.style.width = natural.width + 'px';
  stage.style.height = natural.height + 'px';
  sizer.style.width = natural.width * zoom + 'px';
  sizer.style.height = natural.height * zoom + 'px';
  document.body.setAttribute('data-zoom', zoom.toFixed(2));
}

function fitZoom() {
  return Math.min(viewport.clientWidth / natural.width, viewport.clientHeight / natural.height);
}

// Small graphs at their size; large ones shrunk to fit, but not below what stays readable: beyond that, scroll.
function initialZoom() {
  setZoom(Math.max(0.6, Math.min(1, fitZoom())));
}

document.getElementById('zoom-in').addEventListener('click', () => setZoom(zoom * 1.25));
document.getElementById('zoom-out').addEventListener('click', () => setZoom(zoom / 1.25));
document.getElementById('zoom-fit').addEventListener('click', () => setZoom(fitZoom()));
document.getElementById('zoom-one').addEventListener('click', () => setZoom(1));
viewport.addEventListener('wheel', ev => {
  if (!ev.ctrlKey) return;                                     // plain wheel scrolls; ctrl + wheel zooms
  ev.preventDefault();
  setZoom(zoom * (ev.deltaY < 0 ? 1.1 : 1 / 1.1));
}, { passive: false });
document.getElementById('find').addEventListener('change', ev => {
  const id = ev.target.value.trim();
  if (!boxes[id]) return;
  select(id);
  boxes[id].el.scrollIntoView({ block: 'center', inline: 'center' });
});

// ---- history: the whole ring once, then what is new every second

async function loadHistory() {
  const h = await json('/api/history' + (hist.times.length ? '?from=' + hist.next : ''));
  if (h.next < hist.next) {                                    // another server: start again
    hist.times = []; hist.nodes = byId(); hist.tracking = null;
  }
  // A loop, not push(...values): a ring of a day's samples is more arguments than a call takes.
  const append = (into, values) => { for (const v of values) into.push(v); };
  hist.capacity = h.capacity;
  hist.next = h.next;
  append(hist.times, h.times);
  for (const [id, series] of Object.entries(h.nodes)) {
    const mine = hist.nodes[id] = hist.nodes[id] || { itemsInPerSecond: [], itemsOutPerSecond: [], errorsPerSecond: [], queueDepth: [] };
    for (const k of Object.keys(mine)) append(mine[k], series[k]);
  }
  if (h.tracking) {
    hist.tracking = hist.tracking || { completedPerSecond: [], failedPerSecond: [], pending: [] };
    for (const k of Object.keys(hist.tracking)) append(hist.tracking[k], h.tracking[k]);
  }
  const extra = hist.times.length - hist.capacity;             // the page keeps what the server keeps, no more
  if (extra > 0) {
    hist.times.splice(0, extra);
    for (const s of Object.values(hist.nodes)) for (const a of Object.values(s)) a.splice(0, extra);
    if (hist.tracking) for (const a of Object.values(hist.tracking)) a.splice(0, extra);
  }
}

// How far behind a node is: what waits for it over the rate it takes items at (the last five samples).
function behind(id) {
  const s = hist.nodes[id];
  if (!s || !s.queueDepth.length) return null;
  const depth = lastOf(s.queueDepth);
  if (depth === null) return null;
  if (depth === 0) return { level: 'ok', seconds: 0, depth };
  const taken = (boxes[id].node.kind === 'START' ? s.itemsOutPerSecond : s.itemsInPerSecond)
    .slice(-MEAN_OVER).filter(v => v !== null);
  if (!taken.length) return null;
  const per = taken.reduce((a, b) => a + b, 0) / taken.length;
  const secs = per > 0 ? depth / per : Infinity;
  const level = secs < 1 ? 'ok' : secs < 5 ? 'busy' : secs < 30 ? 'behind' : 'stalled';
  return { level, seconds: secs, depth };
}

// ---- every second

async function refresh() {
  [status] = await Promise.all([json('/api/nodes'), loadHistory()]);
  problem('');
  refreshes++;
  document.getElementById('state').textContent = status.state;
  document.body.setAttribute('data-state', status.state);
  document.getElementById('failure').textContent = status.failure || '';
  const x = seconds();
  for (const node of status.nodes) {
    const box = boxes[node.id];
    if (!box) continue;
    const s = hist.nodes[node.id];
    const moved = s ? meanOf(node.kind === 'END' ? s.itemsInPerSecond : s.itemsOutPerSecond) : null;
    box.el.className = 'node ' + node.state + (node.id === selected ? ' selected' : '');
    box.el.setAttribute('data-state', node.state);
    box.el.setAttribute('data-items-in', node.itemsIn);
    box.el.setAttribute('data-items-out', node.itemsOut);
    box.rate.textContent = `${node.state} · ${rate(moved)} items/s`;
    box.counts.textContent = `in ${number(node.itemsIn)} · out ${number(node.itemsOut)}`;
    const b = behind(node.id);
    box.queue.textContent = `errors ${number(node.errors)} · ${lagWord()} ${number(node.queueDepth)}`
      + (b && b.level !== 'ok' ? ` · ${isFinite(b.seconds) ? b.seconds.toFixed(1) + ' s' : 'stalled'}` : '');
    box.el.setAttribute('data-behind', b ? b.level : 'unknown');
    if (s) draw(box.chart, [x, node.kind === 'END' ? s.itemsInPerSecond : s.itemsOutPerSecond, s.errorsPerSecond]);
  }
  for (const { edge, path } of edgeEls) {
    const b = behind(edge.to);
    path.setAttribute('class', 'edge ' + (b ? b.level : ''));
  }
  drawHeader(x);
  if (selected) refreshDetail().catch(e => console.warn(e));
}

function sum(kind, key) {
  const n = hist.times.length, total = new Array(n).fill(null);
  for (const node of graph.nodes) {
    if (kind && node.kind !== kind) continue;
    const a = hist.nodes[node.id] && hist.nodes[node.id][key];
    if (!a) continue;
    for (let i = 0; i < n; i++) if (a[i] !== null) total[i] = (total[i] || 0) + a[i];
  }
  return total;
}

function drawHeader(x) {
  if (!headerCharts.totals) {
    headerCharts.totals = chart(document.getElementById('totals-chart'), 400, [
      { label: 'in', stroke: COLOURS.in },
      { label: 'out', stroke: COLOURS.out },
      { label: 'errors', stroke: COLOURS.errors }]);
  }
  draw(headerCharts.totals, [x, sum('START', 'itemsOutPerSecond'), sum('END', 'itemsInPerSecond'), sum(null, 'errorsPerSecond')]);

  const t = status.tracking;
  document.getElementById('tracking').hidden = !t;
  if (t) {
    document.getElementById('tracking-title').textContent = `Robustness ${t.level}: items processed, failed, pending`;
    document.getElementById('items').textContent =
      `${t.level}: ${t.completed.toLocaleString('en')} of ${t.introduced.toLocaleString('en')} items completely processed, `
      + `${t.pending.toLocaleString('en')} pending, ${t.failed.toLocaleString('en')} failed`
      + (t.replays ? `, ${t.replays.toLocaleString('en')} replays` : '')
      + (t.deadLettered ? `, ${t.deadLettered.toLocaleString('en')} dead-lettered` : '');
    if (!headerCharts.tracking) {
      headerCharts.tracking = chart(document.getElementById('tracking-chart'), 440, [
        { label: 'processed/s', stroke: COLOURS.out },
        { label: 'failed/s', stroke: COLOURS.errors },
        { label: 'pending', stroke: COLOURS.pending, scale: 'p' }], {
        scales: { x: { time: true, range: timeRange }, y: { range: upward }, p: { range: upward } },
        axes: [TIME_AXIS, Object.assign({ size: 50 }, AXIS),
          Object.assign({ scale: 'p', side: 1, size: 60, grid: { show: false } }, AXIS)],
      });
    }
    const h = hist.tracking || { completedPerSecond: [], failedPerSecond: [], pending: [] };
    draw(headerCharts.tracking, [x, h.completedPerSecond, h.failedPerSecond, h.pending]);
  }

  // On KAFKA each node runs as workers; the status tells how many instances report and in what state.
  document.getElementById('workers').hidden = graph.system !== 'KAFKA';
  if (graph.system === 'KAFKA') {
    const reporting = status.nodes.reduce((s, n) => s + n.instances, 0);
    const planned = graph.nodes.reduce((s, n) => s + n.parallelism, 0);
    document.getElementById('workers-summary').textContent = `${reporting} of ${planned} instances reporting`;
    const list = document.getElementById('workers-list');
    list.replaceChildren();
    for (const n of status.nodes.filter(n => n.state !== 'RUNNING' || n.instances < boxes[n.id].node.parallelism)) {
      html('li', {}, list, `${n.id}: ${n.state}, ${n.instances} of ${boxes[n.id].node.parallelism} instances`);
    }
    // worker processes (Workers.processes): alive, restarted, and where their logs are
    const workers = status.workers || [];
    if (workers.length > 0) {
      const alive = workers.filter(w => w.alive).length;
      const restarts = workers.reduce((s, w) => s + w.restarts, 0);
      document.getElementById('workers-summary').textContent +=
        ` · ${alive} of ${workers.length} worker processes alive · ${restarts} restart${restarts === 1 ? '' : 's'}`;
      for (const w of workers) {
        const item = html('li', {class: 'worker' + (w.alive ? '' : ' down')}, list,
          `${w.node}: ${w.alive ? 'alive' : 'down'}, pid ${w.pid}, ${w.restarts} restart${w.restarts === 1 ? '' : 's'}`);
        if (w.log) {
          html('div', {class: 'log', title: 'the worker\'s log file'}, item, w.log);
        }
      }
    }
  }
}

// ---- the node panel

function select(id) {
  if (selected && boxes[selected]) boxes[selected].el.classList.remove('selected');
  selected = id;
  boxes[id].el.classList.add('selected');
  panelCharts.forEach(c => c.destroy());
  const width = document.getElementById('panel').clientWidth - 36;
  panelCharts = [
    chart(document.getElementById('chart-items'), width, [
      { label: 'in', stroke: COLOURS.in }, { label: 'out', stroke: COLOURS.out }], null, 90),
    chart(document.getElementById('chart-errors'), width, [{ label: 'errors', stroke: COLOURS.errors }], null, 80),
    chart(document.getElementById('chart-queue'), width,
      [{ label: lagWord(), stroke: COLOURS.queue, fill: 'rgba(154,103,0,0.1)' }], null, 80),
  ];
  document.getElementById('panel').setAttribute('data-node', id);
  document.getElementById('detail-hint').hidden = true;
  document.getElementById('detail').hidden = false;
  drawConfig(id);
  document.getElementById('stores').replaceChildren();
  refreshDetail(true).catch(e => console.warn(e));
}

function drawConfig(id) {
  const n = boxes[id].node;
  const edge = e => `${e.from}${e.port !== 'default' ? '.' + e.port : ''} → ${e.to} (${e.partitioning})`;
  const inbound = graph.edges.filter(e => e.to === id).map(edge);
  const outbound = graph.edges.filter(e => e.from === id).map(edge);
  rows(document.getElementById('config'), [
    ['kind', n.kind.toLowerCase()],
    ['parallelism', String(n.parallelism)],
    ['ports', n.ports.length ? n.ports.join(', ') : '–'],
    ['robustness', n.robustness],
    ['inbound', inbound.length ? inbound.join('\n') : '–'],
    ['outbound', outbound.length ? outbound.join('\n') : '–'],
  ]);
}

async function refreshDetail(opened) {
  const id = selected;
  const node = status && status.nodes.find(n => n.id === id);
  if (!node) return;
  document.getElementById('detail-title').textContent = 'Node ' + id;
  const b = behind(id);
  rows(document.getElementById('figures'), [
    ['state', node.state],
    ['instances', `${node.instances} of ${boxes[id].node.parallelism}`],
    ['items in', number(node.itemsIn)],
    ['items out', number(node.itemsOut)],
    ['errors', number(node.errors)],
    [graph.system === 'KAFKA' ? 'consumer lag' : 'queue depth', number(node.queueDepth)
      + (b && b.depth ? ` (${isFinite(b.seconds) ? b.seconds.toFixed(1) + ' s of work' : 'not moving'})` : '')],
    ['last activity', node.lastActivity ? new Date(node.lastActivity).toLocaleTimeString('en-GB') : 'none yet'],
  ]);
  const s = hist.nodes[id];
  if (s) {
    const x = seconds();
    draw(panelCharts[0], [x, s.itemsInPerSecond, s.itemsOutPerSecond]);
    draw(panelCharts[1], [x, s.errorsPerSecond]);
    draw(panelCharts[2], [x, s.queueDepth]);
  }
  drawFailures(id);
  if (opened || refreshes % STORES_EVERY === 0) drawStores(id);
  if (node.kind === 'END') {
    const results = await json(`/api/nodes/${encodeURIComponent(id)}/results?limit=10`);
    if (selected !== id) return;
    document.getElementById('results-title').textContent = `Recent results (${results.total.toLocaleString('en')} in all)`;
    document.getElementById('results').textContent = results.items.map(i => JSON.stringify(i)).join('\n');
  } else {
    document.getElementById('results-title').textContent = '';
    document.getElementById('results').textContent = '';
  }
}

function drawFailures(id) {
  const list = document.getElementById('failures');
  const t = status.tracking;
  const level = boxes[id].node.robustness;
  list.replaceChildren();
  if (!t || level === 'NONE' || level === 'CONFIRM') {
    html('li', { class: 'muted' }, list, `Failures are kept from robustness TRACK up; this node runs at ${level}.`);
    return;
  }
  const mine = t.recentFailures.filter(f => f.node === id).slice(-10).reverse();
  if (!mine.length) html('li', { class: 'muted' }, list, 'None kept.');
  for (const f of mine) {
    const li = html('li', {}, list);
    html('span', { class: 'when' }, li, new Date(f.time).toLocaleTimeString('en-GB') + ` · attempt ${f.attempt} · item `);
    html('code', {}, li, f.item);
    html('div', { class: 'error' }, li, f.error);
  }
}

// A store's size is a read of the store (on KAFKA, of its changelog): asked when the panel opens, then every few seconds.
async function drawStores(id) {
  const stores = boxes[id].node.stores;
  const table = document.getElementById('stores');
  if (!stores.length) {
    rows(table, [['–', 'this node declares no store']]);
    return;
  }
  const sizes = await Promise.all(stores.map(s =>
    json(`/api/nodes/${encodeURIComponent(id)}/state/${encodeURIComponent(s.name)}?limit=1`)
      .then(r => r.total.toLocaleString('en') + ' entries', e => 'size unknown: ' + e.message)));
  if (selected !== id) return;
  rows(table, stores.map((s, i) => [s.name, `${s.backend} · ${sizes[i]}`]));
}

// One refresh at a time: the next starts a second after the last has finished, however slow the server is.
async function loop() {
  try {
    await refresh();
  } catch (e) {
    console.error(e);
  }
  setTimeout(loop, REFRESH_MS);
}

drawGraph().then(loop).catch(e => console.error(e));
