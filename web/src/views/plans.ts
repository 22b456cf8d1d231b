import { api, humanMessage, type Page, type PatrolPlan, type Tier } from '../api';
import { el } from '../dom';

const TIERS: Tier[] = ['key', 'attention', 'general'];
const TIER_LABEL: Record<Tier, string> = { key: 'Key', attention: 'Attention', general: 'General' };

/** The saved, shared patrol plans: open a wall, edit or delete a plan. */
export async function plansView(canWrite: boolean): Promise<HTMLElement> {
  const page = await api<Page<PatrolPlan>>('GET', '/api/patrol-plans?limit=100');
  const rows = page.items.map((p) =>
    el(
      'tr',
      { 'data-plan': p.id },
      el('td', {}, el('a', { href: `#/walls/${p.id}`, class: 'open-wall' }, p.name)),
      el('td', {}, `${p.layout} tiles`),
      el('td', {}, `${p.dwellSeconds} s`),
      el('td', {}, TIERS.filter((t) => p.weights[t] > 0).map((t) => `${TIER_LABEL[t]} ×${p.weights[t]}`).join(', ')),
      el('td', {}, p.createdBy),
      el('td', {}, canWrite ? el('a', { href: `#/plans/${p.id}` }, 'Edit') : ''),
    ),
  );
  return el(
    'main',
    { class: 'page' },
    el('div', { class: 'row spread' }, el('h2', {}, 'Patrol walls'), canWrite ? el('a', { href: '#/plans/new', class: 'button' }, 'New plan') : ''),
    page.items.length === 0
      ? el('p', { class: 'muted' }, 'No patrol plans yet.')
      : el('table', { class: 'list' }, el('thead', {}, el('tr', {}, ...['Plan', 'Layout', 'Dwell', 'Tiers (weight)', 'By', ''].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows)),
  );
}

interface Named {
  id: string;
  name: string;
}

/** Create or edit a plan. Checks what the API checks, and shows the API's answer if it disagrees. */
export async function planEditor(planId: string | null, onSaved: () => void): Promise<HTMLElement> {
  const [plan, regions, organisations] = await Promise.all([
    planId ? api<PatrolPlan>('GET', `/api/patrol-plans/${encodeURIComponent(planId)}`) : Promise.resolve(null),
    api<{ items: Array<Named & { path: string }> }>('GET', '/api/regions'),
    api<Page<Named>>('GET', '/api/organisations?limit=500'),
  ]);
  const error = el('p', { class: 'error', role: 'alert' });
  const name = el('input', { name: 'name', required: true, maxlength: 100, value: plan?.name ?? '', 'aria-label': 'Name' });
  const layout = el('select', { name: 'layout', 'aria-label': 'Layout' }, ...[1, 4, 9, 16, 25].map((n) => el('option', { value: n, selected: (plan?.layout ?? 9) === n }, `${n} tiles`)));
  const dwell = el('input', { name: 'dwellSeconds', type: 'number', min: 5, max: 3600, required: true, value: plan?.dwellSeconds ?? 20, 'aria-label': 'Dwell seconds' });
  const weights = Object.fromEntries(
    TIERS.map((t) => [t, el('input', { name: `weight-${t}`, type: 'number', min: 0, max: 100, required: true, value: plan?.weights[t] ?? { key: 6, attention: 3, general: 1 }[t], 'aria-label': `${TIER_LABEL[t]} weight` })]),
  ) as Record<Tier, HTMLInputElement>;
  const multi = (label: string, items: Named[], chosen: string[]) =>
    el('select', { multiple: true, size: Math.min(8, Math.max(3, items.length)), 'aria-label': label }, ...items.map((i) => el('option', { value: i.id, selected: chosen.includes(i.id) }, i.name)));
  const regionSelect = multi('Regions', regions.items, plan?.regionIds ?? []);
  const orgSelect = multi('Organisations', organisations.items, plan?.organisationIds ?? []);
  const field = (label: string, input: HTMLElement, hint?: string) => el('label', { class: 'field' }, el('span', {}, label), input, hint ? el('small', { class: 'muted' }, hint) : null);
  const form = el(
    'form',
    // The app checks as the API does and says why in words; the browser's own bubbles would pre-empt that.
    { class: 'form', novalidate: true },
    el('h2', {}, plan ? `Edit “${plan.name}”` : 'New patrol plan'),
    field('Name', name),
    field('Layout', layout),
    field('Dwell time (seconds per page)', dwell),
    el('fieldset', {}, el('legend', {}, 'Tiers and weights'), el('small', { class: 'muted' }, 'How often each tier comes round; 0 leaves it out.'), ...TIERS.map((t) => field(TIER_LABEL[t], weights[t]))),
    field('Regions', regionSelect, 'None chosen: anywhere in your scope.'),
    field('Organisations', orgSelect, 'None chosen: every organisation.'),
    el('div', { class: 'row' }, el('button', { type: 'submit' }, 'Save plan'), plan ? el('button', { type: 'button', class: 'danger', 'data-delete': true }, 'Delete') : null, el('a', { href: '#/walls' }, 'Cancel')),
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const w = Object.fromEntries(TIERS.map((t) => [t, Number(weights[t].value)])) as Record<Tier, number>;
    const body = {
      name: name.value.trim(),
      layout: Number(layout.value),
      dwellSeconds: Number(dwell.value),
      weights: w,
      regionIds: [...regionSelect.selectedOptions].map((o) => o.value),
      organisationIds: [...orgSelect.selectedOptions].map((o) => o.value),
    };
    const problem =
      body.name.length === 0 ? 'A plan needs a name.' : !Number.isInteger(body.dwellSeconds) || body.dwellSeconds < 5 || body.dwellSeconds > 3600 ? 'Dwell time is 5 to 3600 seconds.' : TIERS.some((t) => !Number.isInteger(w[t]) || w[t] < 0 || w[t] > 100) ? 'Weights are whole numbers from 0 to 100.' : TIERS.every((t) => w[t] === 0) ? 'At least one tier needs a weight above 0.' : null;
    if (problem) {
      error.textContent = problem;
      return;
    }
    const saving = plan ? api('PUT', `/api/patrol-plans/${encodeURIComponent(plan.id)}`, body) : api('POST', '/api/patrol-plans', body);
    saving.then(onSaved, (err: unknown) => {
      error.textContent = humanMessage(err);
    });
  });
  form.querySelector('[data-delete]')?.addEventListener('click', () => {
    if (plan && confirm(`Delete the plan “${plan.name}”?`)) api('DELETE', `/api/patrol-plans/${encodeURIComponent(plan.id)}`).then(onSaved, (err: unknown) => (error.textContent = humanMessage(err)));
  });
  return el('main', { class: 'page' }, form);
}
