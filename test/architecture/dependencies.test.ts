/**
 * Dependencies point one way (shared -> config/observability -> engine -> ingest/quality/analytics
 * -> pipeline -> api/cli), and a folder is entered only through its index.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/cli.js';

const src = path.join(projectRoot, 'src');

/** Which top-level folders each folder may import. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  shared: [],
  config: ['shared'],
  observability: ['shared', 'config'],
  engine: ['shared', 'config', 'observability'],
  generate: ['shared'],
  ingest: ['shared', 'engine'],
  quality: ['shared', 'engine'],
  analytics: ['shared', 'engine'],
  privacy: ['shared', 'engine'],
  stream: ['shared', 'config', 'observability', 'engine', 'quality'],
  pipeline: ['shared', 'config', 'observability', 'engine', 'ingest', 'quality', 'stream'],
  alerts: ['shared', 'config', 'observability', 'engine', 'analytics'],
  api: ['shared', 'config', 'observability', 'engine', 'ingest', 'quality', 'analytics', 'privacy', 'pipeline', 'alerts'],
  cli: ['shared', 'config', 'observability', 'engine', 'ingest', 'quality', 'analytics', 'privacy', 'pipeline', 'generate', 'api', 'stream', 'alerts'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const imports = sourceFiles(src).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => ({
    file: path.relative(src, file),
    target: path.relative(src, path.resolve(path.dirname(file), m[1]!)),
  }));
});

describe('source dependencies', () => {
  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(50);
  });

  it('point only from a layer to the layers below it', () => {
    const wrong = imports.filter(({ file, target }) => {
      const from = file.split(path.sep)[0]!;
      const to = target.split(path.sep)[0]!;
      return from !== to && !(ALLOWED[from] ?? []).includes(to);
    });
    expect(wrong.map((w) => `${w.file} -> ${w.target}`)).toEqual([]);
  });

  it('enter another folder only through its index', () => {
    const wrong = imports.filter(({ file, target }) => {
      const from = file.split(path.sep)[0];
      const parts = target.split(path.sep);
      return from !== parts[0] && !(parts.length === 2 && parts[1] === 'index.js');
    });
    expect(wrong.map((w) => `${w.file} -> ${w.target}`)).toEqual([]);
  });
});
