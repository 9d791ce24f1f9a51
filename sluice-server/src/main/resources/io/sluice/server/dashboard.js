// Draws the graph left to right (column = longest path from a start node) and refreshes every node's figures.
const W = 170, H = 84, GAP_X = 70, GAP_Y = 26, PAD = 20;
const svg = document.getElementById('canvas');
const boxes = {};
const last = {};
let selected = null;

function el(name, attrs, parent) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

// The token comes in the address's fragment (#token=…), which the browser never sends: taken from there once, kept
// for this tab only, and dropped from the address bar so that it is not copied or bookmarked along with the page.
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
  problem('');
  return body;
}

async function drawGraph() {
  const graph = await json('/api/graph');
  document.getElementById('graph').textContent = 'Graph ' + graph.name;
  document.getElementById('system').textContent = graph.system + ' · ' + graph.deployment;
  const column = {};
  graph.nodes.forEach(n => column[n.id] = 0);
  for (let pass = 0; pass < graph.nodes.length; pass++) {
    graph.edges.forEach(e => column[e.to] = Math.max(column[e.to], column[e.from] + 1));
  }
  const rows = {};
  graph.nodes.forEach(n => {
    const c = column[n.id];
    rows[c] = (rows[c] || 0) + 1;
    boxes[n.id] = { x: PAD + c * (W + GAP_X), y: PAD + (rows[c] - 1) * (H + GAP_Y), node: n };
  });
  const width = PAD * 2 + (Math.max(...Object.values(column)) + 1) * (W + GAP_X);
  const height = PAD * 2 + Math.max(...Object.values(rows)) * (H + GAP_Y);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  graph.edges.forEach(e => {
    const a = boxes[e.from], b = boxes[e.to];
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    el('path', { class: 'edge', d: `M${x1},${y1} C${x1 + 30},${y1} ${x2 - 30},${y2} ${x2},${y2}` }, svg);
  });
  for (const [id, box] of Object.entries(boxes)) {
    const g = el('g', { class: 'node CREATED', 'data-node': id, transform: `translate(${box.x},${box.y})` }, svg);
    el('rect', { width: W, height: H }, g);
    el('text', { class: 'title', x: 10, y: 18 }, g).textContent = id;
    box.rate = el('text', { class: 'rate', x: 10, y: 38 }, g);
    box.counts = el('text', { class: 'counts', x: 10, y: 56 }, g);
    box.queue = el('text', { class: 'queue', x: 10, y: 74 }, g);
    box.g = g;
    g.addEventListener('click', () => { selected = id; refreshDetail(); });
  }
}

async function refresh() {
  const status = await json('/api/nodes');
  document.getElementById('state').textContent = status.state;
  document.getElementById('failure').textContent = status.failure || '';
  const t = status.tracking;
  document.getElementById('items').textContent = t
    ? `${t.level}: ${t.completed.toLocaleString()} of ${t.introduced.toLocaleString()} items completely processed, `
      + `${t.pending.toLocaleString()} pending, ${t.failed.toLocaleString()} failed`
      + (t.replays ? `, ${t.replays.toLocaleString()} replays` : '')
      + (t.deadLettered ? `, ${t.deadLettered.toLocaleString()} dead-lettered` : '')
    : '';
  const now = performance.now();
  for (const node of status.nodes) {
    const box = boxes[node.id];
    if (!box) continue;
    const moved = node.kind === 'END' ? node.itemsIn : node.itemsOut;
    const before = last[node.id];
    const rate = before ? (moved - before.moved) * 1000 / Math.max(1, now - before.at) : 0;
    last[node.id] = { moved, at: now };
    box.g.setAttribute('class', 'node ' + node.state);
    box.g.setAttribute('data-state', node.state);
    box.g.setAttribute('data-items-in', node.itemsIn);
    box.g.setAttribute('data-items-out', node.itemsOut);
    box.rate.textContent = `${node.state} · ${Math.round(rate).toLocaleString()} items/s`;
    box.counts.textContent = `in ${node.itemsIn.toLocaleString()} · out ${node.itemsOut.toLocaleString()}`;
    box.queue.textContent = `errors ${node.errors} · queued ${node.queueDepth.toLocaleString()}`;
  }
  if (selected) refreshDetail(status);
}

async function refreshDetail(status) {
  status = status || await json('/api/nodes');
  const node = status.nodes.find(n => n.id === selected);
  document.getElementById('detail-title').textContent = 'Node ' + selected;
  document.getElementById('detail').textContent = JSON.stringify(node, null, 2);
  if (node.kind === 'END') {
    const results = await json(`/api/nodes/${encodeURIComponent(selected)}/results?limit=10`);
    document.getElementById('results-title').textContent = `Recent results (${results.total} in all)`;
    document.getElementById('results').textContent = results.items.map(i => JSON.stringify(i)).join('\n');
  } else {
    document.getElementById('results-title').textContent = '';
    document.getElementById('results').textContent = '';
  }
}

drawGraph().then(refresh).then(() => setInterval(refresh, 1000)).catch(e => console.error(e));
