import { describe, expect, it } from 'vitest';
import { canDelete, transition } from '../../gateway/src/domain/camera-lifecycle.js';

describe('camera lifecycle', () => {
  it.each([
    ['pending', 'approve', 'approved'],
    ['pending', 'reject', 'rejected'],
    ['rejected', 'resubmit', 'pending'],
    ['approved', 'retire', 'retired'],
    ['pending', 'retire', 'retired'],
    ['approved', 'approve', null],
    ['retired', 'retire', null],
    ['retired', 'approve', null],
    ['approved', 'reject', null],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    const result = transition(from, action);
    expect(result.ok ? result.to : null).toBe(to);
  });

  it('only lets non-approved cameras be deleted', () => {
    expect(canDelete('approved')).toBe(false);
    expect(canDelete('retired')).toBe(true);
    expect(canDelete('pending')).toBe(true);
  });
});
