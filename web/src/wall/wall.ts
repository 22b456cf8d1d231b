import { api, humanMessage, type PatrolPlan, type WallCamera, type WallPage } from '../api';
import { clear, el } from '../dom';
import { LivePlayer, type PlayerEngine } from './player';
import { StreamAddresses } from './stream-addresses';

const OWNER_LABEL = { government: 'Government', business: 'Business', residential: 'Residential' } as const;

interface Tile {
  readonly index: number;
  readonly root: HTMLElement;
  camera: WallCamera | null;
  player: LivePlayer | null;
  pinned: boolean;
  /** Fresh token tried after a failure: the next failure replaces the camera. */
  retried: boolean;
}

export interface WallOptions {
  readonly engine?: PlayerEngine | undefined;
  readonly askReason: () => Promise<string | null>;
}

/**
 * A patrol wall playing one plan: pages of cameras from the server (key cameras more often,
 * offline ones skipped), flipped every dwell period; the next page is fetched and its relays
 * prewarmed while the current one plays, so a flip shows video at once. A tile whose stream dies
 * is tried once more with a fresh address, then replaced by the next camera of the rotation.
 */
export class Wall {
  readonly root: HTMLElement;
  readonly #grid: HTMLElement;
  readonly #status: HTMLElement;
  readonly #tiles: Tile[] = [];
  readonly #streams: StreamAddresses;
  #cursor: string | undefined;
  #next: Promise<WallPage> | null = null;
  /** Cameras whose relays the last prewarm started: they have whole segments by the flip. */
  #prewarmed = new Set<string>();
  #timer: number | null = null;
  #paused = false;
  #selected = 0;
  #focus: { overlay: HTMLElement; player: LivePlayer } | null = null;
  #flips = 0;
  #stopped = false;
  #flipStartedAt = 0;

  constructor(
    readonly plan: PatrolPlan,
    private readonly options: WallOptions,
  ) {
    this.#streams = new StreamAddresses(options.askReason);
    const columns = Math.sqrt(plan.layout);
    this.#grid = el('div', { class: 'wall-grid', style: `--columns: ${columns}` });
    this.#status = el('span', { class: 'wall-status', 'aria-live': 'polite' });
    this.root = el('section', { class: 'wall', 'data-plan': plan.id, 'data-flips': 0, 'data-paused': 'false' }, this.#grid);
    for (let i = 0; i < plan.layout; i++) {
      const root = el('div', { class: 'tile', 'data-index': i, tabindex: 0 });
      const tile: Tile = { index: i, root, camera: null, player: null, pinned: false, retried: false };
      root.addEventListener('click', () => this.select(i));
      root.addEventListener('dblclick', () => void this.focusTile(i));
      this.#tiles.push(tile);
      this.#grid.append(root);
    }
  }

  get statusElement(): HTMLElement {
    return this.#status;
  }

  async start(): Promise<void> {
    await this.#flip();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) window.clearTimeout(this.#timer);
    this.closeFocus();
    for (const tile of this.#tiles) this.#release(tile);
  }

  togglePause(): void {
    this.#paused = !this.#paused;
    this.root.dataset.paused = String(this.#paused);
    if (!this.#paused) this.#schedule();
    else if (this.#timer !== null) window.clearTimeout(this.#timer);
    this.#say(this.#paused ? 'Paused' : 'Rotating');
  }

  get paused(): boolean {
    return this.#paused;
  }

  select(index: number): void {
    if (index < 0 || index >= this.#tiles.length) return;
    this.#selected = index;
    for (const t of this.#tiles) t.root.classList.toggle('selected', t.index === index);
  }

  togglePin(index = this.#selected): void {
    const tile = this.#tiles[index];
    if (!tile?.camera) return;
    tile.pinned = !tile.pinned;
    tile.root.classList.toggle('pinned', tile.pinned);
    tile.root.dataset.pinned = String(tile.pinned);
  }

  /** Flip now (→ key), without waiting for the dwell time. */
  async flipNow(): Promise<void> {
    if (this.#timer !== null) window.clearTimeout(this.#timer);
    await this.#flip();
  }

  /** The tile's camera large, on its main stream. */
  async focusTile(index = this.#selected): Promise<void> {
    const camera = this.#tiles[index]?.camera;
    if (!camera) return;
    this.closeFocus();
    const video = el('video', { muted: true, playsinline: true });
    const overlay = el(
      'div',
      { class: 'focus', 'data-camera-id': camera.id, role: 'dialog', 'aria-label': `${camera.name}, main stream` },
      video,
      el('div', { class: 'focus-label' }, camera.name, ' · main stream · ', el('kbd', {}, 'Esc'), ' to close'),
    );
    overlay.addEventListener('click', () => this.closeFocus());
    this.root.append(overlay);
    try {
      const url = await this.#streams.url(camera.id, 'main');
      const player = new LivePlayer(video, url, { bufferSeconds: 10, engine: this.options.engine, onFatal: (reason) => this.#say(`Focus: ${reason}`) });
      this.#focus = { overlay, player };
      player.start();
    } catch (err) {
      overlay.append(el('p', { class: 'error' }, humanMessage(err)));
      this.#focus = { overlay, player: new LivePlayer(video, '', { bufferSeconds: 1, onFatal: () => undefined }) };
    }
  }

  closeFocus(): void {
    if (!this.#focus) return;
    this.#focus.player.destroy();
    this.#focus.overlay.remove();
    this.#focus = null;
  }

  get focused(): boolean {
    return this.#focus !== null;
  }

  #fetchNext(exclude: readonly string[]): Promise<WallPage> {
    return api<WallPage>('POST', `/api/patrol-plans/${encodeURIComponent(this.plan.id)}/next`, { ...(this.#cursor && { cursor: this.#cursor }), exclude: [...exclude] });
  }

  async #flip(): Promise<void> {
    if (this.#stopped) return;
    const pinned = this.#tiles.filter((t) => t.pinned && t.camera).map((t) => t.camera!.id);
    let page: WallPage;
    try {
      page = await (this.#next ?? this.#fetchNext(pinned));
    } catch (err) {
      this.#next = null;
      this.#say(humanMessage(err));
      this.#schedule();
      return;
    }
    if (this.#stopped) return;
    this.#flipStartedAt = performance.now();
    this.#cursor = page.cursor;
    const cameras = page.cameras.filter((c) => !pinned.includes(c.id));
    for (const tile of this.#tiles) {
      if (tile.pinned && tile.camera) continue;
      this.#assign(tile, cameras.shift() ?? null);
    }
    this.#flips += 1;
    this.root.dataset.flips = String(this.#flips);
    this.#say(`Page ${this.#flips} · ${page.eligible} cameras in rotation`);
    // The page after this one: fetched and its relays started now, while this one plays.
    const next = this.#fetchNext(pinned);
    this.#next = next;
    next.then(
      (p) => {
        if (p.cameras.length === 0) return;
        void api<{ started: string[] }>('POST', '/api/streams/prewarm', { cameraIds: p.cameras.map((c) => c.id), profile: 'sub' }).then(
          (r) => (this.#prewarmed = new Set(r.started)),
          () => undefined,
        );
      },
      () => undefined,
    );
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== null) window.clearTimeout(this.#timer);
    if (this.#paused || this.#stopped) return;
    this.#timer = window.setTimeout(() => void this.#flip(), this.plan.dwellSeconds * 1000);
  }

  #release(tile: Tile): void {
    tile.player?.destroy();
    tile.player = null;
  }

  #assign(tile: Tile, camera: WallCamera | null): void {
    this.#release(tile);
    tile.camera = camera;
    tile.retried = false;
    tile.pinned = false;
    const root = tile.root;
    clear(root);
    root.classList.remove('pinned');
    root.dataset.pinned = 'false';
    if (!camera) {
      root.dataset.cameraId = '';
      root.dataset.state = 'empty';
      root.append(el('div', { class: 'tile-empty' }, 'No camera'));
      return;
    }
    root.dataset.cameraId = camera.id;
    root.dataset.tier = camera.tier;
    root.dataset.state = 'loading';
    delete root.dataset.playingAfterMs;
    delete root.dataset.replaced;
    delete root.dataset.failure;
    const video = el('video', { muted: true, playsinline: true });
    const status = el('span', { class: `dot ${camera.health.state}`, title: camera.health.state });
    root.append(
      video,
      el(
        'div',
        { class: 'tile-label' },
        status,
        el('span', { class: 'name' }, camera.name),
        el('span', { class: `tier tier-${camera.tier}` }, camera.tier),
        el('span', { class: 'owner' }, `${OWNER_LABEL[camera.ownerType]} · ${camera.organisationName}`),
      ),
    );
    void this.#play(tile, camera, video);
  }

  async #play(tile: Tile, camera: WallCamera, video: HTMLVideoElement): Promise<void> {
    let url: string;
    try {
      url = await this.#streams.url(camera.id, 'sub');
    } catch (err) {
      if (tile.camera !== camera) return;
      tile.root.dataset.state = 'error';
      tile.root.append(el('div', { class: 'tile-error' }, humanMessage(err)));
      this.#onDead(tile, camera, humanMessage(err));
      return;
    }
    if (tile.camera !== camera || this.#stopped) return;
    const flip = this.#flips;
    const player = new LivePlayer(video, url, {
      bufferSeconds: 4,
      // A prewarmed relay has whole segments by now; a cold one has only parts for a while.
      lowLatency: !this.#prewarmed.has(camera.id),
      engine: this.options.engine,
      onFatal: (reason) => this.#onDead(tile, camera, reason),
      onPlaying: () => {
        if (tile.camera !== camera) return;
        tile.root.dataset.state = 'playing';
        // How long after its page flipped this tile's picture moved (walls are judged on this).
        if (flip === this.#flips) tile.root.dataset.playingAfterMs = String(Math.round(performance.now() - this.#flipStartedAt));
      },
    });
    tile.player = player;
    player.start();
  }

  /** A dead stream: one more try with a fresh address, then the next camera takes the tile. */
  #onDead(tile: Tile, camera: WallCamera, reason: string): void {
    if (tile.camera !== camera || this.#stopped) return;
    tile.root.dataset.state = 'error';
    // Why, for whoever inspects the tile (and the e2e tests): the player's or the server's words.
    tile.root.dataset.failure = reason;
    if (!tile.retried) {
      tile.retried = true;
      const video = tile.root.querySelector('video');
      this.#release(tile);
      if (video) window.setTimeout(() => void (tile.camera === camera && this.#play(tile, camera, video)), 1000);
      return;
    }
    const onWall = this.#tiles.map((t) => t.camera?.id).filter((id): id is string => Boolean(id));
    api<WallPage>('POST', `/api/patrol-plans/${encodeURIComponent(this.plan.id)}/next`, { ...(this.#cursor && { cursor: this.#cursor }), count: 1, exclude: onWall }).then(
      (page) => {
        if (tile.camera !== camera || this.#stopped) return;
        this.#assign(tile, page.cameras[0] ?? null);
        tile.root.dataset.replaced = camera.id;
      },
      (err: unknown) => this.#say(humanMessage(err)),
    );
  }

  #say(text: string): void {
    this.#status.textContent = text;
  }
}
