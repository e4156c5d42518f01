// Jobs: submit setup/verify/diagnose, executions with progress, live step log, stop/restart, reports.
import { html, useState, useEffect, useRef, navigate, toast, toastError, errorText, useInterval, fmtTime, Pill, Progress, Confirm } from '../lib.js';
import { get, post, del, enc } from '../api.js';

const RUNNING = new Set(['STARTING', 'STARTED', 'STOPPING']);
const JOB_LABEL = { 'guildnet-setup': 'Setup', 'guildnet-verify': 'Verify', 'guildnet-diagnose': 'Diagnose', 'rethink-export': 'Export', 'rethink-import': 'Import' };

export default function JobsPage({ route, cluster }) {
  const ui = cluster ? `/c/${enc(cluster.id)}/jobs` : '/jobs';
  if (route.exec) return html`<${Execution} id=${route.exec} ui=${ui} key=${route.exec} />`;
  return html`<${JobList} cluster=${cluster} ui=${ui} />`;
}

function JobList({ cluster, ui }) {
  const [jobs, setJobs] = useState([]);
  const [execs, setExecs] = useState(null);
  const [job, setJob] = useState('guildnet-verify');
  const [params, setParams] = useState({});
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [clusters, setClusters] = useState([]);
  const [target, setTarget] = useState(cluster ? cluster.id : 'host-default');
  const load = () => get(`/api/batch/executions?limit=50${cluster ? '&cluster=' + enc(cluster.id) : ''}`).then(setExecs).catch(e => toastError('Cannot list executions', e));
  useEffect(() => {
    get('/api/batch/jobs').then(r => setJobs(r.jobs)).catch(e => toastError('Cannot list jobs', e));
    if (!cluster) get('/api/deploy/clusters').then(setClusters).catch(() => {});
    load();
  }, []);
  useInterval(load, execs && execs.some(e => RUNNING.has(e.status)) ? 2000 : 15000);
  const spec = jobs.find(j => j.job === job);
  async function submit(e) {
    e.preventDefault(); setErr(null); setBusy(true);
    try {
      const p = { cluster: target };
      for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && k !== 'cluster') p[k] = String(v);
      const r = await post('/api/batch/jobs', { job, params: p });
      toast(`${JOB_LABEL[job] || job} started (execution ${r.executionId})`, 'ok');
      navigate(`${ui}/${r.executionId}`);
    } catch (x) { setErr(errorText(x) + (x.details ? ' ' + JSON.stringify(x.details) : '')); } finally { setBusy(false); }
  }
  return html`<h1>Jobs ${cluster && html`<span class="muted" style="font-size:.9rem">${cluster.name}</span>`}</h1>
    <form class="card" onSubmit=${submit} id="job-form"><h2 style="margin-top:0">Run a job</h2>
      <div class="grid2">
        <div><label for="job-kind">Job</label><select id="job-kind" value=${job} onChange=${e => { setJob(e.target.value); setParams({}); }} style="width:100%">
          ${(jobs.length ? jobs : [{ job: 'guildnet-verify' }]).map(j => html`<option value=${j.job} key=${j.job}>${JOB_LABEL[j.job] || j.job}</option>`)}</select>
          ${spec && html`<p class="help">Steps: ${spec.steps.join(' → ')}</p>`}</div>
        ${!cluster && html`<div><label for="job-cluster">Cluster</label><select id="job-cluster" value=${target} onChange=${e => setTarget(e.target.value)} style="width:100%">
          <option value="host-default">host-default (the Host App's own kubeconfig)</option>${clusters.map(c => html`<option value=${c.id} key=${c.id}>${c.name} (${c.id})</option>`)}</select></div>`}
        ${spec && Object.entries(spec.params).filter(([k]) => k !== 'cluster').map(([k, d]) => html`<div key=${k}>
          <label for="jp-${k}">${k}</label>
          ${d === 'true or false'
            ? html`<select id="jp-${k}" value=${params[k] ?? ''} onChange=${e => setParams({ ...params, [k]: e.target.value })} style="width:100%"><option value="">default</option><option>true</option><option>false</option></select>`
            : html`<input id="jp-${k}" inputmode="numeric" value=${params[k] ?? ''} onInput=${e => setParams({ ...params, [k]: e.target.value })} style="width:100%" placeholder="default" />`}
          <p class="help">${d}</p></div>`)}
      </div>
      <p class="field-error" role="alert">${err || ''}</p>
      <div class="actions"><button class="primary" type="submit" disabled=${busy} id="job-run">${busy ? 'Starting…' : 'Run ' + (JOB_LABEL[job] || job)}</button></div>
    </form>
    <h2>Executions</h2>
    ${execs === null ? html`<p class="muted">Loading…</p>` : execs.length === 0 ? html`<div class="empty">No job has run yet.</div>`
      : html`<table class="data" id="exec-table"><thead><tr><th>#</th><th>Job</th><th>Cluster</th><th>Status</th><th>Progress</th><th>Started</th><th>Ended</th></tr></thead><tbody>
        ${execs.map(x => html`<tr key=${x.executionId} data-exec=${x.executionId}><td><a href="${ui}/${x.executionId}">${x.executionId}</a></td><td>${JOB_LABEL[x.job] || x.job}</td><td class="mono">${x.cluster}</td>
          <td><${Pill} value=${x.status} />${x.exitStatus && x.exitStatus !== x.status ? html` <span class="mono">${x.exitStatus}</span>` : ''}</td>
          <td><${Progress} value=${x.progress} status=${x.status} /></td><td>${fmtTime(x.started || x.created)}</td><td>${fmtTime(x.ended)}</td></tr>`)}</tbody></table>`}`;
}

function Execution({ id, ui }) {
  const [x, setX] = useState(null);
  const [logs, setLogs] = useState([]);
  const [report, setReport] = useState(null);
  const [err, setErr] = useState(null);
  const [stream, setStream] = useState('connecting');
  const [confirmFile, setConfirmFile] = useState(false);
  const [fileGone, setFileGone] = useState(false);
  const box = useRef();
  const base = `/api/batch/executions/${enc(id)}`;
  async function load() {
    try {
      const d = await get(base); setX(d);
      if (d.hasReport && !report) setReport(await get(`${base}/report`));
    } catch (e) { setErr(e); }
  }
  useEffect(() => {
    load();
    const es = new EventSource(`${base}/events`);
    const buf = [];
    es.addEventListener('log', m => { try { buf.push(JSON.parse(m.data)); } catch { return; } setLogs(buf.slice(-2000)); });
    es.addEventListener('progress', m => { try { const p = JSON.parse(m.data); setX(o => o ? { ...o, progress: p.progress } : o); } catch { /* ignore */ } });
    es.addEventListener('end', m => {
      es.close(); setStream('ended');
      try { const e = JSON.parse(m.data); setX(o => o ? { ...o, status: e.status, exitStatus: e.exitStatus, progress: e.status === 'COMPLETED' ? 1 : o.progress } : o); } catch { /* reload below */ }
      setTimeout(load, 500);
    });
    es.onopen = () => setStream('live');
    es.onerror = () => { if (es.readyState === EventSource.CLOSED) setStream('closed'); };
    return () => es.close();
  }, []);
  useInterval(() => { if (x && RUNNING.has(x.status)) load(); }, 2000);
  useEffect(() => { if (box.current) box.current.scrollTop = box.current.scrollHeight; }, [logs]);
  async function stop() { try { await post(`${base}/stop`, {}); toast('Stopping…', 'info'); load(); } catch (e) { toastError('Stop failed', e); } }
  async function restart() {
    try { const r = await post(`${base}/restart`, {}); toast(`Restarted as execution ${r.executionId}`, 'ok'); navigate(`${ui}/${r.executionId}`); }
    catch (e) { toastError('Restart failed', e); }
  }
  async function removeFile() {
    setConfirmFile(false);
    try { await del(`${base}/file`); setFileGone(true); toast('Export file deleted', 'ok'); }
    catch (e) { if (e.code === 'no_file') setFileGone(true); toastError('Delete failed', e); }
  }
  if (err) return html`<div class="empty" role="alert">${errorText(err)} <a href=${ui}>All jobs</a></div>`;
  if (!x) return html`<p class="muted">Loading…</p>`;
  const running = RUNNING.has(x.status);
  return html`<div class="crumbs"><a href=${ui}>Jobs</a> /</div>
    <h1>${JOB_LABEL[x.job] || x.job} #${x.executionId} <${Pill} value=${x.status} />${x.exitStatus && html`<span class="mono" data-exit=${x.exitStatus}>${x.exitStatus}</span>`}</h1>
    <div class="toolbar"><div style="width:20rem"><${Progress} value=${x.progress} status=${x.status} /></div><span>${Math.round((x.progress || 0) * 100)}%</span>
      <span class="muted">cluster <span class="mono">${x.cluster}</span> · started ${fmtTime(x.started || x.created)}${x.ended ? ' · ended ' + fmtTime(x.ended) : ''}</span>
      <span class="spacer"></span>
      ${running && html`<button class="danger" onClick=${stop}>Stop</button>`}
      ${!running && x.status !== 'COMPLETED' && html`<button onClick=${restart}>Restart</button>`}
      ${x.hasReport && html`<a class="btn" href="${base}/report?download=1" download>Download report (JSON)</a>`}
      ${x.job === 'rethink-export' && x.status === 'COMPLETED' && (fileGone
        ? html`<span class="muted" id="export-gone">export file deleted</span>`
        : html`<a class="btn" id="export-download" href="${base}/file" download>Download file</a>
          <button class="danger" id="export-delete" onClick=${() => setConfirmFile(true)}>Delete file</button>`)}</div>
    <div class="grid2">
      <div class="card"><h2 style="margin-top:0">Steps</h2>
        ${(x.steps || []).length === 0 ? html`<p class="muted">No step has started.</p>` : html`<table class="data"><thead><tr><th>Step</th><th>Status</th><th>Exit</th><th>Duration</th></tr></thead><tbody>
          ${x.steps.map(s => html`<tr key=${s.name}><td>${s.name}</td><td><${Pill} value=${s.status} /></td><td class="mono">${s.exitStatus || ''}</td><td>${s.duration_ms != null ? s.duration_ms + ' ms' : ''}</td></tr>`)}</tbody></table>`}</div>
      <div class="card"><h2 style="margin-top:0">Log <span class="muted" style="font-size:.8rem">(${stream})</span></h2>
        <div class="logbox" style="height:18rem" ref=${box} role="log" aria-label="Job log" tabindex="0" id="job-log">
          ${logs.map((l, i) => html`<div key=${i} class="lvl-${(l.level || '').toLowerCase()}"><span class="t">${(l.ts || '').slice(11, 23)}</span>${l.step ? `[${l.step}] ` : ''}${l.msg}${l.err ? ' — ' + l.err : ''}</div>`)}</div></div>
    </div>
    ${report && html`<h2>Report</h2><${Report} r=${report} job=${x.job} />`}
    <${Confirm} open=${confirmFile} title="Delete export file?" message="The exported rows are removed from the Host App; download them first if you need them."
      onConfirm=${removeFile} onClose=${() => setConfirmFile(false)} />`;
}

function count(r, st) { return r.layers.reduce((n, l) => n + l.checks.filter(c => c.status === st).length, 0); }
function Report({ r, job }) {
  if (r.layers) return html`<div id="verify-report">
    <div class="card layer ${r.summary.status}" data-summary=${r.summary.status}><b>Overall: <${Pill} value=${r.summary.status} /></b>
      ${' '}${count(r, 'pass')} pass · ${count(r, 'warn')} warn · ${count(r, 'fail')} fail · ${count(r, 'skip')} skip · ${r.duration_ms} ms<p>${r.summary.text}</p></div>
    ${r.layers.map(l => html`<section class="card layer ${l.status}" key=${l.name} data-layer=${l.name} aria-label="Layer ${l.name}">
      <h3 style="margin-top:0">${l.name} <${Pill} value=${l.status} /></h3>
      ${l.checks.map(c => html`<div class="check" key=${c.code}><${Pill} value=${c.status} /> <b>${c.name}</b> <span class="mono muted">${c.code}</span>
        ${c.latency_ms != null ? html` <span class="muted">${c.latency_ms} ms${c.threshold_ms ? ' / ' + c.threshold_ms + ' ms' : ''}</span>` : ''}
        <div>${c.message}</div>${c.suggestion && html`<div class="suggestion">Suggestion: ${c.suggestion}</div>`}</div>`)}</section>`)}</div>`;
  if (r.findings) return html`<div id="diagnose-report">
    <div class="card layer ${r.summary.status === 'ok' ? 'pass' : r.summary.status === 'warning' ? 'warn' : 'fail'}"><b>Diagnosis: <${Pill} value=${r.summary.status} /></b><p>${r.summary.text}</p>
      <p class="muted">${(r.failing_pods || []).length} failing pod(s), ${(r.events || []).length} event(s), ${(r.recent_errors || []).length} recent error(s) · ${r.duration_ms} ms</p></div>
    ${r.findings.length === 0 ? html`<p>No findings.</p>` : html`<table class="data"><thead><tr><th>Severity</th><th>Rule</th><th>Subject</th><th>Evidence</th><th>Suggestion</th></tr></thead><tbody>
      ${r.findings.map((f, i) => html`<tr key=${i}><td><${Pill} value=${f.severity} /></td><td class="mono">${f.rule}</td><td>${f.subject}</td><td>${f.evidence}</td><td>${f.suggestion}</td></tr>`)}</tbody></table>`}
    ${(r.collection_problems || []).length > 0 && html`<p class="field-error">Could not collect: ${r.collection_problems.join('; ')}</p>`}</div>`;
  if (r.steps) return html`<div class="card" id="setup-report"><b>Setup: <${Pill} value=${r.status} /></b>${r.error && html`<p class="field-error">${r.failed_step}: ${r.error}</p>`}
    <table class="data"><thead><tr><th>Step</th><th>Outcome</th><th>Message</th></tr></thead><tbody>
    ${r.steps.map(s => html`<tr key=${s.name}><td>${s.name}</td><td><${Pill} value=${s.outcome} /></td><td>${s.message}</td></tr>`)}</tbody></table>
    ${r.rolled_back && html`<p>Rolled back: ${r.rolled_back.join(', ')}</p>`}</div>`;
  if (r.job === 'rethink-export' || r.job === 'rethink-import') return html`<div class="card" id="transfer-report">
    <b>${r.job === 'rethink-export' ? 'Exported' : 'Imported'} ${r.rows} row${r.rows === 1 ? '' : 's'}</b>
    ${r.job === 'rethink-export' ? ' of ' : ' into '}<span class="mono">${r.db}.${r.table}</span> as ${(r.format || '').toUpperCase()}${r.bytes != null ? ` (${r.bytes} bytes)` : ''}
    ${r.failed ? html`<p class="field-error">${r.failed} row(s) failed</p>` : ''}</div>`;
  return html`<pre class="card mono">${JSON.stringify(r, null, 2)}</pre>`;
}
