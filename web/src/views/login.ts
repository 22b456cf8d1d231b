import { api, humanMessage, setCsrfToken, type Session } from '../api';
import { el } from '../dom';

/** Sign in (and the forced password change after a one-time password). */
export function loginView(onSignedIn: (session: Session) => void): HTMLElement {
  const error = el('p', { class: 'error', role: 'alert' });
  const username = el('input', { name: 'username', autocomplete: 'username', placeholder: 'Username', 'aria-label': 'Username', required: true });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', placeholder: 'Password', 'aria-label': 'Password', required: true });
  const form = el('form', { class: 'signin' }, el('h2', {}, 'Sign in to Vigil'), username, password, el('button', { type: 'submit' }, 'Sign in'), error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    api<Session>('POST', '/api/session', { username: username.value, password: password.value }).then(
      (session) => {
        setCsrfToken(session.csrfToken);
        onSignedIn(session);
      },
      (err: unknown) => {
        error.textContent = humanMessage(err);
      },
    );
  });
  return el('main', { class: 'center' }, form);
}

export function passwordView(onChanged: () => void): HTMLElement {
  const error = el('p', { class: 'error', role: 'alert' });
  const current = el('input', { type: 'password', autocomplete: 'current-password', placeholder: 'Current password', 'aria-label': 'Current password', required: true });
  const next = el('input', { type: 'password', autocomplete: 'new-password', placeholder: 'New password (10+ characters)', 'aria-label': 'New password', required: true, minlength: 10 });
  const form = el('form', { class: 'signin' }, el('h2', {}, 'Choose a new password'), current, next, el('button', { type: 'submit' }, 'Change password'), error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api('POST', '/api/session/password', { currentPassword: current.value, newPassword: next.value }).then(onChanged, (err: unknown) => {
      error.textContent = humanMessage(err);
    });
  });
  return el('main', { class: 'center' }, form);
}
