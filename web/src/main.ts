import { api, ApiError, humanMessage, setCsrfToken, type Session } from './api';
import { clear, el } from './dom';
import { auditView, transparencyView } from './views/admin/audit';
import { organisationsView } from './views/admin/organisations';
import { usersView } from './views/admin/users';
import { cameraDetailView } from './views/camera-detail';
import { catalogView } from './views/catalog';
import { dashboardView } from './views/dashboard';
import { loginView, passwordView } from './views/login';
import { onboardingView } from './views/onboarding';
import { useCsrf } from './views/onboarding/csv-import';
import { planEditor, plansView } from './views/plans';
import { reviewView, submissionsView } from './views/review';
import { wallView } from './views/wall-view';

const app = document.querySelector<HTMLElement>('#app')!;
let session: Session | null = null;
let stopCurrent: (() => void) | null = null;

const can = (permission: string) => session?.permissions.includes(permission) ?? false;
const isIntegrator = () => session?.user.role === 'integrator';
const openCamera = (id: string) => (location.hash = `#/cameras/${encodeURIComponent(id)}`);
useCsrf(() => session?.csrfToken ?? null);

/** Each screen, who may open it, and the link that leads there. */
const SCREENS: ReadonlyArray<{ key: string; label: string; allowed: () => boolean }> = [
  { key: 'dashboard', label: 'Dashboard', allowed: () => can('health:read') && !isIntegrator() },
  { key: 'walls', label: 'Patrol walls', allowed: () => can('patrol:read') },
  { key: 'catalog', label: 'Catalog', allowed: () => can('camera:read') },
  { key: 'submissions', label: 'My submissions', allowed: () => isIntegrator() },
  { key: 'onboarding', label: 'Add cameras', allowed: () => can('camera:create') || can('discovery:run') },
  { key: 'review', label: 'Review', allowed: () => can('camera:review') },
  { key: 'users', label: 'Users', allowed: () => can('user:manage') },
  { key: 'organisations', label: 'Organisations', allowed: () => can('organisation:write') },
  { key: 'audit', label: 'Audit log', allowed: () => can('audit:read') },
  // The owner's view: for an organisation's own people (and admins); the API refuses others.
  { key: 'transparency', label: 'Who watched', allowed: () => can('audit:views') && (isIntegrator() || can('audit:read')) },
];

/** Where a role lands after signing in. */
function home(): string {
  const role = session?.user.role;
  if (role === 'operator') return 'walls';
  if (role === 'integrator') return 'submissions';
  if (role === 'reviewer') return 'review';
  return 'dashboard';
}

/** Navigation shows what the role may use; the API refuses the rest anyway. */
function shell(content: HTMLElement): HTMLElement {
  const current = location.hash.replace(/^#\/?/, '').split('/')[0] || home();
  const links = SCREENS.filter((s) => s.allowed()).map((s) => el('a', { href: `#/${s.key}`, 'data-nav': s.key, class: s.key === current ? 'active' : '' }, s.label));
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

function forbidden(what = 'this screen'): HTMLElement {
  return el('main', { class: 'page' }, el('h2', {}, 'Not available'), el('p', { class: 'error', 'data-forbidden': true }, `Your role cannot open ${what}.`));
}

/** Shows a screen; screens with timers or players hand back how to stop them. */
function show(view: HTMLElement | { element: HTMLElement; stop: () => void }): void {
  if (view instanceof HTMLElement) app.append(shell(view));
  else {
    app.append(shell(view.element));
    stopCurrent = view.stop;
  }
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
  const screen = parts[0] ?? home();
  const arg = parts[1] ? decodeURIComponent(parts[1]) : null;
  const allowed = SCREENS.find((s) => s.key === screen)?.allowed() ?? true;
  try {
    if (screen === 'walls' && arg) {
      if (!can('patrol:read')) return show(forbidden('patrol walls'));
      const mount = el('div', { class: 'wall-mount' });
      app.append(mount);
      stopCurrent = await wallView(arg, mount);
    } else if (!allowed) {
      show(forbidden(screen === 'walls' ? 'patrol walls' : 'this screen'));
    } else if (screen === 'walls') {
      show(await plansView(can('patrol:write')));
    } else if (screen === 'plans' && can('patrol:write')) {
      show(await planEditor(arg && arg !== 'new' ? arg : null, () => (location.hash = '#/walls')));
    } else if (screen === 'dashboard') {
      show(dashboardView(openCamera));
    } else if (screen === 'cameras' && arg) {
      show(await cameraDetailView(arg, can, !isIntegrator()));
    } else if (screen === 'onboarding') {
      show(onboardingView(arg ?? '', can, !isIntegrator(), openCamera));
    } else if (screen === 'submissions') {
      show(submissionsView(openCamera));
    } else if (screen === 'review') {
      show(reviewView(openCamera));
    } else if (screen === 'users') {
      show(usersView());
    } else if (screen === 'organisations') {
      show(organisationsView());
    } else if (screen === 'audit') {
      show(auditView());
    } else if (screen === 'transparency') {
      show(transparencyView(arg));
    } else {
      show(catalogView(openCamera));
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
