import { api, humanMessage, type Page } from '../../api';
import { el } from '../../dom';
import { field, input, onTyping, when } from '../../ui/form';
import { organisationList } from '../../ui/lookups';
import { pagedTable } from '../../ui/paged-table';

interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  details: unknown;
}

interface ViewRow {
  id: string;
  cameraId: string;
  cameraName: string | null;
  username: string;
  reason: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** The audit log (admins), newest first, with filters; the chain can be verified from here. */
export function auditView(): HTMLElement {
  const actor = input('Actor', { placeholder: 'username' });
  const action = input('Action', { placeholder: 'e.g. camera.approved' });
  const objectId = input('Object id');
  const from = input('From', { type: 'datetime-local' });
  const to = input('To', { type: 'datetime-local' });
  const verify = el('button', { type: 'button', class: 'secondary' }, 'Verify chain');
  const verdict = el('span', { 'data-chain': true });
  const table = pagedTable<AuditEvent>({
    name: 'audit',
    csvName: 'vigil-audit.csv',
    fetch: (limit, offset) => {
      const p = new URLSearchParams({ limit: String(limit), offset: String(offset) });
      if (actor.value.trim()) p.set('actor', actor.value.trim());
      if (action.value.trim()) p.set('action', action.value.trim());
      if (objectId.value.trim()) p.set('objectId', objectId.value.trim());
      if (from.value) p.set('from', new Date(from.value).toISOString());
      if (to.value) p.set('to', new Date(to.value).toISOString());
      return api<Page<AuditEvent>>('GET', `/api/audit?${p.toString()}`);
    },
    rowAttributes: (e) => ({ 'data-action': e.action }),
    columns: [
      { title: 'When', cell: (e) => when(e.at), csv: (e) => e.at },
      { title: 'Who', cell: (e) => e.actor },
      { title: 'Action', cell: (e) => e.action },
      { title: 'Object', cell: (e) => `${e.objectType} ${e.objectId ?? ''}` },
      { title: 'Details', cell: (e) => el('code', {}, e.details ? JSON.stringify(e.details) : ''), csv: (e) => (e.details ? JSON.stringify(e.details) : '') },
    ],
  });
  for (const control of [actor, action, objectId, from, to]) onTyping(control, () => void table.reload(true), 300);
  verify.addEventListener('click', () => {
    void api<{ intact: boolean; checked: number; firstBreak: { id: number; problem: string } | null }>('GET', '/api/audit/verify')
      .then((r) => (verdict.textContent = r.intact ? `Intact: ${r.checked} records checked.` : `BROKEN at record ${r.firstBreak?.id}: ${r.firstBreak?.problem}`))
      .catch((err: unknown) => (verdict.textContent = humanMessage(err)));
  });
  void table.reload(true);
  return el('main', { class: 'page wide', 'data-view': 'audit' }, el('h2', {}, 'Audit log'), el('div', { class: 'row filters' }, field('Actor', actor), field('Action', action), field('Object id', objectId), field('From', from), field('To', to)), el('div', { class: 'row' }, verify, verdict), table.element);
}

/** An owner's transparency view: who watched our cameras, when, and why. */
export function transparencyView(organisationId: string | null): HTMLElement {
  const picker = el('select', { 'aria-label': 'Organisation' });
  const holder = el('div');
  const message = el('p', { class: 'error', role: 'alert' });
  const show = (id: string) => {
    const table = pagedTable<ViewRow>({
      name: 'views',
      csvName: 'vigil-views.csv',
      empty: 'Nobody has watched these cameras',
      fetch: (limit, offset) => api<Page<ViewRow>>('GET', `/api/organisations/${encodeURIComponent(id)}/views?limit=${limit}&offset=${offset}`),
      columns: [
        { title: 'Camera', cell: (v) => v.cameraName ?? v.cameraId },
        { title: 'Who', cell: (v) => v.username },
        { title: 'Why', cell: (v) => v.reason ?? '' },
        { title: 'From', cell: (v) => when(v.startedAt), csv: (v) => v.startedAt },
        { title: 'Until', cell: (v) => (v.endedAt ? when(v.endedAt) : 'watching'), csv: (v) => v.endedAt },
      ],
    });
    holder.replaceChildren(table.element);
    void table.reload(true);
  };
  void organisationList()
    .then((orgs) => {
      picker.append(...orgs.map((o) => el('option', { value: o.id }, o.name)));
      const first = organisationId ?? orgs[0]?.id;
      if (first) {
        picker.value = first;
        show(first);
      } else message.textContent = 'You belong to no organisation.';
    })
    .catch((err: unknown) => (message.textContent = humanMessage(err)));
  picker.addEventListener('change', () => show(picker.value));
  return el('main', { class: 'page wide', 'data-view': 'transparency' }, el('h2', {}, 'Who watched our cameras'), el('p', { class: 'muted' }, 'Every live view and snapshot of your cameras, with the reason given.'), el('div', { class: 'row' }, field('Organisation', picker)), message, holder);
}
