/**
 * The CLI's way to a running gateway: VIGIL_URL (default http://127.0.0.1:8080) and an API token
 * in VIGIL_TOKEN (create one with POST /api/tokens). Tokens and passwords come from the
 * environment, never from arguments, which every user of the machine can read.
 */
export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv): ApiClient {
    const token = env.VIGIL_TOKEN;
    if (!token) throw new Error('set VIGIL_TOKEN to an API token (POST /api/tokens) to talk to the gateway');
    return new ApiClient((env.VIGIL_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, ''), token);
  }

  async request<T>(method: string, path: string, body?: { json: unknown } | { csv: string }): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'text/csv';
      payload = body.csv;
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(payload !== undefined && { body: payload }), signal: AbortSignal.timeout(300_000) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

/** The API's error, for a one-line message. */
export function apiError(body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return error ? `${error.code}: ${error.message}` : JSON.stringify(body);
}
