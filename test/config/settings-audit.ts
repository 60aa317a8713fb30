/**
 * The settings Strata reads, found from the code itself: the variables of the two schemas
 * (src/config and src/api/api-settings.ts) and every STRATA_* variable read directly from the
 * environment anywhere in src/ (secrets and command inputs that stay out of the schemas).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { API_ENV_VARIABLES, apiSettingsSchema, loadApiSettings } from '../../src/api/index.js';
import { CONFIG_ENV_VARIABLES, configSchema, loadConfig } from '../../src/config/index.js';
import { projectRoot } from '../helpers/cli.js';

export interface SettingsSource {
  readonly name: string;
  readonly schema: z.ZodObject;
  readonly variables: Readonly<Record<string, string>>;
  load(env: NodeJS.ProcessEnv): unknown;
}

export const SETTINGS_SOURCES: readonly SettingsSource[] = [
  { name: 'src/config', schema: configSchema, variables: CONFIG_ENV_VARIABLES, load: (env) => loadConfig({}, env) },
  { name: 'src/api/api-settings.ts', schema: apiSettingsSchema, variables: API_ENV_VARIABLES, load: (env) => loadApiSettings({}, env) },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** STRATA_* variables read as `env['STRATA_X']`, `process.env['STRATA_X']` or `env.STRATA_X` in src/, with the files reading them. */
export function directEnvReads(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  for (const file of sourceFiles(path.join(projectRoot, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\benv(?:\[\s*['"`](STRATA_[A-Z0-9_]+)['"`]\s*\]|\.(STRATA_[A-Z0-9_]+))/g)) {
      const variable = match[1] ?? match[2] ?? '';
      reads.set(variable, [...(reads.get(variable) ?? []), path.relative(projectRoot, file)]);
    }
  }
  return reads;
}

/** Every variable a Strata process understands: both schemas plus the direct reads. */
export function knownVariables(): Set<string> {
  return new Set([...SETTINGS_SOURCES.flatMap((s) => Object.keys(s.variables)), ...directEnvReads().keys()]);
}

export type SettingKind = 'number' | 'enum' | 'boolean' | 'pattern' | 'json' | 'free-text';

interface ZodNode {
  readonly def: { readonly type: string; readonly innerType?: ZodNode; readonly out?: ZodNode; readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly format?: string } } }[] };
}

/** What kind of value a schema field takes (through default/optional/preprocess wrappers). */
export function settingKind(field: unknown): SettingKind {
  let node = field as ZodNode;
  for (let depth = 0; depth < 8; depth += 1) {
    const { type } = node.def;
    if ((type === 'default' || type === 'optional' || type === 'nullable') && node.def.innerType) node = node.def.innerType;
    else if (type === 'pipe' && node.def.out) node = node.def.out;
    else break;
  }
  const { type, checks = [] } = node.def;
  if (type === 'number') return 'number';
  if (type === 'enum') return 'enum';
  if (type === 'boolean') return 'boolean';
  if (type === 'record' || type === 'object' || type === 'array') return 'json';
  if (type === 'string') return checks.some((c) => c._zod.def.format === 'regex' || c._zod.def.check === 'custom') ? 'pattern' : 'free-text';
  throw new Error(`unknown setting type ${type}: teach settingKind about it`);
}

/** A value each kind must refuse. */
export const BAD_VALUE: Readonly<Record<Exclude<SettingKind, 'free-text'>, string>> = {
  number: 'twelve',
  enum: 'no-such-choice',
  boolean: 'yes please',
  pattern: 'has spaces and / slashes!',
  json: '{"shop": not json',
};
