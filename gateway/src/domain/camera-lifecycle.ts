/**
 * A camera's place in the review process (DESIGN.md §2). Only approved cameras count toward the
 * online rate and appear on walls; retired ones are kept for history.
 */
export const LIFECYCLES = ['pending', 'approved', 'rejected', 'retired'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

export type LifecycleAction = 'approve' | 'reject' | 'retire' | 'resubmit';

const TRANSITIONS: Record<LifecycleAction, { from: readonly Lifecycle[]; to: Lifecycle }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  retire: { from: ['approved', 'pending', 'rejected'], to: 'retired' },
  // A rejected camera whose owner fixed it goes back into the queue.
  resubmit: { from: ['rejected'], to: 'pending' },
};

export type TransitionResult = { ok: true; to: Lifecycle } | { ok: false; reason: string };

/** Where `action` takes a camera that is `from`, or why it cannot. */
export function transition(from: Lifecycle, action: LifecycleAction): TransitionResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) return { ok: false, reason: `cannot ${action} a camera that is ${from}` };
  return { ok: true, to: rule.to };
}

/**
 * Hard deletion is for mistakes: an approved camera has history (health, views) and must be
 * retired first.
 */
export function canDelete(lifecycle: Lifecycle): boolean {
  return lifecycle !== 'approved';
}
