import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configFileSchema, type Config } from './config.schema.js';

/** A configuration that cannot be used; the message names the file or variable and the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Environment variables that override a setting; the only place Vigil reads process.env. */
const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: readonly string[]; type: 'number' | 'string' }> = [
  { env: 'VIGIL_PORT', path: ['server', 'port'], type: 'number' },
  { env: 'VIGIL_HOST', path: ['server', 'host'], type: 'string' },
  { env: 'VIGIL_HTTPS_PORT', path: ['server', 'https', 'port'], type: 'number' },
  { env: 'VIGIL_DATA_DIR', path: ['storage', 'dataDir'], type: 'string' },
  { env: 'VIGIL_LOG_LEVEL', path: ['logging', 'level'], type: 'string' },
  { env: 'VIGIL_FFMPEG_PATH', path: ['media', 'ffmpegPath'], type: 'string' },
];

export interface LoadOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Settings laid over the file's (tests and tools), as the file would write them. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** Copies `source` into `target`, object by object. */
function mergeInto(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) mergeInto(current, value);
    else target[key] = isPlainObject(value) ? structuredClone(value) : value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    // YAML 1.2 core schema: no custom tags, no "yes"/"no" booleans.
    doc = parseYaml(text, { schema: 'core', maxAliasCount: 50 });
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new ConfigError(`${file}: the top level must be a mapping`);
  return doc;
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function describeIssue(issue: z.core.$ZodIssue, file: string, envFor: Map<string, string>): string {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${at ? `${at}.${k}` : k}"`).join(', ');
    return `${file}: unknown key ${keys}`;
  }
  const env = envFor.get(at);
  return `${env ?? file}: ${at || '(top level)'}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Loads the effective configuration: the YAML file named by VIGIL_CONFIG (none by default),
 * then the environment overrides, validated strictly and frozen.
 *
 * @throws ConfigError naming the file or variable and the offending key
 */
export function loadConfig(options: LoadOptions): Config {
  const { env, cwd } = options;
  const configPath = env.VIGIL_CONFIG;
  const file = configPath ? path.resolve(cwd, configPath) : null;
  const raw = file ? readFile(file) : {};
  if (options.overrides) mergeInto(raw, options.overrides);

  const envFor = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const value = env[override.env];
    if (value === undefined || value === '') continue;
    let parsed: unknown = value;
    if (override.type === 'number') {
      parsed = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isNaN(parsed)) throw new ConfigError(`${override.env}: must be a whole number, got "${value}"`);
    }
    setPath(raw, override.path, parsed);
    envFor.set(override.path.join('.'), override.env);
  }

  const result = configFileSchema.safeParse(raw);
  if (!result.success) {
    const label = file ?? 'configuration';
    throw new ConfigError(result.error.issues.map((i) => describeIssue(i, label, envFor)).join('; '));
  }
  const settings = result.data;
  if (settings.catalog.defaultPageSize > settings.catalog.maxPageSize) {
    throw new ConfigError(`${file ?? 'configuration'}: catalog.defaultPageSize must not exceed catalog.maxPageSize`);
  }

  const dataDir = path.resolve(cwd, settings.storage.dataDir);
  const keyFile = settings.security.keyFile ? path.resolve(cwd, settings.security.keyFile) : path.join(dataDir, 'secret.key');
  const config: Config = {
    ...settings,
    storage: { ...settings.storage, dataDir, databaseFile: path.join(dataDir, 'vigil.sqlite') },
    security: { ...settings.security, keyFile },
    secrets: { encryptionKey: env.VIGIL_SECRET_KEY ?? null, adminPassword: env.VIGIL_ADMIN_PASSWORD || null },
    source: file ?? 'defaults',
  };
  return deepFreeze(config);
}
