import { el } from '../dom';

/** Asks for the viewing reason (once per wall session on walls); null if the user cancels. */
export function askReason(action = 'Start wall', explanation = 'These cameras may only be watched with a reason; it is recorded with each view of this wall session.'): Promise<string | null> {
  return new Promise((resolve) => {
    const input = el('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'e.g. incident 2026-1127-042', 'aria-label': 'Reason' });
    const form = el(
      'form',
      { class: 'dialog', method: 'dialog' },
      el('h2', {}, 'Reason for viewing'),
      el('p', { class: 'muted' }, explanation),
      input,
      el('div', { class: 'row' }, el('button', { type: 'submit' }, action), el('button', { type: 'button', class: 'secondary', 'data-cancel': true }, 'Cancel')),
    );
    const dialog = el('dialog', { class: 'reason-dialog' }, form);
    document.body.append(dialog);
    const done = (value: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = input.value.trim();
      if (value) done(value);
    });
    form.querySelector('[data-cancel]')?.addEventListener('click', () => done(null));
    dialog.showModal();
    input.focus();
  });
}
