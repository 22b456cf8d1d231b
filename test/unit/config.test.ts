import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/src/config/config.loader.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-config-'));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadConfig', () => {
  it('starts with no file at all: SQLite under ./data, port 8080, loopback', () => {
    const config = loadConfig({ env: {}, cwd: '/srv/vigil' });
    expect(config.server).toMatchObject({ port: 8080, host: '127.0.0.1' });
    expect(config.storage.dataDir).toBe('/srv/vigil/data');
    expect(config.storage.databaseFile).toBe('/srv/vigil/data/vigil.sqlite');
    expect(config.security.keyFile).toBe('/srv/vigil/data/secret.key');
    expect(config.source).toBe('defaults');
  });

  it('rejects an unknown key, naming the key and the file', () => {
    const p = file('typo.yaml', 'server:\n  prot: 9000\n');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir })).toThrow(`${p}: unknown key "server.prot"`);
  });

  it('rejects an unknown top-level section', () => {
    const p = file('section.yaml', 'srever:\n  port: 9000\n');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir })).toThrow('unknown key "srever"');
  });

  it('rejects a wrong type with the path of the field', () => {
    const p = file('type.yaml', 'server:\n  port: "eighty"\n');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir })).toThrow(/server\.port/);
  });

  it('reads a valid file and keeps defaults for the rest', () => {
    const p = file('ok.yaml', 'server:\n  port: 9001\ncatalog:\n  maxTierOverrideDays: 7\n');
    const config = loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir });
    expect(config.server.port).toBe(9001);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.catalog.maxTierOverrideDays).toBe(7);
    expect(config.catalog.nationalCode.typeCode).toBe('132');
    expect(config.source).toBe(p);
  });

  it('applies environment overrides over the file', () => {
    const p = file('env.yaml', 'server:\n  port: 9001\nstorage:\n  dataDir: /var/lib/a\n');
    const config = loadConfig({ env: { VIGIL_CONFIG: p, VIGIL_PORT: '9443', VIGIL_DATA_DIR: '/var/lib/b', VIGIL_SECRET_KEY: 'k' }, cwd: dir });
    expect(config.server.port).toBe(9443);
    expect(config.storage.dataDir).toBe('/var/lib/b');
    expect(config.secrets.encryptionKey).toBe('k');
  });

  it('names the variable when an override is invalid', () => {
    expect(() => loadConfig({ env: { VIGIL_PORT: 'http' }, cwd: dir })).toThrow('VIGIL_PORT');
    expect(() => loadConfig({ env: { VIGIL_PORT: '70000' }, cwd: dir })).toThrow(/VIGIL_PORT: server\.port/);
  });

  it('never takes secrets from the file', () => {
    const p = file('secret.yaml', 'secrets:\n  encryptionKey: abc\n');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir })).toThrow('unknown key "secrets"');
  });

  it('reports a missing file and bad YAML clearly', () => {
    expect(() => loadConfig({ env: { VIGIL_CONFIG: path.join(dir, 'nope.yaml') }, cwd: dir })).toThrow(/nope\.yaml: cannot read/);
    const p = file('bad.yaml', 'server: [port\n');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: p }, cwd: dir })).toThrow(/not valid YAML/);
  });

  it('is frozen after load', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('accepts the documented example file', () => {
    const example = path.resolve(import.meta.dirname, '../../config/vigil.example.yaml');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: example }, cwd: dir })).not.toThrow();
  });

  it("accepts the demo's file, which speeds up health checks", () => {
    const demo = path.resolve(import.meta.dirname, '../../config/demo.yaml');
    expect(loadConfig({ env: { VIGIL_CONFIG: demo }, cwd: dir }).health.intervalSeconds).toEqual({ key: 15, attention: 30, general: 60 });
  });
});
