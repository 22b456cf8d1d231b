import { api, ApiError } from '../api';

/**
 * Tokenised playlist addresses for the wall. Where the viewing policy asks for a reason, the
 * operator is asked once per wall session and the reason goes with every view that follows (each
 * view is audited with it on the server).
 */
export class StreamAddresses {
  #reason: string | null = null;
  #asking: Promise<string | null> | null = null;

  constructor(private readonly askReason: () => Promise<string | null>) {}

  async url(cameraId: string, profile: 'sub' | 'main'): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const query = new URLSearchParams({ profile, ...(this.#reason ? { reason: this.#reason } : {}) });
      try {
        return (await api<{ url: string }>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/stream?${query.toString()}`)).url;
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 'REASON_REQUIRED' || this.#reason) throw err;
        // Several tiles hit this at once: one question.
        this.#asking ??= this.askReason();
        const reason = await this.#asking;
        this.#asking = null;
        if (!reason) throw err;
        this.#reason = reason;
      }
    }
    throw new Error('unreachable');
  }

  get reason(): string | null {
    return this.#reason;
  }
}
