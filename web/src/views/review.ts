import { api, humanMessage, type Page } from '../api';
import { el } from '../dom';
import { when } from '../ui/form';
import { organisationList } from '../ui/lookups';
import { pagedTable } from '../ui/paged-table';
import type { CatalogCamera } from './catalog';

/** The reviewer's queue: integrators' cameras waiting for approval, oldest first. */
export function reviewView(openCamera: (id: string) => void): HTMLElement {
  const message = el('p', { class: 'error', role: 'alert' });
  const notice = el('p', { class: 'notice', role: 'status' });
  const orgNames = new Map<string, string>();
  const decide = async (camera: CatalogCamera, action: 'approve' | 'reject', reason: string) => {
    message.textContent = '';
    if (action === 'reject' && !reason) return void (message.textContent = 'Say why the camera is rejected: the integrator sees it.');
    try {
      await api('POST', `/api/cameras/${encodeURIComponent(camera.id)}/${action}`, reason ? { reason } : {});
      notice.textContent = `${camera.name} ${action === 'approve' ? 'approved' : 'rejected'}.`;
      await table.reload();
    } catch (err) {
      message.textContent = humanMessage(err);
    }
  };
  const table = pagedTable<CatalogCamera>({
    name: 'review',
    empty: 'Nothing waits for review',
    fetch: (limit, offset) => api<Page<CatalogCamera>>('GET', `/api/cameras?lifecycle=pending&sort=createdAt&limit=${limit}&offset=${offset}`),
    rowAttributes: (c) => ({ 'data-camera-id': c.id }),
    columns: [
      {
        title: 'Camera',
        cell: (c) => {
          const link = el('button', { type: 'button', class: 'link' }, c.name);
          link.addEventListener('click', () => openCamera(c.id));
          return link;
        },
      },
      { title: 'Organisation', cell: (c) => orgNames.get(c.organisationId) ?? '' },
      { title: 'Address', cell: (c) => c.address ?? '' },
      { title: 'Submitted', cell: (c) => when(c.createdAt) },
      {
        title: 'Decision',
        cell: (c) => {
          const reason = el('input', { 'aria-label': `Reason for ${c.name}`, placeholder: 'Reason (needed to reject)', maxlength: 500 });
          const approve = el('button', { type: 'button', 'data-action': 'approve' }, 'Approve');
          const reject = el('button', { type: 'button', class: 'danger', 'data-action': 'reject' }, 'Reject');
          approve.addEventListener('click', () => void decide(c, 'approve', reason.value.trim()));
          reject.addEventListener('click', () => void decide(c, 'reject', reason.value.trim()));
          return el('div', { class: 'row' }, reason, approve, reject);
        },
      },
    ],
  });
  void organisationList()
    .then((orgs) => orgs.forEach((o) => orgNames.set(o.id, o.name)))
    .finally(() => void table.reload(true));
  return el('main', { class: 'page wide', 'data-view': 'review' }, el('h2', {}, 'Review queue'), message, notice, table.element);
}

/** An integrator's own submissions: each camera's status and the reviewer's reason. */
export function submissionsView(openCamera: (id: string) => void): HTMLElement {
  const table = pagedTable<CatalogCamera>({
    name: 'submissions',
    empty: 'You have not registered any camera yet',
    fetch: (limit, offset) => api<Page<CatalogCamera>>('GET', `/api/cameras?submittedBy=me&sort=-createdAt&limit=${limit}&offset=${offset}`),
    rowAttributes: (c) => ({ 'data-camera-id': c.id, 'data-lifecycle': c.lifecycle }),
    onRowClick: (c) => openCamera(c.id),
    columns: [
      { title: 'Camera', cell: (c) => c.name },
      { title: 'Submitted', cell: (c) => when(c.createdAt) },
      { title: 'Status', cell: (c) => el('span', { class: `status status-${c.lifecycle}` }, c.lifecycle) },
      { title: "Reviewer's reason", cell: (c) => c.lifecycleReason ?? '' },
    ],
  });
  void table.reload(true);
  return el('main', { class: 'page wide', 'data-view': 'submissions' }, el('div', { class: 'row spread' }, el('h2', {}, 'My submissions'), el('a', { class: 'button', href: '#/onboarding/manual' }, 'Register a camera')), table.element);
}
