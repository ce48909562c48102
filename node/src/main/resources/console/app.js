// The flowagg console: reads GET /totals, /cluster and /ingest/stats like any client and draws them with uPlot.
// The whole view lives in the query string, so a URL can be shared and reloaded; a token never does.
'use strict';

(() => {
  const DIMENSIONS = ['src_app', 'dest_app', 'vpc_id'];
  const PRESETS = { '6h': 6, '24h': 24, '7d': 168 };
  const TOPS = [5, 8, 10, 20];
  const SORTS = { tx: 'bytes_tx', rx: 'bytes_rx', total: 'bytes' };
  const TALKERS = 50;
  const HOUR_MS = 3600 * 1000;
  // Ranges longer than a week are drawn per day: a point per hour would be finer than the chart's pixels.
  const MAX_HOURLY = 168;
  const DATA_REFRESH_MS = 60 * 1000;
  const OPS_REFRESH_MS = 5 * 1000;
  const TOKEN_KEY = 'flowagg.read-token';
  const PALETTE = ['#2458b3', '#e07b00', '#2e9d4c', '#c0392b', '#7d4cb3', '#1a9aa0', '#b5485d', '#8a7a00',
    '#5a6fd6', '#9c5b2e', '#3f7f3f', '#d14fa0', '#4b8bbe', '#a05050', '#607d8b', '#c49a00', '#2f6f6f', '#8e44ad',
    '#6b8e23', '#d35400'];
  const OTHER_COLOR = '#9aa1ab';

  const $ = (id) => document.getElementById(id);
  const state = readState();
  const shown = { chart: null, chartData: null, generation: 0, firstPaint: null };
  window.flowaggConsole = shown;

  // ---- The view's state and the URL ----

  function readState() {
    const q = new URLSearchParams(location.search);
    const s = { range: '24h', from: null, to: null, dim: 'src_app', top: 8, sort: 'total', filters: {} };
    const from = parseHour(q.get('from'));
    const to = parseHour(q.get('to'));
    if (from !== null && to !== null && to > from) {
      s.range = null;
      s.from = from;
      s.to = to;
    } else if (PRESETS[q.get('range')]) {
      s.range = q.get('range');
    }
    if (DIMENSIONS.includes(q.get('dim'))) s.dim = q.get('dim');
    if (TOPS.includes(Number(q.get('top')))) s.top = Number(q.get('top'));
    if (SORTS[q.get('sort')]) s.sort = q.get('sort');
    for (const d of DIMENSIONS) {
      if (q.get(d)) s.filters[d] = q.get(d);
    }
    return s;
  }

  function stateQuery(s) {
    const q = new URLSearchParams();
    if (s.range) {
      q.set('range', s.range);
    } else {
      q.set('from', hourText(s.from));
      q.set('to', hourText(s.to));
    }
    q.set('dim', s.dim);
    q.set('top', String(s.top));
    q.set('sort', s.sort);
    for (const d of DIMENSIONS) {
      if (s.filters[d]) q.set(d, s.filters[d]);
    }
    return q.toString();
  }

  /** Applies a change to the view: a new history entry, so Back undoes it, then the data again. */
  function change(update) {
    update(state);
    const query = '?' + stateQuery(state);
    if (query !== location.search) history.pushState(null, '', query);
    showControls();
    loadData();
  }

  window.addEventListener('popstate', () => {
    Object.assign(state, readState());
    showControls();
    loadData();
  });

  // ---- Time: hours since the epoch, in UTC like the API ----

  function parseHour(text) {
    if (!text) return null;
    const ms = Date.parse(/Z$|[+-]\d\d:\d\d$/.test(text) ? text : text + 'Z');
    return Number.isNaN(ms) ? null : Math.floor(ms / HOUR_MS);
  }

  function hourText(hour) {
    return new Date(hour * HOUR_MS).toISOString().slice(0, 16) + 'Z';
  }

  /** The hours [from, to) the view covers: a preset ends with the current hour. */
  function viewHours() {
    if (!state.range) return { from: state.from, to: state.to };
    const to = Math.floor(Date.now() / HOUR_MS) + 1;
    return { from: to - PRESETS[state.range], to };
  }

  function bucketOf(w) {
    return w.to - w.from > MAX_HOURLY ? 'day' : 'hour';
  }

  // ---- The API, with a read token when the node asks for one ----

  let tokenAsked = null;

  async function api(path) {
    for (;;) {
      const token = sessionStorage.getItem(TOKEN_KEY);
      const headers = { Accept: 'application/json' };
      if (token) headers.Authorization = 'Bearer ' + token;
      const response = await fetch(path, { headers, cache: 'no-store' });
      if (response.status === 401) {
        // Another request may have been given a new token meanwhile: try that before asking.
        if (token === sessionStorage.getItem(TOKEN_KEY)) {
          await askToken(token ? 'The node refused that token.' : '');
        }
        continue;
      }
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        throw new Error(path.split('?')[0] + ': ' + ((body && body.error) || 'HTTP ' + response.status));
      }
      return body;
    }
  }

  /** Shows the token dialog once, however many requests were refused; resolves when a token was entered. */
  function askToken(problem) {
    if (tokenAsked) return tokenAsked;
    sessionStorage.removeItem(TOKEN_KEY);
    tokenAsked = new Promise((resolve) => {
      const dialog = $('token-dialog');
      const form = $('token-form');
      $('token-error').textContent = problem;
      $('token-input').value = '';
      const submitted = () => {
        sessionStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
        form.removeEventListener('submit', submitted);
        tokenAsked = null;
        resolve();
      };
      form.addEventListener('submit', submitted);
      dialog.showModal();
      $('token-input').focus();
    });
    return tokenAsked;
  }

  // The dialog stays until a token is given: without one there is nothing to show.
  $('token-dialog').addEventListener('cancel', (e) => e.preventDefault());

  /** Every row of a GET /totals question, following next_cursor. */
  async function totals(params) {
    const rows = [];
    let cursor = null;
    do {
      const q = new URLSearchParams(params);
      q.set('limit', '100000');
      if (cursor) q.set('cursor', cursor);
      const page = await api('/totals?' + q);
      rows.push(...page.rows);
      cursor = page.next_cursor;
    } while (cursor);
    return rows;
  }

  function filterParams(w) {
    const params = [['from', String(w.from)], ['to', String(w.to)]];
    for (const d of DIMENSIONS) {
      if (state.filters[d]) params.push([d, state.filters[d]]);
    }
    return params;
  }

  // ---- Traffic over time and top talkers ----

  async function loadData() {
    const generation = ++shown.generation;
    const w = viewHours();
    const bucket = bucketOf(w);
    $('status').textContent = 'Loading…';
    $('status').className = '';
    try {
      const chartParams = filterParams(w).concat([['bucket', bucket], ['group_by', state.dim],
        ['top', String(state.top)], ['order_by', 'bytes']]);
      const talkerParams = filterParams(w).concat([['bucket', 'none'], ['group_by', DIMENSIONS.join(',')],
        ['top', String(TALKERS)], ['order_by', SORTS[state.sort]]]);
      // Both asked at once; the chart is drawn as soon as its answer is in, not after the table's.
      const talkers = totals(talkerParams);
      const series = await totals(chartParams);
      if (generation !== shown.generation) return;
      drawChart(w, bucket, series);
      const rows = await talkers;
      if (generation !== shown.generation) return;
      showTalkers(rows);
      $('status').textContent = '';
      document.body.dataset.loaded = String(generation);
    } catch (e) {
      if (generation !== shown.generation) return;
      $('status').textContent = e.message;
      $('status').className = 'error';
    }
  }

  /** Columns for uPlot: x, then per group its tx stacked upwards, then its rx stacked downwards. */
  function chartData(w, bucket, rows) {
    const step = bucket === 'day' ? 24 : 1;
    const first = Math.floor(w.from / step);
    const count = Math.max(1, Math.ceil(w.to / step) - first);
    const xs = Array.from({ length: count }, (_, i) => (first + i) * step * 3600);
    const groups = new Map();
    for (const row of rows) {
      const name = row.other ? null : row[state.dim];
      const key = row.other ? '\u0000other' : name;
      let g = groups.get(key);
      if (!g) {
        g = { name: row.other ? 'other' : name, other: !!row.other, total: 0,
          tx: new Array(count).fill(0), rx: new Array(count).fill(0) };
        groups.set(key, g);
      }
      const i = (bucket === 'day' ? row.day : row.hour) - first;
      if (i < 0 || i >= count) continue;
      g.tx[i] += row.bytes_tx;
      g.rx[i] += row.bytes_rx;
      g.total += row.bytes_tx + row.bytes_rx;
    }
    const ranked = [...groups.values()].sort((a, b) => (a.other - b.other) || (b.total - a.total));
    ranked.forEach((g, k) => { g.color = g.other ? OTHER_COLOR : PALETTE[k % PALETTE.length]; });
    return { xs, groups: ranked };
  }

  function drawChart(w, bucket, rows) {
    const data = chartData(w, bucket, rows);
    shown.chartData = data;
    $('range-label').textContent = hourText(w.from).replace('T', ' ') + ' – ' + hourText(w.to).replace('T', ' ');
    $('bucket-label').textContent = bucket;
    $('top-label').textContent = String(state.top);
    $('dimension-label').textContent = state.dim;

    // Stacked by drawing running sums, the outermost first, each filled to the axis: the inner ones paint over.
    const columns = [data.xs];
    const series = [{}];
    for (const direction of ['tx', 'rx']) {
      const sign = direction === 'tx' ? 1 : -1;
      const sums = [];
      let running = new Array(data.xs.length).fill(0);
      for (const g of data.groups) {
        running = running.map((v, i) => v + g[direction][i]);
        sums.push(running);
      }
      for (let k = data.groups.length - 1; k >= 0; k--) {
        const g = data.groups[k];
        columns.push(sums[k].map((v) => sign * v));
        series.push({
          label: g.name + ' ' + direction,
          stroke: g.color,
          fill: direction === 'tx' ? g.color : tint(g.color),
          width: 1,
          points: { show: false },
          paths: uPlot.paths.stepped({ align: 1 }),
        });
      }
    }

    const chart = $('chart');
    if (shown.chart) shown.chart.destroy();
    chart.textContent = '';
    const hover = document.createElement('div');
    hover.id = 'chart-hover';
    const options = {
      width: Math.max(320, chart.clientWidth),
      height: 320,
      legend: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        {},
        { size: 70, values: (u, splits) => splits.map((v) => humanBytes(Math.abs(v))) },
      ],
      series,
      hooks: {
        setCursor: [(u) => showHover(hover, data, u.cursor.idx, bucket)],
        draw: [() => {
          if (shown.firstPaint === null) {
            shown.firstPaint = performance.now();
            document.body.dataset.firstPaint = String(Math.round(shown.firstPaint));
          }
        }],
      },
    };
    shown.chart = new uPlot(options, columns, chart);
    chart.appendChild(hover);
    showHover(hover, data, null, bucket);
  }

  /** Under the chart: each group's tx and rx at the hovered bucket, or over the whole range. */
  function showHover(box, data, idx, bucket) {
    const at = idx === null || idx === undefined ? null : idx;
    const table = document.createElement('table');
    table.className = 'hover';
    const caption = table.createCaption();
    caption.textContent = at === null
      ? 'Whole range (hover the chart for one ' + bucket + ')'
      : new Date(data.xs[at] * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    const head = table.createTHead().insertRow();
    for (const title of [state.dim, 'tx', 'rx']) {
      const th = document.createElement('th');
      th.textContent = title;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const g of data.groups) {
      const tx = at === null ? sum(g.tx) : g.tx[at];
      const rx = at === null ? sum(g.rx) : g.rx[at];
      const row = body.insertRow();
      row.dataset.group = g.name;
      const name = row.insertCell();
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = g.color;
      name.append(swatch, g.name);
      cell(row, exact(tx), 'num tx');
      cell(row, exact(rx), 'num rx');
    }
    if (data.groups.length === 0) {
      const row = body.insertRow();
      const c = row.insertCell();
      c.colSpan = 3;
      c.textContent = 'No traffic in this range.';
    }
    box.replaceChildren(table);
  }

  function showTalkers(rows) {
    const body = $('talkers-table').querySelector('tbody');
    body.replaceChildren();
    const known = { src_app: new Set(), dest_app: new Set(), vpc_id: new Set() };
    for (const r of rows) {
      const row = body.insertRow();
      if (r.other) {
        row.className = 'other';
        const c = row.insertCell();
        c.colSpan = 3;
        c.textContent = 'other';
      } else {
        for (const d of DIMENSIONS) {
          cell(row, r[d], d);
          known[d].add(r[d]);
        }
        row.title = 'Filter by this tuple';
        row.addEventListener('click', () => change((s) => {
          for (const d of DIMENSIONS) s.filters[d] = r[d];
        }));
      }
      cell(row, exact(r.bytes_tx), 'num tx');
      cell(row, exact(r.bytes_rx), 'num rx');
      cell(row, exact(r.bytes_tx + r.bytes_rx), 'num total');
    }
    if (rows.length === 0) {
      const c = body.insertRow().insertCell();
      c.colSpan = 6;
      c.textContent = 'No traffic in this range.';
    }
    for (const d of DIMENSIONS) {
      $('known-' + d).replaceChildren(...[...known[d]].sort().map((name) => new Option(name)));
    }
  }

  // ---- Operations: the cluster and NetFlow input, refreshed every few seconds ----

  let lastExporters = null;

  async function loadOperations() {
    const updated = $('ops-updated');
    try {
      const [cluster, ingest] = await Promise.all([api('/cluster'), api('/ingest/stats')]);
      showMembers(cluster);
      showIngest(ingest);
      updated.textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
      updated.className = 'muted';
    } catch (e) {
      updated.textContent = e.message;
      updated.className = 'error';
    }
  }

  function showMembers(cluster) {
    const body = $('members-table').querySelector('tbody');
    body.replaceChildren();
    for (const m of cluster.members) {
      const row = body.insertRow();
      const roles = [m.address === cluster.self ? 'this node' : null, m.address === cluster.leader ? 'leader' : null]
        .filter(Boolean);
      cell(row, m.address.replace(/^[a-z]+:\/\/[^@]*@/, '') + (roles.length ? ' (' + roles.join(', ') + ')' : ''));
      cell(row, m.status, m.status === 'Up' ? '' : 'down');
      cell(row, m.reachable ? 'yes' : 'no', m.reachable ? '' : 'down');
      cell(row, m.version + ' (' + m.commit + ')');
      cell(row, String(m.entities.FlowSlice ?? 0), 'num');
      if (m.address === cluster.self) {
        $('node-version').textContent = 'version ' + m.version + ' (' + m.commit + ')';
      }
    }
  }

  function showIngest(stats) {
    const l = stats.listener;
    const f = stats.freshness;
    const dropped = l.datagrams_dropped_busy + l.datagrams_dropped_pending_full + l.datagrams_dropped_over_share
      + l.datagrams_dropped_not_allowed + l.datagrams_dropped_oversize;
    $('ingest-summary').textContent = !l.enabled
      ? 'The NetFlow listener is off on this node.'
      : 'UDP ' + l.port + ': ' + exact(l.datagrams_received) + ' datagrams received, ' + exact(dropped)
        + ' dropped; lag ' + exact(f.lag_ms) + ' ms, ' + exact(f.waiting_entries) + ' entries waiting, '
        + exact(f.stored_entries_per_second) + ' stored/s.';
    const now = performance.now();
    const drops = new Map(stats.dropped_by_exporter.map((d) => [d.exporter, d.pending_full + d.over_share]));
    const before = lastExporters;
    const body = $('exporters-table').querySelector('tbody');
    body.replaceChildren();
    const current = new Map();
    for (const e of stats.exporters) {
      const key = e.exporter + ' v' + e.version;
      current.set(key, e);
      const previous = before && before.rows.get(key);
      const seconds = before ? (now - before.at) / 1000 : 0;
      const rate = (field) => (previous && seconds > 0 ? exact(Math.round((e[field] - previous[field]) / seconds)) : '…');
      const row = body.insertRow();
      cell(row, e.exporter);
      cell(row, String(e.version));
      cell(row, rate('datagrams'), 'num');
      cell(row, rate('flows'), 'num');
      cell(row, exact(e.decode_errors), 'num');
      cell(row, exact(drops.get(e.exporter) ?? 0), 'num');
    }
    if (stats.exporters.length === 0) {
      const c = body.insertRow().insertCell();
      c.colSpan = 6;
      c.textContent = 'No exporter has sent NetFlow to this node yet.';
    }
    lastExporters = { at: now, rows: current };
  }

  // ---- Controls ----

  function showControls() {
    for (const b of document.querySelectorAll('#presets button')) {
      b.classList.toggle('active', b.dataset.range === state.range);
    }
    const w = viewHours();
    $('from').value = hourText(w.from).slice(0, 16);
    $('to').value = hourText(w.to).slice(0, 16);
    $('dimension').value = state.dim;
    $('top').value = String(state.top);
    for (const d of DIMENSIONS) $('filter-' + d).value = state.filters[d] || '';
    for (const b of document.querySelectorAll('#talkers-table th button')) {
      b.classList.toggle('active', b.dataset.sort === state.sort);
    }
  }

  for (const b of document.querySelectorAll('#presets button')) {
    b.addEventListener('click', () => change((s) => {
      s.range = b.dataset.range;
      s.from = s.to = null;
    }));
  }
  $('custom-range').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = parseHour($('from').value);
    const to = parseHour($('to').value);
    if (from === null || to === null || to <= from) {
      $('status').textContent = 'The range must end after it starts.';
      $('status').className = 'error';
      return;
    }
    change((s) => {
      s.range = null;
      s.from = from;
      s.to = to;
    });
  });
  $('dimension').addEventListener('change', () => change((s) => { s.dim = $('dimension').value; }));
  $('top').addEventListener('change', () => change((s) => { s.top = Number($('top').value); }));
  $('filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    change((s) => {
      s.filters = {};
      for (const d of DIMENSIONS) {
        const value = $('filter-' + d).value.trim();
        if (value) s.filters[d] = value;
      }
    });
  });
  $('clear-filters').addEventListener('click', () => change((s) => { s.filters = {}; }));
  for (const b of document.querySelectorAll('#talkers-table th button')) {
    b.addEventListener('click', () => change((s) => { s.sort = b.dataset.sort; }));
  }
  window.addEventListener('resize', () => {
    if (shown.chart) shown.chart.setSize({ width: Math.max(320, $('chart').clientWidth), height: 320 });
  });

  // ---- Formatting ----

  function cell(row, text, className) {
    const c = row.insertCell();
    c.textContent = text;
    if (className) c.className = className;
    return c;
  }

  function sum(values) {
    return values.reduce((a, b) => a + b, 0);
  }

  function exact(n) {
    return Number(n).toLocaleString('en-US');
  }

  function humanBytes(n) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    return (i === 0 ? String(Math.round(n)) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }

  /** The rx shade of a group's colour: the same hue, lighter. */
  function tint(hex) {
    const c = parseInt(hex.slice(1), 16);
    const mix = (v) => Math.round(v + (255 - v) * 0.55);
    return 'rgb(' + mix(c >> 16) + ',' + mix((c >> 8) & 255) + ',' + mix(c & 255) + ')';
  }

  showControls();
  if (location.search !== '?' + stateQuery(state)) history.replaceState(null, '', '?' + stateQuery(state));
  loadData();
  loadOperations();
  setInterval(loadOperations, OPS_REFRESH_MS);
  setInterval(() => {
    if (!document.hidden) loadData();
  }, DATA_REFRESH_MS);
})();
