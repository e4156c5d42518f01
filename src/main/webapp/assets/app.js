// GuildNet console: app shell (login, cluster sidebar with health, add-cluster dialog, toasts, routing).
import { html, render, useState, useEffect, useCallback, useRef, useLocation, navigate, Toasts, toast, toastError, errorText,
  Modal, useInterval, age } from './lib.js';
import { get, post, del, authEvents, ApiError } from './api.js';

const pages = {
  servers: () => import('./pages/servers.js'),
  db: () => import('./pages/db.js'),
  jobs: () => import('./pages/jobs.js'),
  settings: () => import('./pages/settings.js'),
};
const LOGGED_IN_HINT = 'gn_logged_in';

// ---- cluster store shared by the sidebar and the pages
export const clusterStore = { list: [], health: {}, checkedAt: null, listeners: new Set(),
  set(patch) { Object.assign(this, patch); this.listeners.forEach(f => f()); } };
// fresher results of an attach or health action win over /api/health's cached answer for a minute
const localHealth = {};
export function noteHealth(id, h) { if (h) localHealth[id] = { ...h, at: Date.now() }; }
export async function refreshClusters() {
  const [list, health] = await Promise.all([get('/api/deploy/clusters'), get('/api/health')]);
  const hm = {};
  for (const c of health.clusters || []) hm[c.id] = c;
  for (const [id, h] of Object.entries(localHealth)) {
    const cached = hm[id];
    const cachedAt = cached && cached.checkedAt ? Date.parse(cached.checkedAt) : 0;
    if (Date.now() - h.at < 60000 && (!cached || cached.status === 'unknown' || cachedAt < h.at)) hm[id] = { ...cached, ...h, id };
    else delete localHealth[id];
  }
  clusterStore.set({ list, health: hm, checkedAt: Date.now() });
}
function useClusters() {
  const [, set] = useState(0);
  useEffect(() => { const f = () => set(n => n + 1); clusterStore.listeners.add(f); return () => clusterStore.listeners.delete(f); }, []);
  return clusterStore;
}

function route(path) {
  const p = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (p[0] === 'login') return { page: 'login' };
  if (p[0] === 'settings') return { page: 'settings', mod: 'settings', view: 'global' };
  if (p[0] === 'jobs') return { page: 'jobs', mod: 'jobs', view: 'list', exec: p[1] };
  if (p[0] !== 'c' || !p[1]) return { page: 'home' };
  const cid = p[1];
  const section = p[2] || 'servers';
  if (section === 'servers') return p[3] ? { cid, page: 'servers', mod: 'servers', view: 'detail', name: p[3] } : { cid, page: 'servers', mod: 'servers', view: 'list' };
  if (section === 'launch') return { cid, page: 'launch', mod: 'servers', view: 'launch' };
  if (section === 'databases') {
    if (!p[3]) return { cid, page: 'databases', mod: 'db', view: 'dbs' };
    if (p[4] === 'tables' && p[5]) return { cid, page: 'databases', mod: 'db', view: 'table', db: p[3], table: p[5], tab: p[6] || 'rows' };
    return { cid, page: 'databases', mod: 'db', view: 'tables', db: p[3] };
  }
  if (section === 'jobs') return { cid, page: 'jobs', mod: 'jobs', view: 'list', exec: p[3] };
  if (section === 'settings') return { cid, page: 'csettings', mod: 'settings', view: 'cluster' };
  return { cid, page: 'notfound' };
}

function Lazy({ mod, ...props }) {
  const [m, setM] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => { let live = true; pages[mod]().then(x => live && setM(x), e => live && setErr(e)); return () => { live = false; }; }, [mod]);
  if (err) return html`<p class="field-error">This page failed to load: ${String(err.message || err)}</p>`;
  if (!m) return html`<p class="muted">Loading…</p>`;
  return html`<${m.default} ...${props} />`;
}

// ---- login screen: exchanges the API token for the session cookie
function Login({ onDone, cfg }) {
  const [token, setToken] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setBusy(true); setErr(null);
    try {
      const r = await post('/api/auth/login', { token: token.trim() });
      localStorage.setItem(LOGGED_IN_HINT, '1');
      toast(`Signed in as ${r.principal}`, 'ok');
      onDone();
    } catch (x) {
      setErr(x.status === 401 ? 'That token is not valid.' : errorText(x));
    } finally { setBusy(false); }
  }
  return html`<main class="login card" aria-labelledby="login-h">
    <h1 id="login-h">Sign in to ${cfg ? cfg.name : 'GuildNet'}</h1>
    <p class="muted">This Host App requires its API token (authentication mode <b>${cfg ? cfg.auth_mode : '…'}</b>).
      The token is in <code>$GUILDNET_HOME/state/api-token</code> on the host. Signing in stores a session cookie,
      so the IDE, live logs and database changes work too.</p>
    <form onSubmit=${submit}>
      <label for="login-token">API token</label>
      <input id="login-token" type="password" autocomplete="current-password" required value=${token}
        onInput=${e => setToken(e.target.value)} style="width:100%" aria-describedby="login-err" />
      <p id="login-err" class="field-error" role="alert">${err || ''}</p>
      <div class="actions"><button class="primary" type="submit" disabled=${busy || !token.trim()}>${busy ? 'Signing in…' : 'Sign in'}</button></div>
    </form>
  </main>`;
}

// ---- add-cluster dialog: kubeconfig paste (validated) or a join file
export function validateKubeconfig(text) {
  const t = (text || '').trim();
  if (!t) return 'Paste a kubeconfig.';
  if (t.startsWith('{')) { try { JSON.parse(t); } catch { return 'This looks like JSON but does not parse.'; } return null; }
  const missing = ['apiVersion', 'clusters', 'contexts', 'users'].filter(k => !new RegExp('^' + k + ':', 'm').test(t));
  if (missing.length) return 'Not a kubeconfig: missing ' + missing.join(', ') + '.';
  if (!/^current-context:\s*\S+/m.test(t)) return 'The kubeconfig has no current-context.';
  if (!/server:\s*\S+/.test(t)) return 'The kubeconfig names no server URL.';
  return null;
}

function AddCluster({ open, onClose }) {
  const [mode, setMode] = useState('kubeconfig');
  const [name, setName] = useState('');
  const [kc, setKc] = useState('');
  const [file, setFile] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const localErr = mode === 'kubeconfig' && kc ? validateKubeconfig(kc) : null;
  useEffect(() => { if (open) { setName(''); setKc(''); setFile(null); setErr(null); } }, [open]);
  async function submit(e) {
    e.preventDefault();
    setErr(null);
    if (mode === 'kubeconfig') {
      const v = validateKubeconfig(kc);
      if (v) { setErr(v); return; }
    } else if (!file) { setErr('Choose a guildnet.config join file.'); return; }
    setBusy(true);
    let created = null;
    try {
      let id;
      if (mode === 'kubeconfig') {
        created = await post('/api/deploy/clusters', name.trim() ? { name: name.trim() } : {});
        id = created.id;
        const r = await post(`/api/deploy/clusters/${encodeURIComponent(id)}?action=attach-kubeconfig`, { kubeconfig: kc });
        const hs = r.health || {};
        noteHealth(id, hs);
        toast(`Cluster ${created.name} added — health ${hs.status || 'unknown'}${hs.code ? ' (' + hs.code + ')' : ''}`, hs.status === 'ok' ? 'ok' : 'info');
      } else {
        const fd = new FormData();
        fd.append('file', file);
        const r = await post('/api/bootstrap', fd);
        id = r.clusterId;
        toast(id ? `Join file imported: cluster ${id}` : 'Join file imported (no cluster in it)', 'ok');
      }
      await refreshClusters();
      onClose();
      if (id) navigate(`/c/${encodeURIComponent(id)}/servers`);
    } catch (x) {
      // nothing half-added: a record whose kubeconfig was refused is removed again
      if (created) { try { await del(`/api/deploy/clusters/${encodeURIComponent(created.id)}`); } catch { /* shown below */ } }
      setErr(errorText(x));
    } finally { setBusy(false); }
  }
  return html`<${Modal} open=${open} onClose=${onClose} title="Add a cluster" wide>
    <form onSubmit=${submit} id="add-cluster-form">
      <div class="tabs" role="tablist" aria-label="How to add">
        <button type="button" role="tab" aria-selected=${mode === 'kubeconfig'} onClick=${() => setMode('kubeconfig')}>Paste kubeconfig</button>
        <button type="button" role="tab" aria-selected=${mode === 'join'} onClick=${() => setMode('join')}>Import join file</button>
      </div>
      ${mode === 'kubeconfig' ? html`
        <label for="ac-name">Name <span class="muted">(optional)</span></label>
        <input id="ac-name" value=${name} onInput=${e => setName(e.target.value)} placeholder="e.g. lab" style="width:100%" />
        <label for="ac-kc">Kubeconfig</label>
        <textarea id="ac-kc" rows="12" value=${kc} onInput=${e => setKc(e.target.value)} spellcheck="false"
          aria-describedby="ac-kc-help ac-err" placeholder="apiVersion: v1&#10;kind: Config&#10;current-context: …"></textarea>
        <p id="ac-kc-help" class="help">The YAML of <code>kubectl config view --raw --minify</code>. It is stored encrypted; only its server is shown.</p>
        ${localErr && html`<p class="field-error" data-kc-invalid>${localErr}</p>`}`
      : html`
        <label for="ac-file">Join file (<code>guildnet.config</code>)</label>
        <input id="ac-file" type="file" accept=".config,.json,application/json" onChange=${e => setFile(e.target.files[0] || null)} />
        <p class="help">A bundle from another Host App's "Download join config": the cluster, its kubeconfig and tailnet settings are imported in one step (or not at all).</p>`}
      <p id="ac-err" class="field-error" role="alert">${err || ''}</p>
      <div class="actions">
        <button type="button" onClick=${onClose}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy || (mode === 'kubeconfig' && !!localErr)}>${busy ? 'Adding…' : 'Add cluster'}</button>
      </div>
    </form>
  <//>`;
}

function Sidebar({ r, onAdd }) {
  const cs = useClusters();
  const [, tick] = useState(0);
  useInterval(() => tick(n => n + 1), 5000);
  const nav = [['servers', 'Servers'], ['launch', 'Launch'], ['databases', 'Databases'], ['jobs', 'Jobs'], ['settings', 'Settings']];
  return html`<aside class="side" aria-label="Clusters">
    <h2><span>Clusters</span><span class="spacer"></span>
      <button class="link" style="color:#fff" onClick=${onAdd} aria-label="Add a cluster" id="add-cluster">+ Add</button></h2>
    ${cs.list.length === 0 && html`<p class="muted" style="color:#9fb3c8">No clusters yet.</p>`}
    <ul>
      ${cs.list.map(c => {
        const hl = cs.health[c.id] || {};
        const st = hl.status || 'unknown';
        const tip = `${c.name}: ${st}${hl.code ? ' — ' + hl.code : ''}${hl.error ? ': ' + hl.error : ''}${hl.note ? ' (' + hl.note + ')' : ''}`;
        const cur = r.cid === c.id;
        return html`<li key=${c.id} data-cluster=${c.id}>
          <a href="/c/${encodeURIComponent(c.id)}/servers" title=${tip} class=${cur ? 'active' : ''} aria-current=${cur && r.page === 'servers' ? 'page' : undefined}>
            <span class="dot ${st}" role="img" aria-label="health ${st}"></span><span>${c.name}</span>
            <span class="cl-status" data-health=${st}>${st}</span></a>
          ${cur && html`<ul class="sub" aria-label="${c.name} sections">
            ${nav.map(([k, label]) => html`<li key=${k}><a href="/c/${encodeURIComponent(c.id)}/${k}"
              aria-current=${(r.page === k || (k === 'settings' && r.page === 'csettings')) ? 'page' : undefined}
              class=${(r.page === k || (k === 'settings' && r.page === 'csettings')) ? 'active' : ''}>${label}</a></li>`)}
          </ul>`}
        </li>`;
      })}
    </ul>
    <p class="health-age" aria-live="off">Health: ${cs.checkedAt ? age(new Date(cs.checkedAt).toISOString()) + ' ago' : '…'}
      · <button class="link" style="color:#9fb3c8;font-size:.75rem" onClick=${() => refreshClusters().catch(e => toastError('Health refresh failed', e))}>refresh</button></p>
    <h2>Host</h2>
    <ul>
      <li><a href="/jobs" class=${r.page === 'jobs' && !r.cid ? 'active' : ''}>All jobs</a></li>
      <li><a href="/settings" class=${r.page === 'settings' ? 'active' : ''}>Host settings</a></li>
      <li><a href="/openapi/ui/">API reference</a></li>
    </ul>
  </aside>`;
}

function Home() {
  const cs = useClusters();
  return html`<h1>GuildNet</h1>
    ${cs.list.length === 0
      ? html`<div class="empty"><p>No cluster is registered yet.</p><p>Use <b>+ Add</b> in the sidebar to paste a kubeconfig or import a join file.</p></div>`
      : html`<p>Select a cluster in the sidebar.</p>
        <table class="data"><caption class="sr-only">Clusters</caption><thead><tr><th>Name</th><th>State</th><th>Health</th><th>Added</th></tr></thead><tbody>
        ${cs.list.map(c => { const hl = cs.health[c.id] || {}; return html`<tr key=${c.id}>
          <td><a href="/c/${encodeURIComponent(c.id)}/servers">${c.name}</a> <span class="muted mono">${c.id}</span></td>
          <td>${c.state}</td><td><span class="dot ${hl.status || 'unknown'}"></span> ${hl.status || 'unknown'} ${hl.code ? html`<span class="mono">${hl.code}</span>` : ''}</td>
          <td>${age(c.createdAt)} ago</td></tr>`; })}</tbody></table>`}`;
}

function App() {
  const path = useLocation();
  const cs = useClusters();
  const [cfg, setCfg] = useState(null);
  const [session, setSession] = useState(null);
  const [needLogin, setNeedLogin] = useState(false);
  const [adding, setAdding] = useState(false);

  const boot = useCallback(async () => {
    const c = await get('/api/ui-config');
    setCfg(c);
    document.title = c.name || 'GuildNet';
    // In token mode an unauthenticated probe would only earn a 401: ask for the token first
    // unless this browser signed in before.
    if (c.auth_mode === 'token' && !localStorage.getItem(LOGGED_IN_HINT)) { setNeedLogin(true); return; }
    const s = await get('/api/auth/session');
    if (!s.authenticated && c.auth_mode === 'token') { setNeedLogin(true); return; }
    setSession(s);
    setNeedLogin(false);
    await refreshClusters();
  }, []);

  useEffect(() => {
    const onUnauth = () => { localStorage.removeItem(LOGGED_IN_HINT); setNeedLogin(true); };
    authEvents.addEventListener('unauthorized', onUnauth);
    boot().catch(e => { if (!(e instanceof ApiError && e.status === 401)) toastError('Could not load', e); });
    return () => authEvents.removeEventListener('unauthorized', onUnauth);
  }, []);
  useInterval(() => { if (session) refreshClusters().catch(() => {}); }, 30000);
  const ready = !!(session && cs.checkedAt);
  // after a client-side navigation, move focus to the page (screen readers announce the new page)
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    const m = document.getElementById('main');
    if (m && !m.contains(document.activeElement)) m.focus({ preventScroll: true });
  }, [path]);
  useEffect(() => {
    document.getElementById('app').dataset.state = needLogin ? 'login' : ready ? 'ready' : 'loading';
    // first interactive paint of the shell, for the UI benchmark (performance.getEntriesByName('gn-ready'))
    if (ready && !performance.getEntriesByName('gn-ready').length) performance.mark('gn-ready');
  }, [needLogin, ready]);

  async function logout() {
    try { await post('/api/auth/logout', {}); } catch { /* cookie cleared anyway */ }
    localStorage.removeItem(LOGGED_IN_HINT);
    setSession(null);
    if (cfg && cfg.auth_mode === 'token') setNeedLogin(true); else boot();
  }

  if (needLogin) return html`<${Login} cfg=${cfg} onDone=${() => boot().catch(e => toastError('Could not load', e))} /><${Toasts} />`;
  const r = route(path);
  let body;
  if (!session || !cs.checkedAt) body = html`<p class="muted">Loading…</p>`;
  else if (r.page === 'home' || r.page === 'login') body = html`<${Home} />`;
  else if (r.page === 'notfound') body = html`<div class="empty">No such page. <a href="/">Back to the start</a></div>`;
  else {
    const c = r.cid ? clusterStore.list.find(x => x.id === r.cid) : null;
    if (r.cid && !c) body = html`<div class="empty">Cluster <code>${r.cid}</code> is not registered. <a href="/">Back</a></div>`;
    else body = html`<${Lazy} mod=${r.mod} route=${r} cluster=${c} key=${r.mod + ':' + (r.cid || '')} />`;
  }
  return html`<div class="layout">
    <a class="skip" href="#main" onClick=${e => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="top"><a class="brand" href="/">GuildNet</a><span class="muted" style="color:#9fb3c8">${cfg ? cfg.version : ''}</span>
      <span class="spacer"></span>
      ${session && html`<span class="who" data-principal=${session.principal}>Signed in as <b>${session.principal}</b> (${session.via})</span>`}
      ${session && session.via === 'cookie' && html`<button onClick=${logout}>Sign out</button>`}
      ${session && session.via !== 'cookie' && cfg && cfg.auth_mode !== 'token' && html`<button onClick=${() => setNeedLogin(true)}>Sign in with token</button>`}
    </header>
    <${Sidebar} r=${r} onAdd=${() => setAdding(true)} />
    <main class="content" id="main" tabindex="-1">${body}</main>
    <${AddCluster} open=${adding} onClose=${() => setAdding(false)} />
    <${Toasts} />
  </div>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
