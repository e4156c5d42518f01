// Settings: host (global, tailscale, database) and per-cluster settings, all applied live.
import { html, useState, useEffect, navigate, toast, toastError, errorText, Confirm, fmtTime, download } from '../lib.js';
import { get, put, post, del, api, enc } from '../api.js';

const F = (name, help, type = 'text', extra = {}) => ({ name, help, type, ...extra });

export const HOST_FIELDS = {
  global: [
    F('auth_mode', 'Who may use the API: loopback-or-token (local callers need no token) or token (everyone signs in).', 'select', { options: ['loopback-or-token', 'token'] }),
    F('default_namespace', 'Namespace for workspaces when a cluster sets none.'),
    F('org_id', 'Organisation id recorded with databases and agents.'),
    F('frontend_origin', 'Another origin (https://host:port) allowed to call this API from a browser.'),
    F('proxy_allowlist', 'Comma-separated CIDRs or host:port the /proxy endpoint may reach besides workspaces.'),
    F('embed_operator', 'Run the workspace operator inside the Host App.', 'bool'),
    F('listen_local', 'Address the Host App listens on; set LISTEN_LOCAL and restart to change.', 'readonly'),
  ],
  tailscale: [
    F('login_server', 'Control server URL (Headscale or Tailscale), http(s).'),
    F('preauth_key', 'Pre-authorised key used to join the tailnet. Write-only.', 'secret'),
    F('hostname', 'Tailnet host name of this Host App (a DNS label).'),
  ],
  database: [
    F('addr', 'host:port of a RethinkDB server used by the host.'),
    F('user', 'RethinkDB user.'),
    F('pass', 'RethinkDB password. Write-only.', 'secret'),
  ],
};
export const CLUSTER_FIELDS = [
  F('name', 'Display name of the cluster.', 'text', { group: 'General' }),
  F('namespace', 'Namespace for this cluster\'s workspaces (default "default"). Applied live.', 'text', { group: 'General' }),
  F('org_id', 'Organisation id for this cluster.', 'text', { group: 'General' }),
  F('api_proxy_url', 'Reach the API server through this URL (e.g. a kubectl proxy). Rebuilds the client.', 'text', { group: 'Reaching the API server' }),
  F('api_proxy_force_http', 'Use plain http towards api_proxy_url.', 'bool', { group: 'Reaching the API server' }),
  F('disable_api_proxy', 'Never use a proxy for the API server, even when KUBE_PROXY_ADDR is set.', 'bool', { group: 'Reaching the API server' }),
  F('prefer_pod_proxy', 'Proxy workspace traffic through the pod proxy before the service proxy.', 'bool', { group: 'Workspace traffic' }),
  F('use_port_forward', 'Reach workspaces through a port-forward when the API proxy paths fail.', 'bool', { group: 'Workspace traffic' }),
  F('ingress_domain', 'Domain for workspaces exposed through an Ingress (name.domain).', 'text', { group: 'Workspace exposure' }),
  F('ingress_class_name', 'IngressClass for exposed workspaces.', 'text', { group: 'Workspace exposure' }),
  F('workspace_tls_secret', 'TLS secret for workspace Ingresses.', 'text', { group: 'Workspace exposure' }),
  F('cert_manager_issuer', 'cert-manager ClusterIssuer for workspace certificates.', 'text', { group: 'Workspace exposure' }),
  F('ingress_auth_url', 'External auth URL (nginx auth-url) in front of workspaces.', 'text', { group: 'Workspace exposure' }),
  F('ingress_auth_signin', 'Sign-in URL for the external auth.', 'text', { group: 'Workspace exposure' }),
  F('image_pull_secret', 'Secret used to pull workspace images.', 'text', { group: 'Workspace exposure' }),
  F('workspace_lb_enabled', 'Give workspaces LoadBalancer services; also written to the cluster ConfigMap.', 'bool', { group: 'Workspace exposure' }),
  F('rdb_addr', 'host[:port] of this cluster\'s RethinkDB; empty: discovered from the rethinkdb Service. Applied live.', 'text', { group: 'Database (RethinkDB)' }),
  F('rdb_user', 'RethinkDB user (default admin).', 'text', { group: 'Database (RethinkDB)' }),
  F('rdb_pass', 'RethinkDB password. Write-only; stored encrypted.', 'secret', { group: 'Database (RethinkDB)' }),
  F('ts_login_server', 'Tailnet control server for this cluster\'s connector.', 'text', { group: 'Tailnet' }),
  F('ts_routes', 'Routes the connector advertises (comma-separated CIDRs).', 'text', { group: 'Tailnet' }),
  F('ts_state_path', 'Where the connector keeps its state.', 'text', { group: 'Tailnet' }),
  F('headscale_namespace', 'Namespace of the cluster\'s Headscale.', 'text', { group: 'Tailnet' }),
  F('ts_client_auth', 'Tailnet auth key for the connector. Write-only; stored encrypted.', 'secret', { group: 'Tailnet' }),
];

export default function SettingsPage({ route, cluster }) {
  if (route.view === 'cluster') return html`<${ClusterSettings} cluster=${cluster} key=${cluster.id} />`;
  return html`<h1>Host settings</h1>
    <p class="muted">Changes apply at once; secrets are stored encrypted and never shown again.</p>
    <${SettingsForm} title="Global" path="/api/settings/global" fields=${HOST_FIELDS.global} id="global" />
    <${SettingsForm} title="Tailscale" path="/api/settings/tailscale" fields=${HOST_FIELDS.tailscale} id="tailscale" />
    <${SettingsForm} title="Database" path="/api/settings/database" fields=${HOST_FIELDS.database} id="database" />`;
}

function groupsOf(fields) {
  const out = [];
  for (const f of fields) {
    const g = f.group || '';
    if (!out.length || out[out.length - 1][0] !== g) out.push([g, []]);
    out[out.length - 1][1].push(f);
  }
  return out;
}

function SettingsForm({ title, path, fields, id, onSaved }) {
  const [cur, setCur] = useState(null);
  const [edit, setEdit] = useState({});
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = () => get(path).then(v => { setCur(v); setEdit({}); }).catch(e => setErr(errorText(e)));
  useEffect(() => { load(); }, [path]);
  async function save(e) {
    e.preventDefault(); setErr(null);
    if (!Object.keys(edit).length) { toast('Nothing changed', 'info', 3000); return; }
    setBusy(true);
    try {
      const r = await put(path, edit);
      toast(`${title} settings saved: ${(r.applied || Object.keys(edit)).join(', ')}`, 'ok');
      await load();
      if (onSaved) onSaved(r);
    } catch (x) {
      setErr(errorText(x) + (x.details && x.details.field ? ` (field ${x.details.field})` : ''));
    } finally { setBusy(false); }
  }
  if (!cur) return html`<section class="card"><h2 style="margin-top:0">${title}</h2>${err ? html`<p class="field-error">${err}</p>` : html`<p class="muted">Loading…</p>`}</section>`;
  const val = f => f.name in edit ? edit[f.name] : cur[f.name];
  return html`<form class="card" onSubmit=${save} id="settings-${id}" aria-labelledby="sh-${id}">
    <h2 style="margin-top:0" id="sh-${id}">${title}</h2>
    ${groupsOf(fields).map(([g, fs]) => html`<fieldset key=${g} style="border:none;padding:0;margin:0 0 .75rem">
    ${g && html`<legend style="font-weight:700;color:var(--muted);text-transform:uppercase;font-size:.75rem;letter-spacing:.06em;margin-top:.5rem">${g}</legend>`}
    <div class="grid2">${fs.map(f => { const fid = `s-${id}-${f.name}`; return html`<div key=${f.name} data-field=${f.name}>
      ${f.type === 'bool'
        ? html`<label class="inline" style="margin-top:.8rem" for=${fid}><input id=${fid} type="checkbox" checked=${val(f) === true || val(f) === 'true'}
            onChange=${e => setEdit({ ...edit, [f.name]: e.target.checked })} aria-describedby="${fid}-h" /> ${f.name}</label>`
        : html`<label for=${fid}>${f.name}${f.type === 'secret' ? html` <span class="pill ${cur[f.name + '_set'] ? 'ok' : ''}" data-secret-state=${cur[f.name + '_set'] ? 'set' : 'unset'}>${cur[f.name + '_set'] ? 'set' : 'not set'}</span>` : ''}</label>
          ${f.type === 'select'
            ? html`<select id=${fid} value=${val(f)} onChange=${e => setEdit({ ...edit, [f.name]: e.target.value })} aria-describedby="${fid}-h" style="width:100%">${f.options.map(o => html`<option key=${o}>${o}</option>`)}</select>`
            : f.type === 'secret'
              ? html`<div class="kvrow"><input id=${fid} type="password" autocomplete="new-password" placeholder=${cur[f.name + '_set'] ? 'unchanged' : 'not set'} value=${edit[f.name] ?? ''}
                  onInput=${e => { const n = { ...edit }; if (e.target.value) n[f.name] = e.target.value; else delete n[f.name]; setEdit(n); }} aria-describedby="${fid}-h" />
                  ${cur[f.name + '_set'] && html`<button type="button" onClick=${() => setEdit({ ...edit, [f.name]: '' })} aria-label="Clear ${f.name}">Clear</button>`}</div>`
              : html`<input id=${fid} value=${val(f) ?? ''} readonly=${f.type === 'readonly'} onInput=${e => setEdit({ ...edit, [f.name]: e.target.value })} aria-describedby="${fid}-h" style="width:100%" />`}`}
      <p class="help" id="${fid}-h">${f.help}${f.name in edit ? html` <b>(changed${f.type === 'secret' && edit[f.name] === '' ? ': will be cleared' : ''})</b>` : ''}</p></div>`; })}</div></fieldset>`)}
    <p class="field-error" role="alert">${err || ''}</p>
    <div class="actions"><button type="button" onClick=${() => setEdit({})} disabled=${!Object.keys(edit).length}>Discard</button>
      <button class="primary" type="submit" disabled=${busy || !Object.keys(edit).length}>Save ${title.toLowerCase()}</button></div>
  </form>`;
}

function ClusterSettings({ cluster }) {
  const cid = enc(cluster.id);
  const [health, setHealth] = useState(null);
  const [status, setStatus] = useState(null);
  const [kc, setKc] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [err, setErr] = useState(null);
  async function check() {
    try { setHealth(await post(`/api/deploy/clusters/${cid}?action=health`, {})); } catch (e) { setHealth({ status: 'error', error: errorText(e) }); }
    try { setStatus(await get(`/api/cluster/${cid}/status`)); } catch { setStatus(null); }
  }
  useEffect(() => { check(); }, []);
  async function attach(e) {
    e.preventDefault(); setErr(null);
    try { const r = await post(`/api/deploy/clusters/${cid}?action=attach-kubeconfig`, { kubeconfig: kc }); setHealth(r.health); setKc(''); toast('Kubeconfig replaced', 'ok'); }
    catch (x) { setErr(errorText(x)); }
  }
  async function fetchFile(action, name) {
    try {
      const r = await api('POST', `/api/deploy/clusters/${cid}?action=${action}`, {}, { raw: true });
      download(name, await r.text(), r.headers.get('Content-Type') || 'application/octet-stream');
    } catch (x) { toastError('Download failed', x); }
  }
  async function remove() {
    try { await del(`/api/deploy/clusters/${cid}`); toast(`Cluster ${cluster.name} deleted`, 'ok'); navigate('/'); location.reload(); } catch (x) { toastError('Delete failed', x); }
  }
  return html`<h1>Cluster settings <span class="muted" style="font-size:.9rem">${cluster.name}</span></h1>
    <div class="grid2">
      <section class="card"><h2 style="margin-top:0">Cluster</h2><dl class="kv">
        <dt>Id</dt><dd class="mono">${cluster.id}</dd><dt>State</dt><dd>${cluster.state}</dd><dt>Added</dt><dd>${fmtTime(cluster.createdAt)}</dd>
        <dt>Health</dt><dd data-cluster-health=${health ? health.status : ''}>${health ? html`<span class="dot ${health.status}"></span> ${health.status}${health.code ? ' — ' + health.code : ''}${health.error ? ': ' + health.error : ''}${health.note ? ' (' + health.note + ')' : ''}` : '…'}</dd>
        ${status && html`<dt>Kubeconfig</dt><dd>${status.kubeconfigPresent ? (status.kubeconfigValid ? 'stored, valid' : 'stored, invalid') : 'none'}</dd><dt>API reachable</dt><dd>${String(status.k8sReachable)}</dd>`}
      </dl><div class="actions" style="justify-content:flex-start">
        <button onClick=${check}>Check health</button>
        <button onClick=${() => fetchFile('kubeconfig', `kubeconfig-${cluster.id}.yaml`)}>Download kubeconfig</button>
        <button onClick=${() => fetchFile('join-config', `guildnet.${cluster.id}.config`)}>Download join config</button>
        <button class="danger" onClick=${() => setConfirm(true)}>Delete cluster</button></div></section>
      <form class="card" onSubmit=${attach}><h2 style="margin-top:0">Replace kubeconfig</h2>
        <label for="cs-kc">New kubeconfig</label><textarea id="cs-kc" rows="6" value=${kc} onInput=${e => setKc(e.target.value)} spellcheck="false"></textarea>
        <p class="field-error" role="alert">${err || ''}</p><div class="actions"><button class="primary" type="submit" disabled=${!kc.trim()}>Attach</button></div></form>
    </div>
    <${SettingsForm} title="Cluster" path="/api/settings/cluster/${cid}" fields=${CLUSTER_FIELDS} id="cluster" />
    <${Published} cid=${cid} tailnet=${status && status.tsnet} />
    <${Confirm} open=${confirm} title="Delete cluster?" message=${`Remove ${cluster.name} from this Host App: its record, stored credentials, settings and state. Nothing on the cluster itself is deleted.`}
      onConfirm=${remove} onClose=${() => setConfirm(false)} />`;
}

// Workspaces published on the cluster's tailnet (tailscale serve → a port-forward to the workspace).
function Published({ cid, tailnet }) {
  const [rows, setRows] = useState(null);
  const [service, setService] = useState('');
  const [port, setPort] = useState('');
  const [err, setErr] = useState(null);
  const [revoke, setRevoke] = useState(null);
  const load = () => get(`/api/cluster/${cid}/published-services`).then(setRows).catch(e => { setRows([]); setErr(errorText(e)); });
  useEffect(() => { load(); }, []);
  async function publish(e) {
    e.preventDefault(); setErr(null);
    try {
      const p = port.trim();
      // a non-number goes as typed, so the server says what is wrong with it
      const r = await post(`/api/cluster/${cid}/published-services`, p ? { service, port: /^\d+$/.test(p) ? Number(p) : p } : { service });
      toast(`${r.service} published at ${r.addr}`, 'ok'); setService(''); setPort(''); load();
    } catch (x) { setErr(errorText(x)); }
  }
  async function unpublish(name) {
    try { await del(`/api/cluster/${cid}/published-services/${enc(name)}`); toast(`${name} unpublished`, 'ok'); load(); } catch (x) { toastError('Revoke failed', x); }
  }
  return html`<section class="card" id="published-services"><h2 style="margin-top:0">Published services</h2>
    <p class="help">Workspaces reachable from the cluster's tailnet at this node's address${tailnet && tailnet.ip ? html` (<span class="mono">${tailnet.ip}</span>)` : ''}; needs the cluster's tailnet connector.</p>
    ${rows === null ? html`<p class="muted">Loading…</p>` : rows.length === 0 ? html`<p class="muted">Nothing published.</p>` : html`<table class="data"><thead><tr><th>Service</th><th>Address</th><th>Status</th><th>Added</th><th></th></tr></thead><tbody>
      ${rows.map(r => html`<tr key=${r.service} data-published=${r.service}><td>${r.service}</td><td class="mono">${r.addr}</td>
        <td>${r.status}${r.error ? html` <span class="muted">— ${r.error}</span>` : ''}</td><td>${fmtTime(r.added_at)}</td>
        <td><button class="danger" onClick=${() => setRevoke(r.service)} aria-label="Revoke ${r.service}">Revoke</button></td></tr>`)}</tbody></table>`}
    <form class="toolbar" onSubmit=${publish} style="margin-top:.6rem">
      <label for="pub-service">Workspace</label><input id="pub-service" value=${service} onInput=${e => setService(e.target.value)} placeholder="name" />
      <label for="pub-port">Port</label><input id="pub-port" inputmode="numeric" value=${port} onInput=${e => setPort(e.target.value)} placeholder="its port" style="width:7rem" />
      <button class="primary" type="submit" disabled=${!service.trim()}>Publish</button></form>
    <p class="field-error" role="alert">${err || ''}</p>
    <${Confirm} open=${!!revoke} title="Revoke published service?" message=${revoke ? `Stop publishing ${revoke} on the tailnet? Open connections are cut.` : ''}
      confirmLabel="Revoke" onConfirm=${() => unpublish(revoke)} onClose=${() => setRevoke(null)} /></section>`;
}
