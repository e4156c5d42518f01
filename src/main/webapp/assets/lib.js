// Shared UI helpers: Preact + htm, routing, toasts, dialogs, formatting.
import { h, render, Fragment } from 'preact';
import { useState, useEffect, useRef, useCallback, useMemo } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useCallback, useMemo };

// ---- routing (history API; the server answers every extension-less path with index.html)
const routeListeners = new Set();
export function navigate(path, replace = false) {
  if (path === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  routeListeners.forEach(f => f());
}
window.addEventListener('popstate', () => routeListeners.forEach(f => f()));
export function useLocation() {
  const [, set] = useState(0);
  useEffect(() => { const f = () => set(n => n + 1); routeListeners.add(f); return () => routeListeners.delete(f); }, []);
  return location.pathname;
}
/** Same-origin links navigate without a reload. */
document.addEventListener('click', e => {
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(api|proxy|sse|ws|openapi|health|metrics|webjars|_static|assets)(\/|$)/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

// ---- toasts (announced through an aria-live region)
const toastListeners = new Set();
let toastSeq = 0;
export let toasts = [];
export function toast(message, kind = 'info', ms = 6000) {
  const t = { id: ++toastSeq, message, kind };
  toasts = [...toasts, t].slice(-5);
  toastListeners.forEach(f => f());
  if (ms) setTimeout(() => dismissToast(t.id), ms);
}
export function dismissToast(id) { toasts = toasts.filter(t => t.id !== id); toastListeners.forEach(f => f()); }
export function Toasts() {
  const [, set] = useState(0);
  useEffect(() => { const f = () => set(n => n + 1); toastListeners.add(f); return () => toastListeners.delete(f); }, []);
  return html`<div class="toasts" role="status" aria-live="polite" aria-relevant="additions">
    ${toasts.map(t => html`<div class="toast ${t.kind}" key=${t.id} data-kind=${t.kind}>
      <span>${t.message}</span><button aria-label="Dismiss notification" onClick=${() => dismissToast(t.id)}>×</button></div>`)}
  </div>`;
}
export function errorText(e) {
  if (!e) return '';
  return e.code ? `${e.message} (${e.code})` : String(e.message || e);
}
export const toastError = (prefix, e) => toast(`${prefix}: ${errorText(e)}`, 'error', 10000);

// ---- modal dialog on <dialog>: focus is trapped by the browser, Esc closes
let dialogSeq = 0;
export function Modal({ open, onClose, title, children, wide }) {
  const ref = useRef();
  const id = useMemo(() => 'dlg' + (++dialogSeq), []);
  useEffect(() => {
    const d = ref.current;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} aria-labelledby=${id} onClose=${() => onClose && onClose()} style=${wide ? 'width:min(60rem,95vw)' : ''}>
    ${open && html`<div class="body"><h2 id=${id}>${title}</h2>${children}</div>`}
  </dialog>`;
}

/** A confirmation dialog: <Confirm open title message confirmLabel onConfirm onClose/> */
export function Confirm({ open, title, message, confirmLabel = 'Delete', onConfirm, onClose }) {
  return html`<${Modal} open=${open} title=${title} onClose=${onClose}>
    <p>${message}</p>
    <div class="actions">
      <button type="button" onClick=${onClose}>Cancel</button>
      <button type="button" class="danger solid" data-confirm onClick=${() => { onClose(); onConfirm(); }}>${confirmLabel}</button>
    </div>
  <//>`;
}

// ---- polling
export function useInterval(fn, ms) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!ms) return undefined;
    const t = setInterval(() => saved.current(), ms);
    return () => clearInterval(t);
  }, [ms]);
}

// ---- formatting
export function age(ts) {
  if (!ts) return '—';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(ts)) / 1000));
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm';
  if (s < 86400) return Math.floor(s / 3600) + 'h';
  return Math.floor(s / 86400) + 'd';
}
export function fmtTime(ts) { if (!ts) return '—'; const d = new Date(ts); return isNaN(d) ? String(ts) : d.toLocaleString(); }
export function Pill({ value }) { const v = String(value ?? 'unknown'); return html`<span class="pill ${v.toLowerCase()}" data-value=${v}>${v}</span>`; }
export function Progress({ value, status }) {
  const pct = Math.round(Math.max(0, Math.min(1, value || 0)) * 100);
  const cls = status === 'COMPLETED' ? 'done' : (status === 'FAILED' || status === 'STOPPED' || status === 'ABANDONED') ? 'bad' : '';
  return html`<div class="progress ${cls}" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct} aria-label="Progress ${pct}%"><span style="width:${pct}%"></span></div>`;
}
export function download(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
