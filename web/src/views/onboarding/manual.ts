import { api, humanMessage } from '../../api';
import { el } from '../../dom';
import { field, input, select } from '../../ui/form';
import { fillPickers } from '../../ui/lookups';

interface ProbeResult {
  url: string;
  reachable: boolean;
  authOk: boolean | null;
  ok: boolean;
  reason: string | null;
  message: string | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  ms: number;
}

const RTSP = /^rtsps?:\/\/[^\s/]+/i;

/**
 * Register one camera by its RTSP address: probe first (reachable, login accepted, codec and
 * size), then save. Staff choose the organisation and tier; an integrator's camera is their
 * organisation's and waits for review.
 */
export function manualPanel(isStaff: boolean, done: (cameraId: string) => void): HTMLElement {
  const name = input('Camera name', { maxlength: 200, placeholder: 'Gate 3 north' });
  const mainUrl = input('Main stream address', { placeholder: 'rtsp://192.0.2.10:554/main' });
  const subUrl = input('Sub stream address', { placeholder: 'rtsp://192.0.2.10:554/sub (optional)' });
  const username = input('Camera username', { autocomplete: 'off' });
  const password = input('Camera password', { type: 'password', autocomplete: 'new-password' });
  const organisation = select('Organisation', [['', 'Organisation…']]);
  const region = select('Region', [['', 'Region…']]);
  const tier = select('Tier', [['general', 'General'], ['attention', 'Attention'], ['key', 'Key']], 'general');
  const address = input('Street address', { maxlength: 500 });
  const probeButton = el('button', { type: 'button', class: 'secondary', 'data-action': 'probe' }, 'Probe stream');
  const save = el('button', { type: 'submit', disabled: true }, 'Register camera');
  const probeBox = el('div', { 'data-probe': true, class: 'muted' }, 'Probe the stream before saving.');
  const message = el('p', { class: 'error', role: 'alert' });
  let probed: string | null = null;

  void fillPickers({ organisations: [organisation], regions: [region] });
  const credentials = () => (username.value.trim() ? { username: username.value.trim(), password: password.value } : null);
  const fingerprint = () => JSON.stringify([mainUrl.value.trim(), username.value.trim(), password.value]);
  // Editing the address or login after a probe asks for a new probe.
  for (const control of [mainUrl, username, password]) control.addEventListener('input', () => (save.disabled = probed !== fingerprint()));

  probeButton.addEventListener('click', () => {
    message.textContent = '';
    if (!RTSP.test(mainUrl.value.trim())) return void (message.textContent = 'The main stream must be an rtsp:// or rtsps:// address.');
    probeButton.disabled = true;
    probeBox.textContent = 'Probing…';
    void api<ProbeResult>('POST', '/api/cameras/probe', { url: mainUrl.value.trim(), credentials: credentials() })
      .then((r) => {
        probeBox.dataset.ok = String(r.ok);
        probeBox.className = r.ok ? 'ok' : 'error';
        probeBox.textContent = r.ok
          ? `Stream answers: ${r.codec ?? 'unknown codec'}${r.width ? ` ${r.width}×${r.height}` : ''}, login ${r.authOk === null ? 'not needed' : 'accepted'} (${r.ms} ms).`
          : `Probe failed: ${r.reason ?? 'error'}${r.message ? ` — ${r.message}` : ''}. You can still save; health checks will report it.`;
        probed = fingerprint();
        save.disabled = false;
      })
      .catch((err: unknown) => {
        probeBox.textContent = '';
        message.textContent = humanMessage(err);
      })
      .finally(() => (probeButton.disabled = false));
  });

  const form = el(
    'form',
    { class: 'form', novalidate: true, 'data-form': 'manual' },
    field('Camera name', name),
    field('Main stream address', mainUrl, 'without the password: give it below, it is stored encrypted'),
    field('Sub stream address', subUrl),
    el('div', { class: 'row' }, field('Camera username', username), field('Camera password', password)),
    el('div', { class: 'row' }, probeButton),
    probeBox,
    isStaff ? field('Organisation', organisation) : null,
    field('Region', region),
    isStaff ? field('Tier', tier) : null,
    field('Street address', address),
    message,
    save,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    if (!name.value.trim()) return void (message.textContent = 'A name is needed.');
    if (subUrl.value.trim() && !RTSP.test(subUrl.value.trim())) return void (message.textContent = 'The sub stream must be an rtsp:// address.');
    if (isStaff && !organisation.value) return void (message.textContent = 'Choose the organisation that owns the camera.');
    if (!region.value) return void (message.textContent = 'Choose the region the camera is in.');
    const body: Record<string, unknown> = {
      name: name.value.trim(),
      regionId: region.value,
      address: address.value.trim() || null,
      profiles: { main: { url: mainUrl.value.trim() }, ...(subUrl.value.trim() ? { sub: { url: subUrl.value.trim() } } : {}) },
      credentials: credentials(),
    };
    if (isStaff) Object.assign(body, { organisationId: organisation.value, tier: tier.value, source: 'rtsp' });
    save.disabled = true;
    void api<{ id: string }>('POST', '/api/cameras', body)
      .then((camera) => done(camera.id))
      .catch((err: unknown) => {
        save.disabled = false;
        message.textContent = humanMessage(err);
      });
  });
  return el('section', { class: 'panel', 'data-panel': 'manual' }, el('h3', {}, 'Register a camera by its RTSP address'), form);
}
