/** Reading the files under deploy/ for the static checks: YAML documents, file lists, env variables. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../helpers/cli.js';

export const DEPLOY_DIR = path.join(projectRoot, 'deploy');
export const deployPath = (...parts: string[]): string => path.join(DEPLOY_DIR, ...parts);

/**
 * Settings and commands that other branches add while this one is written. The coordinator removes
 * each entry once the branch that adds it is merged (the tests then find them in the schemas).
 */
export const ADDED_BY_PENDING_BRANCHES = {
  settings: {
  } as Readonly<Record<string, string>>,
  commands: {
  } as Readonly<Record<string, string>>,
  metrics: {
  } as Readonly<Record<string, string>>,
};

/** Every file under `dir` (relative to deploy/), recursively, sorted. */
export function deployFiles(dir = ''): string[] {
  return readdirSync(deployPath(dir), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      return entry.isDirectory() ? deployFiles(relative) : [relative];
    })
    .sort();
}

/** Parses every YAML document of a file; any error or warning (duplicate keys, bad indentation) throws. */
export function readYaml(relative: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(deployPath(relative), 'utf8'), { uniqueKeys: true, prettyErrors: true, merge: true });
  if (!Array.isArray(docs)) throw new Error(`${relative}: empty YAML stream`);
  return docs.map((doc) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length) throw new Error(`${relative}: ${problems.map((p) => p.message).join('; ')}`);
    return doc.toJS({ maxAliasCount: 100 });
  });
}

export function readOneYaml<T = Record<string, unknown>>(relative: string): T {
  const docs = readYaml(relative);
  if (docs.length !== 1) throw new Error(`${relative}: expected one YAML document, found ${docs.length}`);
  return docs[0] as T;
}

export const readText = (relative: string): string => readFileSync(deployPath(relative), 'utf8');

export const STRATA_VARIABLE = /^STRATA_[A-Z0-9_]+$/;
/** Names whose values must never be literals in a committed file. */
export const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE)/;

/** A URL with a password written into it (`scheme://user:pass@host`), unless the password is a `${VAR}` interpolation. */
export function hasLiteralCredentials(value: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:([^@\s]+)@/i.exec(value);
  return match !== null && !/^\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}$/.test(match[1] ?? '');
}
