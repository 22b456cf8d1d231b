// The catalog screen: reads the public catalog API and renders it. No framework until the
// command-centre app (walls, dashboard) needs one.
const PAGE_SIZE = 50;
const state = { offset: 0, total: 0, csrf: null };
const organisations = new Map();
const regions = new Map();

const $ = (selector) => document.querySelector(selector);

/** Builds an element; text goes in through textContent, never innerHTML. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

/** Calls the API with the session cookie; state-changing calls carry the CSRF token. */
async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) {
    const err = new Error(`${data?.error?.message ?? res.status}`);
    err.code = data?.error?.code;
    err.status = res.status;
    throw err;
  }
  return data;
}

const getJson = (path) => api('GET', path);

function showError(err) {
  const box = $('#error');
  box.hidden = false;
  box.textContent = String(err.message ?? err);
}

async function loadReferenceData() {
  const [orgs, tree] = await Promise.all([getJson('/api/organisations?limit=500'), getJson('/api/regions/tree')]);
  for (const org of orgs.items) organisations.set(org.id, org);
  const select = document.querySelector('select[name=regionId]');
  const walk = (nodes, depth) => {
    for (const node of nodes) {
      regions.set(node.id, node);
      select.append(el('option', { value: node.id }, `${'  '.repeat(depth)}${node.name}`));
      walk(node.children, depth + 1);
    }
  };
  walk(tree.items, 0);
}

async function loadSummary() {
  const count = async (query) => (await getJson(`/api/cameras?limit=1&${query}`)).total;
  const figures = [
    ['Cameras', await count('')],
    ['Approved', await count('lifecycle=approved')],
    ['Pending review', await count('lifecycle=pending')],
    ['Key tier', await count('tier=key')],
    ['Government', await count('ownerType=government')],
    ['Business', await count('ownerType=business')],
    ['Residential', await count('ownerType=residential')],
  ];
  $('#summary').replaceChildren(...figures.map(([label, n]) => el('div', { class: 'card' }, el('div', { class: 'n' }, n), el('div', { class: 'l' }, label))));
}

function cameraRow(camera) {
  const tier = el('span', { class: `tier ${camera.effectiveTier}` }, camera.effectiveTier);
  const tierCell = el('td', {}, tier);
  if (camera.tierOverride) tierCell.append(el('span', { class: 'raised', title: `until ${camera.tierOverride.expiresAt}` }, `(base ${camera.tier})`));
  return el(
    'tr',
    {},
    el('td', { class: 'code' }, camera.nationalCode),
    el('td', {}, camera.name),
    tierCell,
    el('td', {}, organisations.get(camera.organisationId)?.name ?? '—'),
    el('td', {}, regions.get(camera.regionId)?.name ?? '—'),
    el('td', {}, camera.lifecycle),
    el('td', { class: 'url' }, camera.profiles.main?.url ?? '—'),
  );
}

async function loadCameras() {
  const form = new FormData($('#filters'));
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset) });
  for (const [key, value] of form) if (value) query.set(key, String(value));
  const page = await getJson(`/api/cameras?${query}`);
  state.total = page.total;
  $('#cameras tbody').replaceChildren(...page.items.map(cameraRow));
  const last = Math.min(state.offset + PAGE_SIZE, page.total);
  $('#page').textContent = page.total === 0 ? 'No cameras' : `${state.offset + 1}–${last} of ${page.total}`;
  $('#prev').disabled = state.offset === 0;
  $('#next').disabled = last >= page.total;
}

async function loadHealth() {
  const res = await fetch('/readyz');
  const pill = $('#health');
  pill.textContent = res.ok ? 'ready' : 'not ready';
  pill.classList.toggle('ok', res.ok);
}

let debounce;
$('#filters').addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    state.offset = 0;
    loadCameras().catch(showError);
  }, 200);
});
$('#prev').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  loadCameras().catch(showError);
});
$('#next').addEventListener('click', () => {
  state.offset += PAGE_SIZE;
  loadCameras().catch(showError);
});

function showSignIn(mustChangePassword) {
  $('#catalog').hidden = true;
  $('#signin').hidden = false;
  $('#login-form').hidden = mustChangePassword;
  $('#password-form').hidden = !mustChangePassword;
}

function showCatalog(session) {
  $('#signin').hidden = true;
  $('#catalog').hidden = false;
  $('#who').hidden = false;
  $('#who').textContent = `${session.user.username} · ${session.user.role}`;
  $('#logout').hidden = false;
  Promise.all([loadReferenceData(), loadSummary(), loadHealth()])
    .then(loadCameras)
    .catch(showError);
}

function enter(session) {
  state.csrf = session.csrfToken;
  if (session.user.mustChangePassword) showSignIn(true);
  else showCatalog(session);
}

$('#login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  api('POST', '/api/session', { username: form.get('username'), password: form.get('password') })
    .then(enter)
    .catch((err) => {
      $('#login-error').textContent = err.code === 'LOGIN_THROTTLED' ? 'Too many attempts; wait a while and try again.' : 'Wrong username or password.';
    });
});

$('#password-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  api('PUT', '/api/session/password', { currentPassword: form.get('currentPassword'), newPassword: form.get('newPassword') })
    .then(() => api('GET', '/api/session'))
    .then(enter)
    .catch((err) => {
      $('#password-error').textContent = err.message;
    });
});

$('#logout').addEventListener('click', () => {
  api('DELETE', '/api/session').finally(() => window.location.reload());
});

api('GET', '/api/session')
  .then(enter)
  .catch(() => showSignIn(false));
