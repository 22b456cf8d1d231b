import { api, ApiError, humanMessage, type Tier } from '../api';
import { clear, el } from '../dom';
import { field, input, select, when } from '../ui/form';
import { organisationList, regionOptions } from '../ui/lookups';
import { LivePlayer } from '../wall/player';
import { askReason } from '../wall/reason-dialog';
import { healthBadge, type CatalogCamera } from './catalog';

interface Profile {
  url: string;
  codec: string | null;
  width: number | null;
  height: number | null;
}

interface CameraDetail extends CatalogCamera {
  tier: Tier;
  tierOverride: { tier: Tier; expiresAt: string } | null;
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  latitude: number | null;
  longitude: number | null;
  description: string | null;
  source: string;
  profiles: { main: Profile | null; sub: Profile | null };
  hasCredentials: boolean;
}

interface CameraHealth {
  state: string;
  reason: string;
  since: string;
  lastCheckedAt: string | null;
  monitored: boolean;
  recent: Array<{ at: string; verdict: string; reason: string; steps: Array<{ step: string; ok: boolean; reason?: string; ms: number }> }>;
  transitions: Array<{ at: string; from: string; to: string; reason: string }>;
  openTicketId: string | null;
}

const TIER_OPTIONS: ReadonlyArray<readonly [string, string]> = [['key', 'Key'], ['attention', 'Attention'], ['general', 'General']];

/** "2026-11-27T15:00" in local time, for datetime-local inputs. */
function localInput(iso: string): string {
  const d = new Date(iso);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

/**
 * One camera: facts, snapshot and live preview (for roles that may watch), health history and
 * "check now", and the edits its role allows — tier (with a temporary raise until a time), region,
 * location, stream profiles — and retiring it.
 */
export async function cameraDetailView(id: string, can: (permission: string) => boolean, isStaff: boolean): Promise<{ element: HTMLElement; stop: () => void }> {
  const camera = await api<CameraDetail>('GET', `/api/cameras/${encodeURIComponent(id)}`);
  const [orgs, regions] = await Promise.all([organisationList(), regionOptions()]);
  const message = el('p', { class: 'error', role: 'alert' });
  const notice = el('p', { class: 'notice', role: 'status' });
  let player: LivePlayer | null = null;
  let reason: string | null = null;

  /** Runs an API call that needs the viewing reason, asking for it once on this page. */
  const withReason = async <T>(call: (reason: string | null) => Promise<T>): Promise<T> => {
    try {
      return await call(reason);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'REASON_REQUIRED' || reason) throw err;
      reason = await askReason('Continue', 'This camera may only be watched with a reason; it is recorded with the view.');
      if (!reason) throw err;
      return call(reason);
    }
  };

  // Picture: a snapshot, or the live sub stream.
  const picture = el('div', { class: 'picture' }, el('span', { class: 'muted' }, 'No picture yet'));
  const snapshotButton = el('button', { type: 'button', class: 'secondary', 'data-action': 'snapshot' }, 'Snapshot');
  const liveButton = el('button', { type: 'button', 'data-action': 'live' }, 'Live preview');
  snapshotButton.addEventListener('click', () => {
    message.textContent = '';
    snapshotButton.disabled = true;
    void withReason(async (r) => {
      const res = await fetch(`/api/cameras/${encodeURIComponent(id)}/snapshot${r ? `?reason=${encodeURIComponent(r)}` : ''}`, { credentials: 'same-origin' });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
        throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText, undefined);
      }
      return res.blob();
    })
      .then((blob) => {
        player?.destroy();
        player = null;
        const img = el('img', { alt: `Snapshot of ${camera.name}`, 'data-snapshot': true });
        img.src = URL.createObjectURL(blob);
        clear(picture);
        picture.append(img, el('div', { class: 'muted' }, `taken ${new Date().toLocaleTimeString()}`));
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)))
      .finally(() => (snapshotButton.disabled = false));
  });
  liveButton.addEventListener('click', () => {
    message.textContent = '';
    void withReason((r) => api<{ url: string }>('GET', `/api/cameras/${encodeURIComponent(id)}/stream?profile=sub${r ? `&reason=${encodeURIComponent(r)}` : ''}`))
      .then(({ url }) => {
        player?.destroy();
        const video = el('video', { muted: true, autoplay: true, playsinline: true, 'data-live': true });
        video.muted = true;
        clear(picture);
        picture.append(video);
        player = new LivePlayer(video, url, { bufferSeconds: 6, onFatal: (why) => (message.textContent = `Live preview stopped: ${why}`), onPlaying: () => (picture.dataset.playing = 'true') });
        player.start();
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)));
  });

  // Health history.
  const healthBox = el('div', { 'data-section': 'health' });
  const drawHealth = (h: CameraHealth) => {
    clear(healthBox);
    healthBox.append(
      el('p', {}, el('span', { class: `state state-${h.state}` }, h.state), ` ${h.reason} since ${when(h.since)}`, h.lastCheckedAt ? el('span', { class: 'muted' }, ` · last checked ${when(h.lastCheckedAt)}`) : null, h.openTicketId ? el('span', { class: 'muted' }, ' · repair ticket open') : null),
      el('h4', {}, 'State changes'),
      h.transitions.length === 0
        ? el('p', { class: 'muted' }, 'None recorded')
        : el('table', { class: 'list compact' }, el('thead', {}, el('tr', {}, ...['When', 'From', 'To', 'Reason'].map((t) => el('th', {}, t)))), el('tbody', {}, ...h.transitions.map((t) => el('tr', {}, el('td', {}, when(t.at)), el('td', {}, t.from), el('td', {}, t.to), el('td', {}, t.reason))))),
      el('h4', {}, 'Latest checks'),
      h.recent.length === 0
        ? el('p', { class: 'muted' }, 'No checks since Vigil started')
        : el('table', { class: 'list compact' }, el('tbody', {}, ...h.recent.map((c) => el('tr', {}, el('td', {}, when(c.at)), el('td', {}, c.verdict), el('td', {}, c.reason), el('td', { class: 'muted' }, c.steps.map((s) => `${s.step} ${s.ok ? 'ok' : (s.reason ?? 'failed')} ${s.ms} ms`).join(' · ')))))),
    );
  };
  const loadHealth = () =>
    api<CameraHealth>('GET', `/api/cameras/${encodeURIComponent(id)}/health`)
      .then(drawHealth)
      .catch((err: unknown) => healthBox.replaceChildren(el('p', { class: 'muted' }, humanMessage(err))));
  const checkButton = el('button', { type: 'button', class: 'secondary', 'data-action': 'check' }, 'Check now');
  checkButton.addEventListener('click', () => {
    checkButton.disabled = true;
    void api<{ health: CameraHealth }>('POST', `/api/cameras/${encodeURIComponent(id)}/health/check`)
      .then((r) => drawHealth(r.health))
      .catch((err: unknown) => (message.textContent = humanMessage(err)))
      .finally(() => (checkButton.disabled = false));
  });

  // Edit form: what the role may change.
  const name = input('Name', { value: camera.name, maxlength: 200 });
  const tier = select('Tier', TIER_OPTIONS, camera.tier);
  const raiseTier = select('Temporary tier', [['', 'No temporary tier'], ...TIER_OPTIONS], camera.tierOverride?.tier ?? '');
  const raiseUntil = input('Temporary tier until', { type: 'datetime-local', value: camera.tierOverride ? localInput(camera.tierOverride.expiresAt) : '' });
  const region = select('Region', regions.map((r) => [r.id, r.indented] as const), camera.regionId);
  const address = input('Address', { value: camera.address ?? '', maxlength: 500 });
  const latitude = input('Latitude', { value: camera.latitude ?? '', inputmode: 'decimal' });
  const longitude = input('Longitude', { value: camera.longitude ?? '', inputmode: 'decimal' });
  const mainUrl = input('Main stream', { value: camera.profiles.main?.url ?? '', placeholder: 'rtsp://host:554/path' });
  const subUrl = input('Sub stream', { value: camera.profiles.sub?.url ?? '', placeholder: 'rtsp://host:554/path (optional)' });
  const save = el('button', { type: 'submit' }, 'Save changes');
  const form = el(
    'form',
    { class: 'form', novalidate: true, 'data-form': 'camera-edit' },
    field('Name', name),
    isStaff ? field('Tier', tier) : null,
    isStaff ? el('div', { class: 'row' }, field('Temporary tier', raiseTier), field('Until', raiseUntil, 'e.g. for an event; it ends by itself')) : null,
    field('Region', region),
    field('Address', address),
    el('div', { class: 'row' }, field('Latitude', latitude), field('Longitude', longitude)),
    field('Main stream', mainUrl),
    field('Sub stream', subUrl),
    save,
  );
  /** The form's own checks, the same as the API's; null when the input is fine. */
  const problems = (): string | null => {
    if (!name.value.trim()) return 'A name is needed.';
    const lat = latitude.value.trim() === '' ? null : Number(latitude.value);
    const lon = longitude.value.trim() === '' ? null : Number(longitude.value);
    if (lat !== null && !(Number.isFinite(lat) && lat >= -90 && lat <= 90)) return 'Latitude must be between -90 and 90.';
    if (lon !== null && !(Number.isFinite(lon) && lon >= -180 && lon <= 180)) return 'Longitude must be between -180 and 180.';
    if ((lat === null) !== (lon === null)) return 'Give both latitude and longitude, or neither.';
    if (!/^rtsps?:\/\//i.test(mainUrl.value.trim())) return 'The main stream must be an rtsp:// address.';
    if (subUrl.value.trim() && !/^rtsps?:\/\//i.test(subUrl.value.trim())) return 'The sub stream must be an rtsp:// address.';
    if (isStaff && raiseTier.value) {
      const until = Date.parse(raiseUntil.value);
      if (!Number.isFinite(until) || until <= Date.now()) return 'The temporary tier needs an end time in the future.';
    }
    return null;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    notice.textContent = '';
    const problem = problems();
    if (problem) return void (message.textContent = problem);
    const body: Record<string, unknown> = {
      name: name.value.trim(),
      regionId: region.value,
      address: address.value.trim() || null,
      latitude: latitude.value.trim() === '' ? null : Number(latitude.value),
      longitude: longitude.value.trim() === '' ? null : Number(longitude.value),
    };
    const profiles: Record<string, unknown> = {};
    if (mainUrl.value.trim() !== (camera.profiles.main?.url ?? '')) profiles.main = { url: mainUrl.value.trim() };
    if (subUrl.value.trim() !== (camera.profiles.sub?.url ?? '')) profiles.sub = subUrl.value.trim() ? { url: subUrl.value.trim() } : null;
    if (Object.keys(profiles).length > 0) body.profiles = profiles;
    if (isStaff) {
      body.tier = tier.value;
      body.tierOverride = raiseTier.value ? { tier: raiseTier.value, expiresAt: new Date(raiseUntil.value).toISOString() } : null;
    }
    save.disabled = true;
    void api<CameraDetail>('PATCH', `/api/cameras/${encodeURIComponent(id)}`, body)
      .then((updated) => {
        Object.assign(camera, updated);
        notice.textContent = 'Saved.';
        drawFacts();
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)))
      .finally(() => (save.disabled = false));
  });

  // Lifecycle: review and retire.
  const lifecycleReason = input('Lifecycle reason', { placeholder: 'Reason (required to reject)', maxlength: 500 });
  const lifecycle = async (action: 'approve' | 'reject' | 'retire') => {
    message.textContent = '';
    if (action === 'reject' && !lifecycleReason.value.trim()) return void (message.textContent = 'Say why the camera is rejected: the integrator sees it.');
    try {
      const updated = await api<CameraDetail>('POST', `/api/cameras/${encodeURIComponent(id)}/${action}`, lifecycleReason.value.trim() ? { reason: lifecycleReason.value.trim() } : {});
      Object.assign(camera, updated);
      notice.textContent = `Camera ${updated.lifecycle}.`;
      drawFacts();
    } catch (err) {
      message.textContent = humanMessage(err);
    }
  };
  const lifecycleButtons = el('div', { class: 'row' });
  const facts = el('dl', { class: 'facts' });
  const title = el('h2', {});
  const orgName = (oid: string) => orgs.find((o) => o.id === oid)?.name ?? oid;
  const regionName = (rid: string) => regions.find((r) => r.id === rid)?.name ?? rid;
  function drawFacts(): void {
    title.replaceChildren(camera.name, ' ', el('span', { class: `tier tier-${camera.effectiveTier}` }, camera.effectiveTier), ' ', healthBadge(camera.health));
    const rows: Array<[string, string]> = [
      ['National code', camera.nationalCode],
      ['Organisation', orgName(camera.organisationId)],
      ['Region', regionName(camera.regionId)],
      ['Status', camera.lifecycleReason ? `${camera.lifecycle} (${camera.lifecycleReason})` : camera.lifecycle],
      ['Tier', camera.tierOverride ? `${camera.tier}; ${camera.tierOverride.tier} until ${when(camera.tierOverride.expiresAt)}` : camera.tier],
      ['Address', camera.address ?? ''],
      ['Location', camera.latitude !== null && camera.longitude !== null ? `${camera.latitude}, ${camera.longitude}` : ''],
      ['Device', [camera.manufacturer, camera.model, camera.serialNumber].filter(Boolean).join(' · ')],
      ['Main stream', camera.profiles.main ? `${camera.profiles.main.url} ${camera.profiles.main.codec ?? ''} ${camera.profiles.main.width ? `${camera.profiles.main.width}×${camera.profiles.main.height}` : ''}` : ''],
      ['Sub stream', camera.profiles.sub ? `${camera.profiles.sub.url} ${camera.profiles.sub.codec ?? ''}` : '—'],
      ['Credentials', camera.hasCredentials ? 'stored (never shown)' : 'none'],
      ['Source', camera.source],
    ];
    facts.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-fact': k }, v)]));
    lifecycleButtons.replaceChildren();
    const button = (action: 'approve' | 'reject' | 'retire', label: string, cls: string) => {
      const b = el('button', { type: 'button', class: cls, 'data-action': action }, label);
      b.addEventListener('click', () => void lifecycle(action));
      return b;
    };
    if (camera.lifecycle === 'pending' && can('camera:review')) lifecycleButtons.append(button('approve', 'Approve', ''), button('reject', 'Reject', 'danger'));
    if (camera.lifecycle !== 'retired' && can('camera:retire')) lifecycleButtons.append(button('retire', 'Retire', 'danger'));
    if (lifecycleButtons.childElementCount > 0) lifecycleButtons.prepend(lifecycleReason);
  }
  drawFacts();
  if (can('health:read')) void loadHealth();

  const element = el(
    'main',
    { class: 'page wide', 'data-view': 'camera', 'data-camera-id': id },
    el('p', {}, el('a', { href: '#/catalog' }, '‹ Catalog')),
    title,
    message,
    notice,
    el(
      'div',
      { class: 'grid2' },
      el('section', { class: 'panel' }, facts, lifecycleButtons),
      can('camera:view') ? el('section', { class: 'panel' }, el('div', { class: 'row' }, snapshotButton, liveButton), picture) : el('section', { class: 'panel muted' }, 'Your role does not watch video.'),
    ),
    can('health:read') ? el('section', { class: 'panel' }, el('div', { class: 'row spread' }, el('h3', {}, 'Health'), can('health:check') && camera.lifecycle === 'approved' ? checkButton : null), healthBox) : null,
    can('camera:update') ? el('section', { class: 'panel' }, el('h3', {}, 'Edit'), form) : null,
  );
  return { element, stop: () => player?.destroy() };
}
