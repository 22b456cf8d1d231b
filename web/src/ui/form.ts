import { el } from '../dom';

/** A labelled field; the label names the control for screen readers and tests. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return el('label', { class: 'field' }, el('span', {}, label), control, hint ? el('small', { class: 'muted' }, hint) : null);
}

export function select(name: string, options: ReadonlyArray<readonly [value: string, label: string]>, selected = ''): HTMLSelectElement {
  const s = el('select', { name, 'aria-label': name }, ...options.map(([value, label]) => el('option', { value }, label)));
  s.value = selected;
  return s;
}

export function input(name: string, props: Record<string, string | number | boolean | undefined> = {}): HTMLInputElement {
  return el('input', { name, 'aria-label': name, ...props });
}

/** Local time of an ISO instant, to the minute. */
export function when(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}

/** "3 d 4 h", "12 min", "40 s". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

/** Parses "a, b" into trimmed non-empty parts. */
export function listOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Runs `action` once typing in `control` pauses (one request per pause, not per key). */
export function onTyping(control: HTMLElement, action: () => void, pauseMs = 250): void {
  let timer = 0;
  control.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, pauseMs);
  });
}
