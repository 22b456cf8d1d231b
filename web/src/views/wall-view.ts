import { api, type PatrolPlan } from '../api';
import { el } from '../dom';
import type { PlayerEngine } from '../wall/player';
import { askReason } from '../wall/reason-dialog';
import { Wall } from '../wall/wall';

const HELP = 'Space pause · → next page · 1–9 select · P pin · F focus · Esc close/back';

/** A wall playing a plan, full window, with its keyboard shortcuts. Returns a stop function. */
export async function wallView(planId: string, mount: HTMLElement): Promise<() => void> {
  const plan = await api<PatrolPlan>('GET', `/api/patrol-plans/${encodeURIComponent(planId)}`);
  const engine = new URLSearchParams(location.hash.split('?')[1] ?? '').get('player') as PlayerEngine | null;
  const wall = new Wall(plan, { engine: engine ?? undefined, askReason });
  const pause = el('button', { type: 'button', class: 'secondary' }, 'Pause');
  const next = el('button', { type: 'button', class: 'secondary' }, 'Next page');
  pause.addEventListener('click', () => {
    wall.togglePause();
    pause.textContent = wall.paused ? 'Resume' : 'Pause';
  });
  next.addEventListener('click', () => void wall.flipNow());
  const bar = el('div', { class: 'wall-bar' }, el('a', { href: '#/walls' }, '← Plans'), el('strong', {}, plan.name), wall.statusElement, pause, next, el('small', { class: 'muted' }, HELP));
  mount.append(el('div', { class: 'wall-page' }, bar, wall.root));
  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || document.querySelector('dialog[open]')) return;
    if (e.key === ' ') {
      e.preventDefault();
      pause.click();
    } else if (e.key === 'ArrowRight') void wall.flipNow();
    else if (/^[1-9]$/.test(e.key)) wall.select(Number(e.key) - 1);
    else if (e.key === 'p' || e.key === 'P') wall.togglePin();
    else if (e.key === 'f' || e.key === 'F' || e.key === 'Enter') void wall.focusTile();
    else if (e.key === 'Escape') {
      if (wall.focused) wall.closeFocus();
      else location.hash = '#/walls';
    }
  };
  document.addEventListener('keydown', onKey);
  await wall.start();
  return () => {
    document.removeEventListener('keydown', onKey);
    wall.stop();
  };
}
