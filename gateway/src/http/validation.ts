import { z } from 'zod';
import { VigilError } from '../domain/errors.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A trimmed single-line text field of bounded length, free of control characters. */
export function text(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');
}

export interface PageLimits {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

/** `limit` and `offset` query fields, bounded by the configured page sizes. */
export function pageFields(limits: PageLimits) {
  return {
    limit: z.coerce.number().int().min(1).max(limits.maxPageSize).default(limits.defaultPageSize),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  };
}

/** An id in a path; unknown ids are a 404 from the service, so only the shape is bounded here. */
export const idParams = z.strictObject({ id: z.string().min(1).max(64) });

function describe(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown field(s): ${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')}` };
  }
  return { path, message: issue.message };
}

/** Parses a request part, or throws VALIDATION_FAILED naming each bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, part: 'params' | 'query' | 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map(describe);
  const first = issues[0];
  const where = first?.path ? `${first.path}: ` : '';
  throw new VigilError('VALIDATION_FAILED', `invalid ${part}: ${where}${first?.message ?? 'invalid'}`, {
    part,
    issues,
  });
}
