/**
 * deploy/Dockerfile, checked without a Docker engine: linted by dockerfile-utils (the linter behind
 * the VS Code Docker extension) with its strict settings, then parsed to assert what the image must
 * be: multi-stage, dev dependencies only in the build stage, a non-root user, a health check on
 * /health, `strata serve` as the default command, and no secrets baked in.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, ModifiableInstruction, PropertyInstruction, type Instruction } from 'dockerfile-ast';
import { ValidationSeverity, validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/cli.js';
import { knownVariables } from '../config/settings-audit.js';
import { ADDED_BY_PENDING_BRANCHES, SECRET_NAME, STRATA_VARIABLE, readText } from './deploy-files.js';

const text = readText('Dockerfile');
const dockerfile = DockerfileParser.parse(text);
const froms = dockerfile.getFROMs();
const instructions = dockerfile.getInstructions();

/** Instructions of the stage that starts at FROM number `index`. */
function stage(index: number): Instruction[] {
  const start = froms[index]?.getRange().start.line ?? 0;
  const end = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  return instructions.filter((i) => i.getRange().start.line > start && i.getRange().start.line < end);
}
const runtime = stage(froms.length - 1);
const args = (i: Instruction): string[] => i.getArguments().map((a) => a.getValue());
const jsonArgs = (i: Instruction): unknown => JSON.parse(i.getArgumentsContent() ?? 'null');
const named = (list: Instruction[], keyword: string): Instruction[] => list.filter((i) => i.getKeyword() === keyword);
/** The value of a `--name=value` flag (COPY --from, ...). */
const flag = (i: Instruction, name: string): string | null => (i instanceof ModifiableInstruction ? (i.getFlags().find((f) => f.getName() === name)?.getValue() ?? null) : null);

/** NAME=value pairs of ENV and ARG instructions. */
function properties(list: Instruction[]): Array<{ name: string; value: string | null }> {
  return list.flatMap((i) => (i instanceof PropertyInstruction ? i.getProperties().map((p) => ({ name: p.getName(), value: p.getValue() })) : []));
}

describe('deploy/Dockerfile', () => {
  it('passes the linter with every rule at error level', () => {
    const strict = ValidationSeverity.ERROR;
    const diagnostics = validate(text, {
      deprecatedMaintainer: strict,
      directiveCasing: strict,
      emptyContinuationLine: strict,
      instructionCasing: strict,
      instructionCmdMultiple: strict,
      instructionEntrypointMultiple: strict,
      instructionHealthcheckMultiple: strict,
      instructionJSONInSingleQuotes: strict,
      instructionWorkdirRelative: strict,
    });
    expect(diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage: build with dev dependencies, production dependencies apart, a runtime stage copying both', () => {
    expect(froms.map((f) => f.getBuildStage())).toEqual(['build', 'prod-deps', 'runtime']);
    for (const from of froms) expect(from.getImageName()).toBe('${NODE_IMAGE}');
    expect(properties(instructions.slice(0, 1))).toEqual([{ name: 'NODE_IMAGE', value: expect.stringMatching(/^node:20-/) }]);
    const runs = (i: number): string => named(stage(i), 'RUN').map((r) => r.getArgumentsContent()).join('\n');
    expect(runs(0)).toMatch(/\bnpm ci\b(?!.*--omit=dev)/);
    expect(runs(0)).toMatch(/\bnpm run build\b/);
    expect(runs(1)).toMatch(/\bnpm ci --omit=dev\b/);
    expect(runs(2)).not.toMatch(/\bnpm (ci|install)\b/);
    const copiesFrom = named(runtime, 'COPY').map((c) => [flag(c, 'from'), args(c).filter((a) => !a.startsWith('--'))[0]]);
    expect(copiesFrom).toContainEqual(['prod-deps', '/app/node_modules']);
    expect(copiesFrom).toContainEqual(['build', '/app/dist']);
    expect(copiesFrom).toContainEqual(['build', '/app/web/dist']);
    expect(copiesFrom.filter(([from, src]) => from === 'build' && src?.includes('node_modules'))).toEqual([]);
  });

  it('copies only paths that exist in the repository, and the runtime gets what `strata serve` reads', () => {
    for (const copy of named(instructions, 'COPY')) {
      if (flag(copy, 'from') !== null) continue;
      const sources = args(copy).filter((a) => !a.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(existsSync(path.join(projectRoot, source)), `COPY ${source}`).toBe(true);
    }
    const runtimeTargets = named(runtime, 'COPY').map((c) => args(c).at(-1));
    // bin/strata.js loads dist/; the API serves web/dist; the pipeline reads models/; --demo reads demo/.
    expect(runtimeTargets).toEqual(expect.arrayContaining(['./node_modules', './dist', './web/dist', './bin', './models', './demo', './']));
  });

  it('runs as the non-root node user, with /data as the only writable volume', () => {
    const users = named(runtime, 'USER').map((u) => args(u)[0]);
    expect(users.at(-1)).toBe('node');
    const lastUser = named(runtime, 'USER').at(-1)?.getRange().start.line ?? 0;
    expect(runtime.filter((i) => i.getRange().start.line > lastUser && i.getKeyword() === 'RUN')).toEqual([]);
    expect(named(runtime, 'VOLUME').map((v) => jsonArgs(v))).toEqual([['/data']]);
    expect(properties(runtime)).toContainEqual({ name: 'STRATA_DATA_DIR', value: '/data' });
  });

  it('checks /health on the port it exposes and starts `strata serve`', () => {
    const env = Object.fromEntries(properties(runtime).map((p) => [p.name, p.value]));
    expect(env['STRATA_API_HOST']).toBe('0.0.0.0');
    expect(named(runtime, 'EXPOSE').map((e) => args(e)[0])).toEqual([env['STRATA_API_PORT']]);
    const [healthcheck] = named(runtime, 'HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const command = healthcheck?.getArgumentsContent() ?? '';
    expect(command).toMatch(/^CMD \[/);
    const argv = JSON.parse(command.slice(4)) as string[];
    expect(argv.slice(0, 2)).toEqual(['node', '-e']);
    expect(argv[2]).toContain("/health'");
    expect(argv[2]).toContain('process.env.STRATA_API_PORT || 8080');
    expect(named(runtime, 'ENTRYPOINT').map(jsonArgs)).toEqual([['node', 'bin/strata.js']]);
    expect(named(runtime, 'CMD').map(jsonArgs)).toEqual([['serve']]);
  });

  it('bakes in no secret and sets only real Strata settings', () => {
    const known = knownVariables();
    for (const { name, value } of properties(instructions)) {
      expect(name, `${name} looks like a secret`).not.toMatch(SECRET_NAME);
      if (STRATA_VARIABLE.test(name)) expect(known.has(name) || name in ADDED_BY_PENDING_BRANCHES.settings, `${name} is not a Strata setting`).toBe(true);
      expect(value ?? '').not.toMatch(/:\/\/[^/\s]*:[^@\s]+@/);
    }
  });

  it('has a .dockerignore beside it that keeps local state and secrets out of the build context', () => {
    const ignore = readText('Dockerfile.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', 'data', '.git', '.env', '**/.env', '**/*.duckdb']));
    // Nothing the Dockerfile copies from the context is ignored.
    for (const copy of named(instructions, 'COPY')) {
      if (flag(copy, 'from') !== null) continue;
      for (const source of args(copy).filter((a) => !a.startsWith('--')).slice(0, -1)) expect(ignore, source).not.toContain(source);
    }
    expect(readFileSync(path.join(projectRoot, '.gitignore'), 'utf8')).toMatch(/^data\/$/m);
  });
});
