/**
 * deploy/k8s, checked without a cluster: every object validated against the Kubernetes OpenAPI
 * schemas (kubernetes-models, generated from the Kubernetes release's own OpenAPI document), then
 * cross-checked: probes on paths the API serves and a port that matches the settings, autoscalers
 * and disruption budgets that select the Deployments, resources and a locked-down securityContext
 * on every container, only real Strata settings, and secrets only by reference.
 */
import { describe, expect, it } from 'vitest';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { knownVariables } from '../config/settings-audit.js';
import { ADDED_BY_PENDING_BRANCHES, SECRET_NAME, STRATA_VARIABLE, deployFiles, hasLiteralCredentials, readOneYaml, readYaml } from './deploy-files.js';

interface Validating {
  validate(): void;
}
type ModelClass = new (data: never) => Validating;

/** The kinds the manifests may use, each with the model that validates it. */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
};

interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  readonly body: Record<string, unknown>;
}

const files = deployFiles('k8s').filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'));
const manifests: Manifest[] = files.flatMap((file) =>
  readYaml(file).map((doc) => {
    const body = doc as Record<string, unknown> & Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>;
    return { file, apiVersion: body.apiVersion, kind: body.kind, metadata: body.metadata, body };
  }),
);
const ofKind = <T>(kind: string): T[] => manifests.filter((m) => m.kind === kind).map((m) => m.body as T);
const deployments = ofKind<IDeployment>('Deployment');
const deployment = (name: string): IDeployment => {
  const found = deployments.find((d) => d.metadata?.name === name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return found;
};
const containers = (d: IDeployment): IContainer[] => d.spec?.template.spec?.containers ?? [];
const configMap = ofKind<IConfigMap>('ConfigMap').find((c) => c.metadata?.name === 'strata-config');

describe('deploy/k8s', () => {
  it('validates every object against the Kubernetes schemas', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const manifest of manifests) {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.file}: ${manifest.apiVersion} ${manifest.kind} is not an expected kind`).toBeDefined();
      expect(() => new (Model as ModelClass)(manifest.body as never).validate(), manifest.file).not.toThrow();
    }
    // The validator does reject a broken object (so a pass means something).
    const broken = { metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'http' }] }] } } } };
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort must be integer/);
  });

  it('lists every manifest in the kustomization, in one namespace, with no Secret objects', () => {
    const kustomization = readOneYaml<{ namespace: string; resources: string[] }>('k8s/kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.map((f) => f.replace(/^k8s\//, '')).sort());
    for (const m of manifests) if (m.kind !== 'Namespace') expect(m.metadata.namespace, m.file).toBe(kustomization.namespace);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  it('has Deployments for the API (`strata serve`) and the workers (`strata worker`) on one image', () => {
    const [api] = containers(deployment('strata-api'));
    const [worker] = containers(deployment('strata-worker'));
    expect(api?.args).toEqual(['serve']);
    expect(worker?.args).toEqual(['worker']);
    expect(worker?.image).toBe(api?.image);
  });

  it('probes liveness at /health and readiness at /ready on the port the API listens on', () => {
    const api = deployment('strata-api');
    const [container] = containers(api);
    const port = Number(configMap?.data?.['STRATA_API_PORT']);
    expect(port).toBe(8080);
    expect(configMap?.data?.['STRATA_API_HOST']).toBe('0.0.0.0');
    const named = container?.ports?.find((p) => p.name === 'http');
    expect(named?.containerPort).toBe(port);
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container?.startupProbe?.httpGet?.path).toBe('/health');
    expect(api.spec?.template.metadata?.annotations?.['prometheus.io/port']).toBe(String(port));
    expect(api.spec?.template.metadata?.annotations?.['prometheus.io/path']).toBe('/metrics');
    const service = ofKind<IService>('Service').find((s) => s.metadata?.name === 'strata-api');
    expect(service?.spec?.ports?.map((p) => p.targetPort)).toEqual(['http']);
    expect(service?.spec?.selector).toEqual(api.spec?.selector.matchLabels);
  });

  it('scales the Deployments with autoscalers and protects them with disruption budgets that select their pods', () => {
    for (const d of deployments) {
      const name = d.metadata?.name;
      const labels = d.spec?.template.metadata?.labels ?? {};
      const hpa = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef.name === name);
      expect(hpa?.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa?.spec?.minReplicas ?? 1).toBeLessThanOrEqual(hpa?.spec?.maxReplicas ?? 0);
      expect(hpa?.spec?.metrics?.length).toBeGreaterThan(0);
      const pdb = ofKind<IPodDisruptionBudget>('PodDisruptionBudget').find((p) => Object.entries(p.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
      expect(pdb, `${name} has no PodDisruptionBudget`).toBeDefined();
      expect(Object.entries(d.spec?.selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v)).toBe(true);
    }
    // The API keeps one pod through a voluntary disruption and never drops below two replicas by scaling.
    expect(ofKind<IPodDisruptionBudget>('PodDisruptionBudget').find((p) => p.metadata?.name === 'strata-api')?.spec?.minAvailable).toBe(1);
    expect(ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').find((h) => h.metadata?.name === 'strata-api')?.spec?.minReplicas).toBe(2);
  });

  it('gives every container requests, limits and a locked-down securityContext', () => {
    for (const d of deployments) {
      const pod = d.spec?.template.spec;
      expect(pod?.securityContext?.runAsNonRoot).toBe(true);
      // The image's `node` user (uid 1000 in the official Node.js images).
      expect(pod?.securityContext?.runAsUser).toBe(1000);
      expect(pod?.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(pod?.automountServiceAccountToken).toBe(false);
      const volumes = new Set((pod?.volumes ?? []).map((v) => v.name));
      for (const c of containers(d)) {
        for (const kind of ['requests', 'limits'] as const) {
          expect(c.resources?.[kind]?.['cpu'], `${c.name} ${kind}.cpu`).toBeDefined();
          expect(c.resources?.[kind]?.['memory'], `${c.name} ${kind}.memory`).toBeDefined();
        }
        expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        // A read-only root needs writable /data (STRATA_DATA_DIR) and /tmp mounts.
        expect(c.volumeMounts?.map((m) => m.mountPath).sort()).toEqual(['/data', '/tmp']);
        for (const mount of c.volumeMounts ?? []) expect(volumes.has(mount.name), `${c.name}: volume ${mount.name}`).toBe(true);
      }
    }
    expect(configMap?.data?.['STRATA_DATA_DIR']).toBe('/data');
  });

  it('sets only real Strata settings, and secrets only by reference to a Secret', () => {
    const known = knownVariables();
    const pending = ADDED_BY_PENDING_BRANCHES.settings;
    const isSetting = (v: string): boolean => known.has(v) || v in pending;
    const keys = Object.keys(configMap?.data ?? {});
    expect(keys.length).toBeGreaterThan(3);
    // The API plans runs; the worker Deployment executes their steps.
    expect(configMap?.data?.['STRATA_EXECUTION']).toBe('queue');
    for (const key of keys) {
      expect(key).toMatch(STRATA_VARIABLE);
      expect(isSetting(key), `ConfigMap: ${key} is not a Strata setting`).toBe(true);
      expect(key, `ConfigMap: ${key} is a secret`).not.toMatch(SECRET_NAME);
      expect(hasLiteralCredentials(configMap?.data?.[key] ?? ''), key).toBe(false);
    }
    for (const d of deployments) {
      for (const c of containers(d)) {
        expect(c.envFrom?.map((e) => e.configMapRef?.name)).toEqual(['strata-config']);
        for (const env of c.env ?? []) {
          expect(isSetting(env.name), `${c.name}: ${env.name} is not a Strata setting`).toBe(true);
          // Secrets and URLs that carry credentials are never values in a manifest.
          expect(env.value, `${c.name}: ${env.name} must come from a Secret`).toBeUndefined();
          expect(env.valueFrom?.secretKeyRef?.name).toBe('strata-secrets');
        }
      }
    }
    const apiEnv = containers(deployment('strata-api'))[0]?.env?.map((e) => e.name) ?? [];
    expect(apiEnv).toEqual(expect.arrayContaining(['STRATA_JWT_SECRET', 'STRATA_WAREHOUSE_URL', 'STRATA_REDIS_URL']));
  });
});
