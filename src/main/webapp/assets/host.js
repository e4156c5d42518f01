// Fills the status page from /api/ui-config.
const res = await fetch('/api/ui-config', { credentials: 'same-origin' });
if (res.ok) {
  const cfg = await res.json();
  document.getElementById('name').textContent = cfg.name;
  document.getElementById('version').textContent = cfg.version;
  document.getElementById('auth').textContent = cfg.auth_mode;
}
