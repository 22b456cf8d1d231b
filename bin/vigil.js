#!/usr/bin/env node
// The `vigil` command: runs the compiled CLI when the gateway is built (dist/), else the
// TypeScript source through tsx (a development checkout).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist', 'cli', 'vigil.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'gateway', 'src', 'cli', 'vigil.ts')).href);
}
