/** What a password must be: long enough to resist guessing, short enough to hash quickly. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function passwordProblem(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN) return `a password needs at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `a password may have at most ${PASSWORD_MAX} characters`;
  if (password.toLowerCase().includes(username.toLowerCase()) && username.length >= 3) return 'a password must not contain the username';
  return null;
}
