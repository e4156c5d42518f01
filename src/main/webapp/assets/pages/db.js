// Databases: databases, tables, schema editor, rows grid with live changes, import/export, audit, permissions.
import { html, useState, useEffect, useRef, useMemo, navigate, toast, toastError, errorText, Modal, Confirm, fmtTime, Pill } from '../lib.js';
import { get, post, patch, del, api, enc } from '../api.js';

export default function DbPage({ route, cluster }) {
  const b = `/api/cluster/${enc(cluster.id)}/db`;
  const ui = `/c/${enc(cluster.id)}/databases`;
  const [health, setHealth] = useState(null);
  useEffect(() => { get(`${b}/health`).then(setHealth).catch(e => setHealth({ status: 'unavailable', error: errorText(e) })); }, [cluster.id]);
  if (!health) return html`<p class="muted">Checking the cluster's database…</p>`;
  if (health.status !== 'ok') return html`<h1>Databases</h1><div class="empty" role="alert">
    <p>This cluster's RethinkDB is not connected${health.error_class ? ` (${health.error_class})` : ''}.</p>
    <p class="mono">${health.error || ''}</p>${health.retry_at && html`<p>Next attempt: ${fmtTime(health.retry_at)}</p>`}
    <p>Set <code>rdb_addr</code> in the <a href="/c/${enc(cluster.id)}/settings">cluster settings</a> or run setup from <a href="/c/${enc(cluster.id)}/jobs">Jobs</a>.</p></div>`;
  const props = { b, ui, cluster, health };
  if (route.view === 'table') return html`<${TableView} ...${props} db=${route.db} table=${route.table} tab=${route.tab} key=${route.db + '/' + route.table} />`;
  if (route.view === 'tables') return html`<${Tables} ...${props} db=${route.db} key=${route.db} />`;
  return html`<${Databases} ...${props} />`;
}

function Databases({ b, ui, cluster, health }) {
  const [list, setList] = useState(null);
  const [creating, setCreating] = useState(false);
  const [confirm, setConfirm] = useState(null);
  const [f, setF] = useState({ id: '', name: '', description: '' });
  const [err, setErr] = useState(null);
  const load = () => get(b).then(setList).catch(e => toastError('Cannot list databases', e));
  useEffect(() => { load(); }, []);
  async function create(e) {
    e.preventDefault(); setErr(null);
    if (!/^[a-z0-9_-]{1,64}$/.test(f.id)) { setErr('The id is 1–64 of a-z, 0-9, _ and -.'); return; }
    try {
      const body = { id: f.id }; if (f.name) body.name = f.name; if (f.description) body.description = f.description;
      await post(b, body); toast(`Database ${f.id} created`, 'ok'); setCreating(false); load();
    } catch (x) { setErr(errorText(x)); }
  }
  async function remove(d) { try { await del(`${b}/${enc(d.id)}`); toast(`Database ${d.id} deleted`, 'ok'); load(); } catch (x) { toastError('Delete failed', x); } }
  return html`<h1>Databases <span class="muted" style="font-size:.9rem">${cluster.name} · ${health.backend} · ${health.addr || health.via}</span></h1>
    <div class="toolbar"><button class="primary" id="new-db" onClick=${() => { setF({ id: '', name: '', description: '' }); setErr(null); setCreating(true); }}>New database</button></div>
    ${list === null ? html`<p class="muted">Loading…</p>` : list.length === 0 ? html`<div class="empty">No databases yet.</div>`
      : html`<table class="data"><thead><tr><th>Id</th><th>Name</th><th>Description</th><th>Created</th><th><span class="sr-only">Actions</span></th></tr></thead><tbody>
        ${list.map(d => html`<tr key=${d.id} data-db=${d.id}><td><a href="${ui}/${enc(d.id)}">${d.id}</a></td><td>${d.name}</td><td>${d.description || ''}</td><td>${fmtTime(d.created_at)}</td>
          <td><button class="danger" onClick=${() => setConfirm(d)} aria-label="Delete database ${d.id}">Delete</button></td></tr>`)}</tbody></table>`}
    <${Modal} open=${creating} onClose=${() => setCreating(false)} title="New database">
      <form onSubmit=${create} id="new-db-form">
        <label for="db-id">Id</label><input id="db-id" required value=${f.id} onInput=${e => setF({ ...f, id: e.target.value })} style="width:100%" />
        <p class="help">a-z, 0-9, _ and -; at most 64.</p>
        <label for="db-name">Name</label><input id="db-name" value=${f.name} onInput=${e => setF({ ...f, name: e.target.value })} style="width:100%" />
        <label for="db-desc">Description</label><input id="db-desc" value=${f.description} onInput=${e => setF({ ...f, description: e.target.value })} style="width:100%" />
        <p class="field-error" role="alert">${err || ''}</p>
        <div class="actions"><button type="button" onClick=${() => setCreating(false)}>Cancel</button><button class="primary" type="submit">Create</button></div>
      </form><//>
    <${Confirm} open=${!!confirm} title="Delete database?" message=${confirm ? `Delete ${confirm.id} with all its tables and rows?` : ''} onConfirm=${() => remove(confirm)} onClose=${() => setConfirm(null)} />`;
}

// ---- schema editor (used for new tables and existing ones)
const TYPES = ['string', 'number', 'boolean', 'timestamp', 'json'];
function SchemaEditor({ cols, setCols, pk }) {
  const set = (i, k, v) => { const n = cols.map(c => ({ ...c })); n[i][k] = v; setCols(n); };
  return html`<table class="data schema-editor"><thead><tr><th>Column</th><th>Type</th><th>Required</th><th>Unique</th><th>Indexed</th><th>Mask</th><th>Allowed values</th><th></th></tr></thead><tbody>
    ${cols.map((c, i) => html`<tr key=${i}>
      <td><input aria-label="Column ${i + 1} name" value=${c.name} onInput=${e => set(i, 'name', e.target.value)} />${c.name === pk && html` <span class="pill">key</span>`}</td>
      <td><select aria-label="Column ${i + 1} type" value=${c.type || 'json'} onChange=${e => set(i, 'type', e.target.value)}>${TYPES.map(t => html`<option key=${t}>${t}</option>`)}</select></td>
      ${['required', 'unique', 'indexed', 'mask'].map(k => html`<td key=${k}><input type="checkbox" aria-label="Column ${i + 1} ${k}" checked=${!!c[k]} onChange=${e => set(i, k, e.target.checked)} /></td>`)}
      <td><input aria-label="Column ${i + 1} allowed values" placeholder="a, b, c" value=${(c.enum || []).join(', ')} onInput=${e => set(i, 'enum', e.target.value.split(',').map(s => s.trim()).filter(Boolean))} /></td>
      <td><button type="button" aria-label="Remove column ${i + 1}" onClick=${() => setCols(cols.filter((_, j) => j !== i))}>×</button></td></tr>`)}
    </tbody></table>
    <button type="button" style="margin-top:.4rem" onClick=${() => setCols([...cols, { name: '', type: 'string' }])}>+ Column</button>
    <p class="help">Masked columns show <code>***</code> to viewers and editors. Types coerce imported values.</p>`;
}
function cleanSchema(cols) {
  return cols.filter(c => c.name.trim()).map(c => {
    const o = { name: c.name.trim(), type: c.type || 'json' };
    for (const k of ['required', 'unique', 'indexed', 'mask']) if (c[k]) o[k] = true;
    if (c.enum && c.enum.length) o.enum = c.enum;
    return o;
  });
}

function Tables({ b, ui, db }) {
  const [list, setList] = useState(null);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [pk, setPk] = useState('id');
  const [cols, setCols] = useState([]);
  const [err, setErr] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const load = () => get(`${b}/${enc(db)}/tables`).then(setList).catch(e => toastError('Cannot list tables', e));
  useEffect(() => { load(); }, []);
  async function create(e) {
    e.preventDefault(); setErr(null);
    try {
      const body = { name: name.trim(), primary_key: pk.trim() || 'id' };
      const s = cleanSchema(cols); if (s.length) body.schema = s;
      await post(`${b}/${enc(db)}/tables`, body);
      toast(`Table ${body.name} created`, 'ok'); setCreating(false);
      navigate(`${ui}/${enc(db)}/tables/${enc(body.name)}`);
    } catch (x) { setErr(errorText(x)); }
  }
  async function remove(t) { try { await del(`${b}/${enc(db)}/tables/${enc(t.name)}`); toast(`Table ${t.name} deleted`, 'ok'); load(); } catch (x) { toastError('Delete failed', x); } }
  return html`<div class="crumbs"><a href=${ui}>Databases</a> /</div><h1>${db}</h1>
    <div class="toolbar"><button class="primary" id="new-table" onClick=${() => { setName(''); setPk('id'); setCols([{ name: 'id', type: 'string' }]); setErr(null); setCreating(true); }}>New table</button>
      <a class="btn" href="${ui}/${enc(db)}/tables/_/audit" style="display:none">Audit</a></div>
    ${list === null ? html`<p class="muted">Loading…</p>` : list.length === 0 ? html`<div class="empty">No tables yet.</div>`
      : html`<table class="data"><thead><tr><th>Table</th><th>Primary key</th><th>Columns</th><th>Created</th><th><span class="sr-only">Actions</span></th></tr></thead><tbody>
        ${list.map(t => html`<tr key=${t.name} data-table=${t.name}><td><a href="${ui}/${enc(db)}/tables/${enc(t.name)}">${t.name}</a></td><td class="mono">${t.primary_key}</td>
          <td class="mono">${(t.schema || []).map(c => c.name + ':' + (c.type || 'json')).join(', ') || 'schemaless'}</td><td>${fmtTime(t.created_at)}</td>
          <td><button class="danger" onClick=${() => setConfirm(t)} aria-label="Delete table ${t.name}">Delete</button></td></tr>`)}</tbody></table>`}
    <${Modal} open=${creating} onClose=${() => setCreating(false)} title="New table" wide>
      <form onSubmit=${create} id="new-table-form">
        <div class="grid2"><div><label for="t-name">Name</label><input id="t-name" required value=${name} onInput=${e => setName(e.target.value)} style="width:100%" /></div>
          <div><label for="t-pk">Primary key</label><input id="t-pk" value=${pk} onInput=${e => setPk(e.target.value)} style="width:100%" /><p class="help">Cannot be changed later. Rows without it get a generated id.</p></div></div>
        <h3>Columns</h3><${SchemaEditor} cols=${cols} setCols=${setCols} pk=${pk} />
        <p class="field-error" role="alert">${err || ''}</p>
        <div class="actions"><button type="button" onClick=${() => setCreating(false)}>Cancel</button><button class="primary" type="submit">Create table</button></div>
      </form><//>
    <${Confirm} open=${!!confirm} title="Delete table?" message=${confirm ? `Delete ${confirm.name} and all its rows?` : ''} onConfirm=${() => remove(confirm)} onClose=${() => setConfirm(null)} />`;
}

function TableView({ b, ui, cluster, db, table, tab }) {
  const [meta, setMeta] = useState(null);
  const [err, setErr] = useState(null);
  const tb = `${b}/${enc(db)}/tables/${enc(table)}`;
  const tu = `${ui}/${enc(db)}/tables/${enc(table)}`;
  const loadMeta = () => get(tb).then(setMeta).catch(setErr);
  useEffect(() => { loadMeta(); }, []);
  if (err) return html`<div class="empty" role="alert">${errorText(err)}</div>`;
  if (!meta) return html`<p class="muted">Loading…</p>`;
  const tabs = [['rows', 'Rows'], ['schema', 'Schema'], ['import', 'Import / export'], ['audit', 'Audit'], ['permissions', 'Permissions']];
  const p = { b, db, table, tb, meta, cluster, reload: loadMeta };
  return html`<div class="crumbs"><a href=${ui}>Databases</a> / <a href="${ui}/${enc(db)}">${db}</a> /</div>
    <h1>${table} <span class="muted mono" style="font-size:.85rem">key ${meta.primary_key}</span></h1>
    <nav class="tabs" aria-label="Table views">${tabs.map(([k, l]) => html`<a key=${k} role="tab" class="btn" style="border:none;border-bottom:3px solid ${tab === k ? 'var(--accent)' : 'transparent'};border-radius:0"
      aria-selected=${tab === k} aria-current=${tab === k ? 'page' : undefined} href="${tu}${k === 'rows' ? '' : '/' + k}">${l}</a>`)}</nav>
    ${tab === 'rows' && html`<${RowsGrid} ...${p} />`}
    ${tab === 'schema' && html`<${SchemaTab} ...${p} />`}
    ${tab === 'import' && html`<${ImportExport} ...${p} />`}
    ${tab === 'audit' && html`<${Audit} ...${p} />`}
    ${tab === 'permissions' && html`<${Permissions} ...${p} />`}`;
}

// ---- rows grid
function columnsOf(meta, rows) {
  const cols = [meta.primary_key, ...(meta.schema || []).map(c => c.name).filter(n => n !== meta.primary_key)];
  const seen = new Set(cols);
  const extra = new Set();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) extra.add(k);
  return [...cols, ...[...extra].sort()];
}
function show(v) { return v === undefined ? '' : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v); }
function coerce(meta, col, text) {
  const c = (meta.schema || []).find(x => x.name === col);
  const t = c ? c.type : null;
  if (t === 'number') { const n = Number(text); if (text.trim() === '' || isNaN(n)) throw new Error(`${col} must be a number`); return n; }
  if (t === 'boolean') { if (!/^(true|false)$/.test(text.trim())) throw new Error(`${col} must be true or false`); return text.trim() === 'true'; }
  if (t === 'string' || t === 'timestamp') return text;
  try { return JSON.parse(text); } catch { return text; }
}
const keyOf = (meta, r) => r[meta.primary_key];
const cmp = (a, b) => (typeof a === 'number' && typeof b === 'number') ? a - b : String(a).localeCompare(String(b));

function RowsGrid({ tb, meta, cluster, db, table }) {
  const [rows, setRows] = useState([]);
  const [next, setNext] = useState(null);
  const [limit, setLimit] = useState(50);
  const [loading, setLoading] = useState(false);
  const [live, setLive] = useState(false);
  const [paused, setPaused] = useState(false);
  const [feed, setFeed] = useState('off');
  const [flash, setFlash] = useState({});
  const [editing, setEditing] = useState(null);
  const [filter, setFilter] = useState('');
  const [inserting, setInserting] = useState(false);
  const [confirm, setConfirm] = useState(null);
  const pending = useRef([]);
  const [pendingN, setPendingN] = useState(0);
  const timing = useRef(null);

  async function load(reset = true, cursor = null) {
    setLoading(true);
    const t0 = performance.now();
    try {
      const r = await get(`${tb}/rows?limit=${limit}${cursor ? '&cursor=' + enc(cursor) : ''}`);
      timing.current = { rows: r.items.length, fetchMs: performance.now() - t0, t1: performance.now() };
      setRows(old => reset ? r.items : [...old, ...r.items]);
      setNext(r.next_cursor || null);
    } catch (e) { toastError('Cannot load rows', e); } finally { setLoading(false); }
  }
  useEffect(() => { if (!live) load(true); }, [limit, live]);
  useEffect(() => {
    if (!timing.current || loading) return;
    const t = timing.current; timing.current = null;
    const renderMs = performance.now() - t.t1;
    window.__gnGrid = { rows: t.rows, fetchMs: Math.round(t.fetchMs * 10) / 10, renderMs: Math.round(renderMs * 10) / 10 };
    document.getElementById('rows-grid')?.setAttribute('data-rendered', String(t.rows));
  });

  // live mode: the changefeed drives the grid (snapshot, then inserts/updates/deletes)
  function apply(ev) {
    const k = ev.row_id;
    if (ev.type === 'init') { if (ev.resync || !ev.resumed) setRows([]); return; }
    if (ev.type === 'error') { setFeed('error: ' + (ev.error || '')); return; }
    if (ev.type === 'lagged') { setFeed(`lagged (${ev.dropped} dropped, ${ev.action})`); return; }
    if (ev.type === 'insert' || ev.type === 'update') {
      setRows(old => {
        const i = old.findIndex(r => String(keyOf(meta, r)) === String(k));
        const n = old.slice();
        if (i >= 0) n[i] = ev.after; else { n.push(ev.after); n.sort((a, b2) => cmp(keyOf(meta, a), keyOf(meta, b2))); }
        return n;
      });
      if (!ev.snapshot) setFlash(f => ({ ...f, [String(k)]: ev.type }));
    } else if (ev.type === 'delete') {
      setRows(old => old.filter(r => String(keyOf(meta, r)) !== String(k)));
    }
  }
  const pausedRef = useRef(paused); pausedRef.current = paused;
  useEffect(() => {
    if (!live) { setFeed('off'); return undefined; }
    setNext(null);
    const es = new EventSource(`/sse/cluster/${enc(cluster.id)}/db/${enc(db)}/tables/${enc(table)}/changes`);
    es.onopen = () => setFeed('live');
    es.onerror = () => setFeed(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    es.onmessage = m => {
      let ev; try { ev = JSON.parse(m.data); } catch { return; }
      if (pausedRef.current && ev.type !== 'init' && !ev.snapshot) { pending.current.push(ev); setPendingN(pending.current.length); return; }
      apply(ev);
    };
    return () => es.close();
  }, [live]);
  function resume() { const q = pending.current; pending.current = []; setPendingN(0); setPaused(false); q.forEach(apply); }

  const cols = useMemo(() => columnsOf(meta, rows), [meta, rows]);
  const shown = useMemo(() => !filter ? rows : rows.filter(r => JSON.stringify(r).toLowerCase().includes(filter.toLowerCase())), [rows, filter]);

  const editRef = useRef(null);
  function startEdit(k, c) { editRef.current = { k, c }; setEditing({ k, c }); }
  async function saveCell(r, col, text) {
    // Enter saves and removes the input, whose blur must not save a second time
    if (!editRef.current) return;
    editRef.current = null;
    setEditing(null);
    let v;
    try { v = coerce(meta, col, text); } catch (e) { toast(e.message, 'error'); return; }
    if (show(r[col]) === text) return;
    const k = keyOf(meta, r);
    try {
      await patch(`${tb}/rows/${enc(String(k))}`, { [col]: v });
      if (!live) setRows(old => old.map(x => keyOf(meta, x) === k ? { ...x, [col]: v } : x));
      toast(`Row ${k} updated`, 'ok', 3000);
    } catch (e) { toastError('Update failed', e); }
  }
  async function removeRow(r) {
    const k = keyOf(meta, r);
    try { await del(`${tb}/rows/${enc(String(k))}`); if (!live) setRows(old => old.filter(x => keyOf(meta, x) !== k)); toast(`Row ${k} deleted`, 'ok', 3000); }
    catch (e) { toastError('Delete failed', e); }
  }
  return html`<div class="toolbar">
      <button class="primary" id="insert-row" onClick=${() => setInserting(true)}>Insert row</button>
      <label class="inline"><input type="checkbox" id="live-toggle" checked=${live} onChange=${e => { setLive(e.target.checked); setPaused(false); pending.current = []; setPendingN(0); }} /> Live changes</label>
      ${live && html`<button onClick=${() => paused ? resume() : setPaused(true)} aria-pressed=${paused}>${paused ? `Resume (${pendingN} pending)` : 'Pause live'}</button>`}
      <span aria-live="polite" class="muted">Feed: <b data-feed=${feed}>${feed}</b></span>
      <span class="spacer"></span>
      <label class="inline"><span class="sr-only">Filter loaded rows</span><input type="search" placeholder="Filter loaded rows" aria-label="Filter loaded rows" value=${filter} onInput=${e => setFilter(e.target.value)} /></label>
      ${!live && html`<label class="inline">Page size <select value=${limit} onChange=${e => setLimit(Number(e.target.value))}><option>50</option><option>100</option><option>500</option><option>1000</option></select></label>
        <button onClick=${() => load(true)}>Refresh</button>`}
    </div>
    <div style="overflow:auto;max-height:70vh">
    <table class="data" id="rows-grid" aria-rowcount=${shown.length}><caption class="sr-only">Rows of ${table}; press Enter on a cell to edit it</caption>
      <thead><tr>${cols.map(c => html`<th key=${c} scope="col">${c}</th>`)}<th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${shown.map(r => { const k = String(keyOf(meta, r)); return html`<tr key=${k} data-row=${k} class=${flash[k] ? 'flash-' + flash[k] : ''}>
        ${cols.map(c => editing && editing.k === k && editing.c === c
          ? html`<td class="cell" key=${c}><input aria-label="Edit ${c}" value=${show(r[c])} ref=${el => el && el.focus()}
              onKeyDown=${e => { if (e.key === 'Enter') saveCell(r, c, e.target.value); if (e.key === 'Escape') { editRef.current = null; setEditing(null); } }} onBlur=${e => saveCell(r, c, e.target.value)} /></td>`
          : html`<td class="cell" key=${c} data-col=${c} tabindex=${c === meta.primary_key ? undefined : 0} title=${show(r[c])}
              onDblClick=${() => c !== meta.primary_key && startEdit(k, c)} onKeyDown=${e => e.key === 'Enter' && c !== meta.primary_key && startEdit(k, c)}>${show(r[c])}</td>`)}
        <td><button class="danger" onClick=${() => setConfirm(r)} aria-label="Delete row ${k}">Delete</button></td></tr>`; })}</tbody></table></div>
    ${rows.length === 0 && !loading && html`<p class="muted">No rows.</p>`}
    ${!live && next && html`<p><button onClick=${() => load(false, next)} disabled=${loading}>${loading ? 'Loading…' : 'Load more'}</button></p>`}
    <p class="muted">${shown.length} row(s) shown${live ? ' (live: the whole table, as the changefeed sends it)' : ''}. Double-click or press Enter on a cell to edit; Enter saves, Esc cancels.</p>
    <${InsertRow} open=${inserting} onClose=${() => setInserting(false)} meta=${meta} tb=${tb} onDone=${() => { if (!live) load(true); }} />
    <${Confirm} open=${!!confirm} title="Delete row?" message=${confirm ? `Delete the row ${keyOf(meta, confirm)}?` : ''} onConfirm=${() => removeRow(confirm)} onClose=${() => setConfirm(null)} />`;
}

function InsertRow({ open, onClose, meta, tb, onDone }) {
  const [vals, setVals] = useState({});
  const [extra, setExtra] = useState('');
  const [err, setErr] = useState(null);
  useEffect(() => { if (open) { setVals({}); setExtra(''); setErr(null); } }, [open]);
  const cols = [...new Set([meta.primary_key, ...(meta.schema || []).map(c => c.name)])];
  async function submit(e) {
    e.preventDefault(); setErr(null);
    let row = {};
    try {
      for (const c of cols) if ((vals[c] ?? '') !== '') row[c] = coerce(meta, c, vals[c]);
      if (extra.trim()) row = { ...JSON.parse(extra), ...row };
    } catch (x) { setErr(x.message); return; }
    try {
      const r = await post(`${tb}/rows`, row);
      toast(`Inserted ${r.inserted} row(s)`, 'ok', 3000); onClose(); onDone();
    } catch (x) {
      const d = Array.isArray(x.details) ? ' — ' + x.details.map(d2 => (d2.errors || []).join(', ')).join('; ') : '';
      setErr(errorText(x) + d);
    }
  }
  return html`<${Modal} open=${open} onClose=${onClose} title="Insert a row">
    <form onSubmit=${submit} id="insert-form">
      ${cols.map(c => { const s = (meta.schema || []).find(x => x.name === c) || {}; return html`<div key=${c}>
        <label for="ins-${c}">${c} <span class="muted">${s.type || 'json'}${s.required ? ', required' : ''}${c === meta.primary_key ? ', key (empty: generated)' : ''}</span></label>
        <input id="ins-${c}" data-col=${c} value=${vals[c] || ''} onInput=${e => setVals({ ...vals, [c]: e.target.value })} style="width:100%" /></div>`; })}
      <label for="ins-extra">Other fields <span class="muted">(JSON object, optional)</span></label>
      <textarea id="ins-extra" rows="3" value=${extra} onInput=${e => setExtra(e.target.value)} placeholder='{"note": "…"}'></textarea>
      <p class="field-error" role="alert">${err || ''}</p>
      <div class="actions"><button type="button" onClick=${onClose}>Cancel</button><button class="primary" type="submit">Insert</button></div>
    </form><//>`;
}

function SchemaTab({ tb, meta, reload }) {
  const [cols, setCols] = useState(meta.schema || []);
  const [err, setErr] = useState(null);
  async function save() {
    setErr(null);
    try { await patch(tb, { schema: cleanSchema(cols) }); toast('Schema saved', 'ok'); reload(); } catch (x) { setErr(errorText(x)); }
  }
  return html`<div class="card"><p>Primary key <b class="mono">${meta.primary_key}</b> (cannot change).</p>
    <${SchemaEditor} cols=${cols} setCols=${setCols} pk=${meta.primary_key} />
    <p class="field-error" role="alert">${err || ''}</p>
    <div class="actions"><button onClick=${() => setCols(meta.schema || [])}>Reset</button><button class="primary" onClick=${save} disabled=${cols.length === 0}>Save schema</button></div></div>`;
}

// ---- import wizard: source → dry run (mapping, per-row errors) → import; export downloads
export function parseCsv(text) {
  const out = []; let row = []; let f = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) { if (ch === '"') { if (text[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += ch; }
    else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; }
    else if (ch === '\n' || ch === '\r') { if (ch === '\r' && text[i + 1] === '\n') i++; row.push(f); f = ''; if (row.some(x => x !== '')) out.push(row); row = []; }
    else f += ch;
  }
  if (f !== '' || row.length) { row.push(f); if (row.some(x => x !== '')) out.push(row); }
  const [head, ...rest] = out;
  return (rest || []).map(r => Object.fromEntries((head || []).map((h, i) => [h, r[i] ?? ''])));
}

function ImportExport({ tb, meta }) {
  const [text, setText] = useState('');
  const [format, setFormat] = useState('csv');
  const [mapping, setMapping] = useState({});
  const [preview, setPreview] = useState(null);
  const [result, setResult] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  async function onFile(e) {
    const f = e.target.files[0]; if (!f) return;
    setText(await f.text());
    setFormat(/\.ndjson$/i.test(f.name) ? 'ndjson' : /\.json$/i.test(f.name) ? 'json' : 'csv');
    setPreview(null); setResult(null);
  }
  function body(dry) {
    const m = Object.fromEntries(Object.entries(mapping).filter(([s, d]) => d && d !== s));
    if (!Object.keys(m).length) {
      const ct = { csv: 'text/csv', json: 'application/json', ndjson: 'application/x-ndjson' }[format];
      return [`${tb}/import?format=${format}${dry ? '&dry_run=1' : ''}`, text, { 'Content-Type': ct }];
    }
    const rows = format === 'csv' ? parseCsv(text) : format === 'ndjson' ? text.split('\n').filter(s => s.trim()).map(s => JSON.parse(s)) : JSON.parse(text);
    return [`${tb}/import?format=json${dry ? '&dry_run=1' : ''}`, JSON.stringify({ rows, mapping: m }), { 'Content-Type': 'application/json' }];
  }
  async function run(dry) {
    setErr(null); setBusy(true);
    try {
      const [url, b2, h] = body(dry);
      const r = await api('POST', url, b2, { headers: h });
      if (dry) { setPreview(r); setResult(null); if (!Object.keys(mapping).length) setMapping(Object.fromEntries(Object.entries(r.column_map || {}).map(([s, d]) => [s, d]))); }
      else { setResult(r); toast(`Imported ${r.inserted} of ${r.total} row(s)${r.failed ? `, ${r.failed} failed` : ''}`, r.failed ? 'info' : 'ok'); }
    } catch (x) { setErr(errorText(x)); } finally { setBusy(false); }
  }
  const cols = [meta.primary_key, ...(meta.schema || []).map(c => c.name)];
  return html`<div class="grid2" style="grid-template-columns: 2fr 1fr">
    <div class="card"><h2 style="margin-top:0">Import</h2>
      <ol class="muted"><li>Paste or upload CSV (with a header row), a JSON array or NDJSON.</li><li>Dry-run: check the column mapping and the per-row errors.</li><li>Import: good rows are written, bad rows reported.</li></ol>
      <div class="toolbar"><label class="inline" for="imp-file">File</label><input id="imp-file" type="file" accept=".csv,.json,.ndjson,text/csv,application/json" onChange=${onFile} />
        <label class="inline">Format <select value=${format} onChange=${e => setFormat(e.target.value)} aria-label="Import format"><option>csv</option><option>json</option><option>ndjson</option></select></label></div>
      <label for="imp-text">Data</label>
      <textarea id="imp-text" rows="8" value=${text} onInput=${e => { setText(e.target.value); setPreview(null); setResult(null); }} spellcheck="false"></textarea>
      <div class="actions"><button onClick=${() => run(true)} disabled=${busy || !text.trim()} id="imp-dry">Dry run</button>
        <button class="primary" onClick=${() => run(false)} disabled=${busy || !text.trim() || !preview} id="imp-go">Import</button></div>
      <p class="field-error" role="alert">${err || ''}</p>
      ${preview && html`<h3>Column mapping</h3>
        <table class="data"><thead><tr><th>Source column</th><th>Table column</th></tr></thead><tbody>
        ${Object.keys(mapping).map(s => html`<tr key=${s}><td class="mono">${s}</td><td><input aria-label="Map ${s} to" list="imp-cols" value=${mapping[s]} onInput=${e => setMapping({ ...mapping, [s]: e.target.value })} /></td></tr>`)}
        </tbody></table><datalist id="imp-cols">${cols.map(c => html`<option value=${c} key=${c} />`)}</datalist>
        <h3>Preview <span class="muted">(${preview.total} row(s), ${preview.errors} with errors; first ${preview.rows.length} shown)</span></h3>
        <table class="data" id="imp-preview"><thead><tr><th>#</th><th>Mapped</th><th>Errors</th></tr></thead><tbody>
        ${preview.rows.map((r, i) => html`<tr key=${i} class=${r.errors && r.errors.length ? 'bad' : ''}><td>${i + 1}</td><td class="mono">${JSON.stringify(r.mapped)}</td>
          <td class="row-errors">${(r.errors || []).join(', ')}</td></tr>`)}</tbody></table>`}
      ${result && html`<div class="card" style="margin-top:1rem" id="imp-result" role="status"><b>${result.inserted}</b> inserted, <b>${result.failed}</b> failed of ${result.total}.
        ${(result.errors || []).length > 0 && html`<ul class="row-errors">${result.errors.map(e => html`<li key=${e.row}>row ${e.row}: ${(e.errors || []).join(', ')}</li>`)}</ul>`}</div>`}
    </div>
    <div class="card"><h2 style="margin-top:0">Export</h2><p>Streams the whole table (masked columns stay masked).</p>
      <p><a class="btn" download href="${tb}/export?format=csv">CSV</a> <a class="btn" download href="${tb}/export?format=json">JSON</a> <a class="btn" download href="${tb}/export?format=ndjson">NDJSON</a></p></div>
  </div>`;
}

function Audit({ b, db, table }) {
  const [items, setItems] = useState(null);
  const [scope, setScope] = useState('table');
  const [action, setAction] = useState('');
  const [q, setQ] = useState('');
  const [since, setSince] = useState('');
  async function load() {
    try {
      const qs = new URLSearchParams({ limit: '500' });
      if (scope === 'table') qs.set('table', table);
      if (since) qs.set('since', new Date(since).toISOString());
      setItems(await get(`${b}/${enc(db)}/audit?${qs}`));
    } catch (e) { toastError('Cannot load the audit log', e); }
  }
  useEffect(() => { load(); }, [scope, since]);
  const actions = [...new Set((items || []).map(i => i.action))].sort();
  const shown = (items || []).filter(i => (!action || i.action === action) && (!q || JSON.stringify(i).toLowerCase().includes(q.toLowerCase())));
  return html`<div class="toolbar">
      <label class="inline">Scope <select value=${scope} onChange=${e => setScope(e.target.value)}><option value="table">this table</option><option value="db">whole database</option></select></label>
      <label class="inline">Action <select value=${action} onChange=${e => setAction(e.target.value)}><option value="">all</option>${actions.map(a => html`<option key=${a}>${a}</option>`)}</select></label>
      <label class="inline">Since <input type="datetime-local" value=${since} onInput=${e => setSince(e.target.value)} /></label>
      <label class="inline"><span class="sr-only">Search</span><input type="search" placeholder="Search actor, id, diff" aria-label="Search audit" value=${q} onInput=${e => setQ(e.target.value)} /></label>
      <button onClick=${load}>Refresh</button></div>
    ${items === null ? html`<p class="muted">Loading…</p>` : html`<table class="data" id="audit-table"><thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Scope</th><th>Id</th><th>Change</th></tr></thead><tbody>
      ${shown.map(i => html`<tr key=${i.id}><td>${fmtTime(i.ts)}</td><td>${i.actor}</td><td><${Pill} value=${i.action} /></td><td>${i.scope}</td><td class="mono">${i.scope_id}</td>
        <td class="mono" style="max-width:30rem;overflow:hidden;text-overflow:ellipsis">${i.diff ? JSON.stringify(i.diff) : ''}</td></tr>`)}</tbody></table>
      ${shown.length === 0 && html`<p class="muted">No entries.</p>`}`}`;
}

function Permissions({ b, db, table }) {
  const [list, setList] = useState(null);
  const [f, setF] = useState({ principal: 'user:', scope: `table:${table}`, role: 'viewer' });
  const [err, setErr] = useState(null);
  const load = () => get(`${b}/${enc(db)}/permissions`).then(setList).catch(e => toastError('Cannot load permissions', e));
  useEffect(() => { load(); }, []);
  async function grant(e) {
    e.preventDefault(); setErr(null);
    try { await post(`${b}/${enc(db)}/permissions`, f); toast(`Granted ${f.role} to ${f.principal}`, 'ok'); load(); } catch (x) { setErr(errorText(x)); }
  }
  async function revoke(p) {
    try { await del(`${b}/${enc(db)}/permissions?scope=${enc(p.scope)}&principal=${enc(p.principal)}`); toast('Revoked', 'ok'); load(); } catch (x) { toastError('Revoke failed', x); }
  }
  const groups = {};
  for (const p of list || []) (groups[p.scope] = groups[p.scope] || []).push(p);
  return html`<div class="grid2" style="grid-template-columns: 2fr 1fr"><div>
      ${list === null ? html`<p class="muted">Loading…</p>` : list.length === 0 ? html`<div class="empty">No bindings: only host admins can use this database.</div>`
        : Object.entries(groups).map(([scope, ps]) => html`<div class="card" key=${scope}><h3 style="margin-top:0" class="mono">${scope}</h3>
          <table class="data"><thead><tr><th>Principal</th><th>Role</th><th>Granted</th><th></th></tr></thead><tbody>
          ${ps.map(p => html`<tr key=${p.principal}><td class="mono">${p.principal}</td><td><${Pill} value=${p.role} /></td><td>${fmtTime(p.created_at)} by ${p.created_by}</td>
            <td><button class="danger" onClick=${() => revoke(p)} aria-label="Revoke ${p.principal} on ${scope}">Revoke</button></td></tr>`)}</tbody></table></div>`)}
    </div>
    <form class="card" onSubmit=${grant}><h2 style="margin-top:0">Grant</h2>
      <label for="pm-principal">Principal</label><input id="pm-principal" value=${f.principal} onInput=${e => setF({ ...f, principal: e.target.value })} style="width:100%" />
      <p class="help"><code>user:&lt;name&gt;</code> (a token's name) or <code>role:&lt;name&gt;</code>.</p>
      <label for="pm-scope">Scope</label><select id="pm-scope" value=${f.scope} onChange=${e => setF({ ...f, scope: e.target.value })} style="width:100%">
        <option value="table:${table}">table ${table}</option><option value="db:${db}">database ${db}</option></select>
      <label for="pm-role">Role</label><select id="pm-role" value=${f.role} onChange=${e => setF({ ...f, role: e.target.value })} style="width:100%">
        <option value="viewer">viewer — reads rows</option><option value="editor">editor — reads and writes rows</option>
        <option value="maintainer">maintainer — tables, schemas, permissions, audit</option><option value="admin">admin — everything</option></select>
      <p class="field-error" role="alert">${err || ''}</p>
      <div class="actions"><button class="primary" type="submit">Grant</button></div></form></div>`;
}
