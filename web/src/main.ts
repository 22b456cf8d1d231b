import { api, ApiError, humanMessage, setCsrfToken, type Session } from './api';
import { clear, el } from './dom';
import { catalogView } from './views/catalog';
import { loginView, passwordView } from './views/login';
import { planEditor, plansView } from './views/plans';
import { wallView } from './views/wall-view';

const app = document.querySelector<HTMLElement>('#app')!;
let session: Session | null = null;
let stopCurrent: (() => void) | null = null;

const can = (permission: string) => session?.permissions.includes(permission) ?? false;

/** Navigation shows what the role may use; the API refuses the rest anyway. */
function shell(content: HTMLElement): HTMLElement {
  const links = [
    can('patrol:read') ? el('a', { href: '#/walls', 'data-nav': 'walls' }, 'Patrol walls') : null,
    can('camera:read') ? el('a', { href: '#/catalog', 'data-nav': 'catalog' }, 'Catalog') : null,
  ];
  const signOut = el('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void api('DELETE', '/api/session').finally(() => {
      session = null;
      setCsrfToken(null);
      location.hash = '';
      void route();
    });
  });
  return el(
    'div',
    { class: 'shell' },
    el('header', {}, el('h1', {}, 'Vigil'), el('nav', {}, ...links), el('span', { class: 'who' }, `${session?.user.username} (${session?.user.role})`), signOut),
    content,
  );
}

function forbidden(): HTMLElement {
  return el('main', { class: 'page' }, el('h2', {}, 'Not available'), el('p', { class: 'error', 'data-forbidden': true }, 'Your role cannot open patrol walls.'));
}

async function route(): Promise<void> {
  stopCurrent?.();
  stopCurrent = null;
  clear(app);
  if (!session) {
    try {
      session = await api<Session>('GET', '/api/session');
      setCsrfToken(session.csrfToken);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) app.append(el('p', { class: 'error' }, humanMessage(err)));
      app.append(
        loginView((s) => {
          session = s;
          void route();
        }),
      );
      return;
    }
  }
  if (session.user.mustChangePassword) {
    app.append(
      passwordView(() => {
        session = null;
        void route();
      }),
    );
    return;
  }
  const hash = location.hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = hash.split('/').filter(Boolean);
  try {
    if (parts[0] === 'walls' && parts[1]) {
      if (!can('patrol:read')) return void app.append(shell(forbidden()));
      const mount = el('div', { class: 'wall-mount' });
      app.append(mount);
      stopCurrent = await wallView(decodeURIComponent(parts[1]), mount);
    } else if (parts[0] === 'walls' || (parts.length === 0 && can('patrol:read'))) {
      app.append(shell(can('patrol:read') ? await plansView(can('patrol:write')) : forbidden()));
    } else if (parts[0] === 'plans' && can('patrol:write')) {
      app.append(shell(await planEditor(parts[1] && parts[1] !== 'new' ? decodeURIComponent(parts[1]) : null, () => (location.hash = '#/walls'))));
    } else {
      app.append(shell(catalogView()));
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session = null;
      return route();
    }
    app.append(shell(el('main', { class: 'page' }, el('p', { class: 'error' }, humanMessage(err)))));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
