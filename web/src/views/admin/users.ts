import { api, humanMessage, type Page } from '../../api';
import { el } from '../../dom';
import { field, input, onTyping, select, when } from '../../ui/form';
import { fillPickers } from '../../ui/lookups';
import { pagedTable } from '../../ui/paged-table';

interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  organisationIds: string[];
  regionId: string | null;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
}

const ROLES: ReadonlyArray<readonly [string, string]> = [['operator', 'Operator'], ['technician', 'Technician'], ['integrator', 'Integrator'], ['reviewer', 'Reviewer'], ['admin', 'Admin']];
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** Users, roles and scopes (admins): a paged list, a form to add or change one. */
export function usersView(): HTMLElement {
  const q = input('Find user', { type: 'search', placeholder: 'Username or name' });
  const message = el('p', { class: 'error', role: 'alert' });
  const notice = el('p', { class: 'notice', role: 'status' });
  const orgNames = new Map<string, string>();
  const regionNames = new Map<string, string>();
  let editing: User | null = null;

  const username = input('Username', { maxlength: 64, autocomplete: 'off' });
  const displayName = input('Display name', { maxlength: 200 });
  const role = select('Role', ROLES, 'operator');
  const organisations = el('select', { multiple: true, size: 6, 'aria-label': 'Organisations' });
  const region = select('Region scope', [['', 'No region']]);
  const disabled = el('input', { type: 'checkbox', 'aria-label': 'Disabled' });
  const save = el('button', { type: 'submit' }, 'Create user');
  const reset = el('button', { type: 'button', class: 'secondary' }, 'New user');
  const formTitle = el('h3', {}, 'New user');

  const table = pagedTable<User>({
    name: 'users',
    fetch: (limit, offset) => api<Page<User>>('GET', `/api/users?limit=${limit}&offset=${offset}${q.value.trim() ? `&q=${encodeURIComponent(q.value.trim())}` : ''}`),
    rowAttributes: (u) => ({ 'data-username': u.username }),
    onRowClick: (u) => edit(u),
    columns: [
      { title: 'Username', cell: (u) => u.username },
      { title: 'Name', cell: (u) => u.displayName ?? '' },
      { title: 'Role', cell: (u) => u.role },
      { title: 'Scope', cell: (u) => [...u.organisationIds.map((id) => orgNames.get(id) ?? id), u.regionId ? `region ${regionNames.get(u.regionId) ?? u.regionId}` : ''].filter(Boolean).join(', ') || (u.role === 'admin' || u.role === 'reviewer' ? 'everything' : 'nothing') },
      { title: 'State', cell: (u) => (u.disabled ? 'disabled' : u.mustChangePassword ? 'must change password' : 'active') },
      { title: 'Created', cell: (u) => when(u.createdAt) },
    ],
  });

  function edit(u: User | null): void {
    editing = u;
    message.textContent = '';
    username.value = u?.username ?? '';
    username.disabled = u !== null;
    displayName.value = u?.displayName ?? '';
    role.value = u?.role ?? 'operator';
    for (const option of organisations.options) option.selected = u?.organisationIds.includes(option.value) ?? false;
    region.value = u?.regionId ?? '';
    disabled.checked = u?.disabled ?? false;
    save.textContent = u ? 'Save user' : 'Create user';
    formTitle.textContent = u ? `Edit ${u.username}` : 'New user';
  }
  reset.addEventListener('click', () => edit(null));

  const form = el(
    'form',
    { class: 'form', novalidate: true, 'data-form': 'user' },
    formTitle,
    field('Username', username),
    field('Display name', displayName),
    field('Role', role),
    field('Organisations', organisations, 'whose cameras the user covers (Ctrl-click for several)'),
    field('Region scope', region),
    el('label', { class: 'row' }, disabled, 'Disabled (cannot sign in)'),
    el('div', { class: 'row' }, save, reset),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    notice.textContent = '';
    if (!editing && !USERNAME.test(username.value)) return void (message.textContent = 'Username: lower-case letters, digits, ".", "_" and "-", 2 to 64 characters.');
    const scope = { organisationIds: [...organisations.selectedOptions].map((o) => o.value), regionId: region.value || null };
    if (role.value === 'integrator' && scope.organisationIds.length !== 1) return void (message.textContent = 'An integrator belongs to exactly one organisation.');
    const call = editing
      ? api<User>('PATCH', `/api/users/${editing.id}`, { displayName: displayName.value.trim() || null, role: role.value, disabled: disabled.checked, ...scope }).then((u) => `Saved ${u.username}.`)
      : api<{ user: User; oneTimePassword: string | null }>('POST', '/api/users', { username: username.value, displayName: displayName.value.trim() || null, role: role.value, ...scope }).then(
          (r) => `Created ${r.user.username}. One-time password (shown once): ${r.oneTimePassword ?? ''}`,
        );
    void call
      .then((text) => {
        notice.textContent = text;
        edit(null);
        return table.reload();
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)));
  });

  void fillPickers({ organisations: [organisations], regions: [region], organisationNames: orgNames, regionNames }).finally(() => void table.reload(true));
  onTyping(q, () => void table.reload(true));
  return el('main', { class: 'page wide', 'data-view': 'users' }, el('h2', {}, 'Users'), el('div', { class: 'row' }, q), el('div', { class: 'grid2' }, table.element, el('section', { class: 'panel' }, form, message, notice)));
}
