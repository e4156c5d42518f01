// Servers: workspace table, launch form, detail with logs (SSE) and IDE (proxy iframe).
import { html, useState, useEffect, useRef, useMemo, navigate, toast, toastError, errorText, Confirm, useInterval, age, fmtTime, Pill } from '../lib.js';
import { get, post, del, enc } from '../api.js';

export default function ServersPage({ route, cluster }) {
  if (route.view === 'launch') return html`<${Launch} cluster=${cluster} />`;
  if (route.view === 'detail') return html`<${Detail} cluster=${cluster} name=${route.name} key=${route.name} />`;
  return html`<${ServerList} cluster=${cluster} />`;
}

const base = c => `/api/cluster/${enc(c.id)}`;

function ServerList({ cluster }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [every, setEvery] = useState(10000);
  const [confirm, setConfirm] = useState(null);
  async function load() {
    try { setItems(await get(`${base(cluster)}/servers`)); setErr(null); } catch (e) { setErr(e); }
  }
  useEffect(() => { load(); }, [cluster.id]);
  useInterval(load, every);
  const shown = useMemo(() => (items || []).filter(s =>
    (!q || s.name.includes(q.toLowerCase()) || (s.image || '').toLowerCase().includes(q.toLowerCase())) && (!status || s.status === status)), [items, q, status]);
  async function remove(s) {
    try { await del(`${base(cluster)}/workspaces/${enc(s.id)}`); toast(`Deleting ${s.name}`, 'ok'); load(); } catch (e) { toastError('Delete failed', e); }
  }
  return html`<h1>Servers <span class="muted" style="font-size:.9rem">${cluster.name}</span></h1>
    <div class="toolbar" role="search">
      <label class="inline"><span class="sr-only">Search servers</span><input type="search" placeholder="Search name or image" value=${q} onInput=${e => setQ(e.target.value)} aria-label="Search by name or image" /></label>
      <label class="inline">Status <select value=${status} onChange=${e => setStatus(e.target.value)} aria-label="Status filter">
        <option value="">all</option><option>running</option><option>pending</option><option>failed</option></select></label>
      <label class="inline">Auto-refresh <select value=${every} onChange=${e => setEvery(Number(e.target.value))}>
        <option value="5000">5 s</option><option value="10000">10 s</option><option value="30000">30 s</option><option value="0">off</option></select></label>
      <button onClick=${load}>Refresh</button>
      <span class="spacer"></span>
      <a class="btn primary" href="/c/${enc(cluster.id)}/launch">Launch</a>
    </div>
    ${err ? html`<div class="empty" role="alert">Cannot list servers: ${errorText(err)}</div>`
      : items === null ? html`<p class="muted">Loading…</p>`
      : items.length === 0 ? html`<div class="empty">No servers on this cluster yet. <a href="/c/${enc(cluster.id)}/launch">Launch one</a>.</div>`
      : html`<table class="data" id="servers-table"><caption class="sr-only">Servers of ${cluster.name}</caption>
        <thead><tr><th>Name</th><th>Image</th><th>Status</th><th>Node</th><th>Age</th><th>Ports</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${shown.map(s => html`<tr key=${s.id} data-server=${s.id}>
          <td><a href="/c/${enc(cluster.id)}/servers/${enc(s.id)}">${s.name}</a></td>
          <td class="mono">${s.image}</td>
          <td><${Pill} value=${s.status} />${s.error && html`<div class="help" title=${s.error}>${s.error.slice(0, 80)}</div>`}</td>
          <td>${s.node || '—'}</td><td>${age(s.created_at)}</td>
          <td class="mono">${(s.ports || []).map(p => p.name ? `${p.name}:${p.port}` : p.port).join(', ')}</td>
          <td><a href="/c/${enc(cluster.id)}/servers/${enc(s.id)}">Open</a>
            <button class="danger" style="margin-left:.4rem" onClick=${() => setConfirm(s)} aria-label="Delete ${s.name}">Delete</button></td>
        </tr>`)}</tbody></table>
        ${shown.length === 0 && html`<p class="muted">No server matches the filter.</p>`}`}
    <${Confirm} open=${!!confirm} title="Delete server?" message=${confirm ? `Delete ${confirm.name}? Its deployment, service and data volume claims are removed.` : ''}
      onConfirm=${() => remove(confirm)} onClose=${() => setConfirm(null)} />`;
}

// ---- Launch form
function KvRows({ label, rows, setRows, keyName = 'name', valName = 'value', keyPh, valPh, valType = 'text' }) {
  return html`<fieldset style="border:none;padding:0;margin:.6rem 0 0"><legend style="font-weight:600">${label}</legend>
    ${rows.map((r, i) => html`<div class="kvrow" key=${i}>
      <input aria-label="${label} ${i + 1} ${keyName}" placeholder=${keyPh} value=${r[keyName]} onInput=${e => { const n = [...rows]; n[i] = { ...r, [keyName]: e.target.value }; setRows(n); }} />
      <input aria-label="${label} ${i + 1} ${valName}" type=${valType} placeholder=${valPh} value=${r[valName]} onInput=${e => { const n = [...rows]; n[i] = { ...r, [valName]: e.target.value }; setRows(n); }} />
      <button type="button" aria-label="Remove ${label} ${i + 1}" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>×</button></div>`)}
    <button type="button" onClick=${() => setRows([...rows, { [keyName]: '', [valName]: '' }])}>+ ${label}</button></fieldset>`;
}

const IMAGE_RE = /^[a-z0-9]+([._\/:@-][a-zA-Z0-9_.-]+)*$/;
const NAME_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function Launch({ cluster }) {
  const [images, setImages] = useState([]);
  const [preset, setPreset] = useState('');
  const [image, setImage] = useState('');
  const [name, setName] = useState('');
  const [args, setArgs] = useState('');
  const [env, setEnv] = useState([]);
  const [ports, setPorts] = useState([]);
  const [labels, setLabels] = useState([]);
  const [cpu, setCpu] = useState('');
  const [memory, setMemory] = useState('');
  const [expose, setExpose] = useState('ClusterIP');
  const [domain, setDomain] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { get('/api/images').then(setImages).catch(e => toastError('Image presets unavailable', e)); }, []);
  async function pick(img) {
    setImage(img);
    if (!img) return;
    try {
      const d = await get('/api/image-defaults?image=' + enc(img));
      if (d.ports) setPorts(d.ports.map(p => ({ name: p.name || '', containerPort: String(p.port) })));
      if (d.env) setEnv(Object.entries(d.env).map(([k, v]) => ({ name: k, value: String(v) })));
    } catch (e) { toastError('Defaults unavailable', e); }
  }
  async function submit(e) {
    e.preventDefault();
    setErr(null);
    if (!image.trim() || !IMAGE_RE.test(image.trim())) { setErr({ field: 'image', message: 'Enter an image reference such as nginx:1.27.' }); return; }
    if (name && !NAME_RE.test(name)) { setErr({ field: 'name', message: 'Names are lower-case letters, digits and -, at most 63.' }); return; }
    const body = { image: image.trim() };
    if (name) body.name = name;
    const a = args.split('\n').map(s => s.trim()).filter(Boolean);
    if (a.length) body.args = a;
    const ev = env.filter(x => x.name.trim()); if (ev.length) body.env = ev.map(x => ({ name: x.name.trim(), value: x.value }));
    const pv = ports.filter(x => String(x.containerPort).trim());
    if (pv.length) body.ports = pv.map(x => ({ containerPort: Number(x.containerPort), ...(x.name ? { name: x.name } : {}) }));
    const lv = labels.filter(x => x.name.trim()); if (lv.length) body.labels = lv.map(x => ({ name: x.name.trim(), value: x.value }));
    if (cpu || memory) body.resources = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
    if (expose !== 'ClusterIP' || domain) body.exposure = { type: expose, ...(domain ? { domain } : {}) };
    setBusy(true);
    try {
      const r = await post(`${base(cluster)}/workspaces`, body);
      toast(`Launching ${r.id}`, 'ok');
      navigate(`/c/${enc(cluster.id)}/servers/${enc(r.id)}`);
    } catch (x) {
      setErr({ field: x.details && x.details.field, message: errorText(x) });
    } finally { setBusy(false); }
  }
  const fe = f => err && err.field === f ? html`<p class="field-error" role="alert">${err.message}</p>` : null;
  return html`<div class="crumbs"><a href="/c/${enc(cluster.id)}/servers">Servers</a> /</div>
    <h1>Launch a server</h1>
    <form class="card" onSubmit=${submit} id="launch-form" style="max-width:52rem">
      <div class="grid2">
        <div><label for="l-preset">Image preset</label>
          <select id="l-preset" value=${preset} onChange=${e => { setPreset(e.target.value); if (e.target.value) pick(e.target.value); }} style="width:100%">
            <option value="">Custom image…</option>
            ${images.map(i => html`<option value=${i.image} key=${i.image}>${i.label}</option>`)}</select>
          <p class="help">${(images.find(i => i.image === preset) || {}).description || 'Presets come from the Host App\'s image catalog.'}</p></div>
        <div><label for="l-image">Image</label>
          <input id="l-image" required value=${image} onInput=${e => { setImage(e.target.value); setPreset(''); }} onBlur=${e => e.target.value && pick(e.target.value.trim())} style="width:100%" placeholder="nginx:1.27" />
          ${fe('image')}</div>
        <div><label for="l-name">Name <span class="muted">(optional)</span></label>
          <input id="l-name" value=${name} onInput=${e => setName(e.target.value)} style="width:100%" placeholder="generated: ws-xxxxxxxx" />
          <p class="help">DNS label: lower-case letters, digits, -.</p>${fe('name')}</div>
        <div><label for="l-expose">Exposure</label>
          <select id="l-expose" value=${expose} onChange=${e => setExpose(e.target.value)} style="width:100%">
            <option>ClusterIP</option><option>LoadBalancer</option><option>Ingress</option></select>
          ${expose === 'Ingress' && html`<label for="l-domain">Ingress domain</label><input id="l-domain" value=${domain} onInput=${e => setDomain(e.target.value)} style="width:100%" />`}
          ${fe('exposure.type')}</div>
      </div>
      <label for="l-args">Arguments <span class="muted">(one per line)</span></label>
      <textarea id="l-args" rows="3" value=${args} onInput=${e => setArgs(e.target.value)}></textarea>
      <${KvRows} label="Env" rows=${env} setRows=${setEnv} keyPh="NAME" valPh="value" />
      <${KvRows} label="Port" rows=${ports} setRows=${setPorts} valName="containerPort" keyPh="name (http)" valPh="8080" valType="number" />
      <${KvRows} label="Label" rows=${labels} setRows=${setLabels} keyPh="key" valPh="value" />
      <details style="margin-top:.75rem"><summary>Resources</summary><div class="grid2">
        <div><label for="l-cpu">CPU request</label><input id="l-cpu" value=${cpu} onInput=${e => setCpu(e.target.value)} placeholder="500m" /></div>
        <div><label for="l-mem">Memory request</label><input id="l-mem" value=${memory} onInput=${e => setMemory(e.target.value)} placeholder="1Gi" /></div></div></details>
      ${err && !['image', 'name', 'exposure.type'].includes(err.field) && html`<p class="field-error" role="alert">${err.message}</p>`}
      <div class="actions"><a class="btn" href="/c/${enc(cluster.id)}/servers">Cancel</a><button class="primary" type="submit" disabled=${busy}>${busy ? 'Launching…' : 'Launch'}</button></div>
    </form>`;
}

// ---- Detail
function Detail({ cluster, name }) {
  const [d, setD] = useState(null);
  const [err, setErr] = useState(null);
  const [tab, setTab] = useState('info');
  const [confirm, setConfirm] = useState(false);
  async function load() {
    try { setD(await get(`${base(cluster)}/workspaces/${enc(name)}`)); setErr(null); } catch (e) { setErr(e); }
  }
  useEffect(() => { load(); }, [name]);
  useInterval(load, 5000);
  async function remove() {
    try { await del(`${base(cluster)}/workspaces/${enc(name)}`); toast(`Deleted ${name}`, 'ok'); navigate(`/c/${enc(cluster.id)}/servers`); }
    catch (e) { toastError('Delete failed', e); }
  }
  if (err && err.status === 404) return html`<div class="empty">Server <code>${name}</code> does not exist (any more). <a href="/c/${enc(cluster.id)}/servers">All servers</a></div>`;
  if (err) return html`<div class="empty" role="alert">${errorText(err)}</div>`;
  if (!d) return html`<p class="muted">Loading…</p>`;
  const spec = d.spec || {}, st = d.status || {}, md = d.metadata || {};
  const phase = st.phase || 'Pending';
  const pods = d.pods || [];
  const tabs = [['info', 'Info'], ['logs', 'Logs'], ['ide', 'IDE'], ['events', `Events (${(d.events || []).length})`]];
  return html`<div class="crumbs"><a href="/c/${enc(cluster.id)}/servers">Servers</a> /</div>
    <h1>${name} <${Pill} value=${phase} /><span class="spacer" style="flex:1"></span>
      <button class="danger" onClick=${() => setConfirm(true)}>Delete</button></h1>
    <div class="tabs" role="tablist" aria-label="Server views">
      ${tabs.map(([k, l]) => html`<button role="tab" id="tab-${k}" aria-selected=${tab === k} aria-controls="panel-${k}" onClick=${() => setTab(k)} key=${k}>${l}</button>`)}
    </div>
    <section role="tabpanel" id="panel-${tab}" aria-labelledby="tab-${tab}">
    ${tab === 'info' && html`<div class="grid2">
      <div class="card"><h2 style="margin-top:0">Workspace</h2><dl class="kv">
        <dt>Image</dt><dd class="mono">${spec.image}</dd><dt>Phase</dt><dd>${phase}${st.lastError ? ' — ' + st.lastError : ''}</dd>
        <dt>Ready replicas</dt><dd>${st.readyReplicas ?? 0}</dd><dt>Created</dt><dd>${fmtTime(md.creationTimestamp)}</dd>
        <dt>Service</dt><dd class="mono">${st.serviceDNS || '—'}</dd><dt>Proxy target</dt><dd class="mono">${st.proxyTarget || '—'}</dd>
        <dt>External URL</dt><dd>${st.externalURL ? html`<a href=${st.externalURL} target="_blank" rel="noopener">${st.externalURL}</a>` : '—'}</dd>
        <dt>Ports</dt><dd class="mono">${(spec.ports || []).map(p => `${p.name || ''}:${p.containerPort}`).join(', ') || 'image default'}</dd>
        <dt>Args</dt><dd class="mono">${(spec.args || []).join(' ') || '—'}</dd>
        <dt>Resources</dt><dd class="mono">${spec.resources ? JSON.stringify(spec.resources) : '—'}</dd>
        <dt>Env</dt><dd class="mono">${(spec.env || []).map(e => `${e.name}=${e.value ?? ''}`).join(' ') || '—'}</dd>
        <dt>Labels</dt><dd class="mono">${Object.entries(md.labels || {}).map(([k, v]) => `${k}=${v}`).join(' ') || '—'}</dd>
      </dl></div>
      <div class="card"><h2 style="margin-top:0">Pods</h2>
        ${pods.length === 0 ? html`<p class="muted">No pods yet.</p>` : html`<table class="data"><thead><tr><th>Pod</th><th>Phase</th><th>Ready</th><th>Node</th></tr></thead><tbody>
          ${pods.map(p => html`<tr key=${p.name}><td class="mono">${p.name}</td><td><${Pill} value=${p.phase} /></td><td>${String(p.ready)}</td><td>${p.node || '—'}</td></tr>`)}</tbody></table>`}
        <h2>Conditions</h2>
        ${(st.conditions || []).map(c => html`<div key=${c.type}><b>${c.type}</b> ${c.status} <span class="muted">${c.reason || ''} ${c.message || ''}</span></div>`)}
      </div></div>`}
    ${tab === 'logs' && html`<${Logs} cluster=${cluster} name=${name} hasPods=${pods.length > 0} />`}
    ${tab === 'ide' && html`<${Ide} cluster=${cluster} name=${name} running=${phase === 'Running'} />`}
    ${tab === 'events' && ((d.events || []).length === 0 ? html`<p class="muted">No events.</p>` : html`<table class="data"><thead><tr><th>Time</th><th>Type</th><th>Reason</th><th>Object</th><th>Message</th></tr></thead><tbody>
      ${d.events.map((e, i) => html`<tr key=${i}><td>${fmtTime(e.t)}</td><td><${Pill} value=${e.type} /></td><td>${e.reason}</td><td class="mono">${e.object}</td><td>${e.message}</td></tr>`)}</tbody></table>`)}
    </section>
    <${Confirm} open=${confirm} title="Delete server?" message=${`Delete ${name}? This cannot be undone.`} onConfirm=${remove} onClose=${() => setConfirm(false)} />`;
}

export const RING = 2000;

function Logs({ cluster, name, hasPods }) {
  const buf = useRef([]);
  const held = useRef(0);
  const [, redraw] = useState(0);
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);
  const [q, setQ] = useState('');
  const [state, setState] = useState('connecting');
  const box = useRef();
  const snap = useRef([]);
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  useEffect(() => {
    if (!hasPods) { setState('no pods yet'); return undefined; }
    const es = new EventSource(`${base(cluster)}/workspaces/${enc(name)}/logs/stream?tail=200`);
    let raf = 0;
    es.onopen = () => setState('live');
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    es.onmessage = ev => {
      let l; try { l = JSON.parse(ev.data); } catch { l = { t: '', msg: ev.data }; }
      buf.current.push(l);
      if (buf.current.length > RING) buf.current.splice(0, buf.current.length - RING);
      if (pausedRef.current) { held.current++; return; }
      if (!raf) raf = requestAnimationFrame(() => { raf = 0; redraw(n => n + 1); });
    };
    return () => { es.close(); if (raf) cancelAnimationFrame(raf); };
  }, [hasPods]);
  useEffect(() => { if (follow && !paused && box.current) box.current.scrollTop = box.current.scrollHeight; });
  const lines = (paused ? snap.current : buf.current).filter(l => !q || l.msg.toLowerCase().includes(q.toLowerCase()));
  function mark(s) {
    if (!q) return s;
    const i = s.toLowerCase().indexOf(q.toLowerCase());
    return i < 0 ? s : html`${s.slice(0, i)}<mark>${s.slice(i, i + q.length)}</mark>${s.slice(i + q.length)}`;
  }
  return html`<div class="toolbar">
      <span aria-live="polite">Stream: <b data-log-state=${state}>${state}</b> · ${buf.current.length} / ${RING} lines${paused && held.current ? ` · ${held.current} new while paused` : ''}</span>
      <span class="spacer"></span>
      <label class="inline"><span class="sr-only">Search logs</span><input type="search" placeholder="Search logs" value=${q} onInput=${e => setQ(e.target.value)} aria-label="Search logs" /></label>
      <button onClick=${() => { snap.current = buf.current.slice(); setPaused(!paused); held.current = 0; }} aria-pressed=${paused}>${paused ? 'Resume' : 'Pause'}</button>
      <label class="inline"><input type="checkbox" checked=${follow} onChange=${e => setFollow(e.target.checked)} /> Follow</label>
      <button onClick=${() => { buf.current = []; redraw(n => n + 1); }}>Clear</button>
    </div>
    <div class="logbox" ref=${box} id="logbox" role="log" aria-label="Logs of ${name}" tabindex="0">${lines.map((l, i) => html`<div key=${i}><span class="t">${(l.t || '').replace('T', ' ').slice(0, 23)}</span>${mark(l.msg)}</div>`)}</div>`;
}
function Ide({ cluster, name, running }) {
  const url = `${base(cluster)}/proxy/server/${enc(name)}/`;
  const [state, setState] = useState({ phase: 'checking', tries: 0 });
  const [src, setSrc] = useState(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    if (!running) { setState({ phase: 'waiting', tries: 0, msg: 'The server is not running yet; the IDE opens once it is.' }); return undefined; }
    (async () => {
      const deadline = Date.now() + 15000;
      let tries = 0, last = '';
      while (live && Date.now() < deadline) {
        tries++;
        setState({ phase: 'checking', tries });
        try {
          const r = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
          if (r.ok || (r.status >= 300 && r.status < 500 && r.status !== 404)) { if (live) { setSrc(url + '?xid=' + Math.random().toString(36).slice(2)); setState({ phase: 'ready', tries }); } return; }
          try { const b = await r.json(); last = `${b.code || r.status}: ${b.message || ''}`; } catch { last = 'HTTP ' + r.status; }
        } catch (e) { last = e.message; }
        await new Promise(res => setTimeout(res, 1500 + Math.random() * 1000));
      }
      if (live) setState({ phase: 'failed', tries, msg: last });
    })();
    return () => { live = false; };
  }, [running, attempt]);
  return html`<div class="toolbar"><span aria-live="polite">${state.phase === 'ready' ? 'IDE ready' : state.phase === 'checking' ? `Checking the IDE is reachable (try ${state.tries})…`
      : state.phase === 'failed' ? html`<span class="field-error">Not reachable after ${state.tries} tries: ${state.msg}</span>` : state.msg}</span>
    <span class="spacer"></span>
    ${state.phase === 'failed' && html`<button onClick=${() => setAttempt(a => a + 1)}>Retry</button>`}
    <a class="btn" href=${url} target="_blank" rel="noopener">Open in new tab</a></div>
    ${src && html`<iframe class="ide-frame" src=${src} title="IDE of ${name}" allow="clipboard-read; clipboard-write"></iframe>`}`;
}
