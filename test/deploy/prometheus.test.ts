/**
 * deploy/prometheus, deploy/alertmanager and deploy/grafana, checked with the tools themselves:
 * `promtool check rules`, `promtool test rules` (the unit tests in prometheus/tests), `promtool check
 * config`, `amtool check-config` and `amtool config routes test`; Grafana dashboards parsed, and
 * every panel's PromQL parsed by promtool through a generated rules file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPLOY_DIR, deployFiles, deployPath, readOneYaml } from './deploy-files.js';
import { DASHBOARDS, RULE_FILES, rules, withoutGrafanaVariables } from './promql.js';
import { runTool, toolAvailable } from './tools.js';

const hasPromtool = toolAvailable('promtool', 'prometheus');
const hasAmtool = toolAvailable('amtool', 'prometheus-alertmanager');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'strata-promql-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; datasource?: { uid: string } }>;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; query?: string; datasource?: { uid: string } }> };
}
const dashboards = DASHBOARDS.map((file) => ({ file, json: JSON.parse(readFileSync(deployPath(file), 'utf8')) as Dashboard }));

describe.skipIf(!hasPromtool)('Prometheus rules (promtool)', () => {
  it('every rule file is in rules/ (which prometheus.yml loads) and passes `promtool check rules`', async () => {
    expect(deployFiles('prometheus/rules')).toEqual([...RULE_FILES].sort());
    const result = await runTool('promtool', ['check', 'rules', ...RULE_FILES], DEPLOY_DIR);
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.code, result.output).toBe(0);
    expect(result.output.match(/SUCCESS: \d+ rules found/g)).toHaveLength(RULE_FILES.length);
  });

  it('passes its unit tests (`promtool test rules`)', async () => {
    const tests = deployFiles('prometheus/tests');
    expect(tests.length).toBeGreaterThanOrEqual(3);
    const result = await runTool('promtool', ['test', 'rules', ...tests], DEPLOY_DIR);
    expect(result.code, result.output).toBe(0);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(tests.length);
  });

  it('unit-tests every alert, firing and not firing', () => {
    const tested = new Map<string, number>();
    for (const file of deployFiles('prometheus/tests')) {
      const suite = readOneYaml<{ rule_files: string[]; tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }> }>(file);
      expect(suite.rule_files.map((f) => path.join('prometheus', f.replace(/^\.\.\//, '')))).toEqual(RULE_FILES);
      for (const test of suite.tests) for (const t of test.alert_rule_test ?? []) tested.set(t.alertname, (tested.get(t.alertname) ?? 0) | (t.exp_alerts.length ? 1 : 2));
    }
    for (const rule of rules().filter((r) => r.alert)) expect(tested.get(rule.alert ?? ''), `${rule.alert}: needs a firing and a quiet case`).toBe(3);
  });

  it('labels every alert for routing and explains it', () => {
    const alerts = rules().filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const rule of alerts) {
      expect(rule.alert).toMatch(/^Strata[A-Z][A-Za-z]+$/);
      expect(['page', 'ticket']).toContain(rule.labels?.['severity']);
      expect(['api', 'pipeline', 'data', 'stream', 'business', 'runtime']).toContain(rule.labels?.['area']);
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      expect(rule.annotations?.['description'], rule.alert).toBeTruthy();
    }
    for (const rule of rules().filter((r) => r.record)) expect(rule.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$|^[a-z_]+:[a-z0-9_]+$/);
  });

  it('prometheus.yml passes `promtool check config`, scrapes the API and sends alerts to Alertmanager', async () => {
    const result = await runTool('promtool', ['check', 'config', '--syntax-only', 'prometheus/prometheus.yml'], DEPLOY_DIR);
    expect(result.code, result.output).toBe(0);
    const config = readOneYaml<{ rule_files: string[]; alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> } }>('prometheus/prometheus.yml');
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    expect(config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets))).toEqual(['alertmanager:9093']);
  });
});

describe.skipIf(!hasAmtool)('Alertmanager config (amtool)', () => {
  const config = 'alertmanager/alertmanager.yml';

  it('passes `amtool check-config`', async () => {
    const result = await runTool('amtool', ['check-config', config], DEPLOY_DIR);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.output).toMatch(/3 receivers/);
  });

  it.each([
    [['severity=page', 'area=api'], 'oncall-email,team-webhook'],
    [['severity=page', 'area=business'], 'oncall-email,data-team-webhook'],
    [['severity=ticket', 'area=business'], 'data-team-webhook'],
    [['severity=ticket', 'area=pipeline'], 'team-webhook'],
  ])('routes %j to %s', async (labels, receivers) => {
    const result = await runTool('amtool', ['config', 'routes', 'test', `--config.file=${config}`, `--verify.receivers=${receivers}`, ...labels], DEPLOY_DIR);
    expect(result.code, result.output).toBe(0);
  });

  it('groups by alert and area, resolves, and reads its secrets from files', () => {
    const am = readOneYaml<{
      global: Record<string, unknown>;
      route: { group_by: string[] };
      receivers: Array<{ name: string; webhook_configs?: Array<{ send_resolved: boolean; http_config: { authorization: { credentials_file: string } } }>; email_configs?: Array<{ to: string; send_resolved: boolean }> }>;
    }>(config);
    expect(am.route.group_by).toEqual(['alertname', 'area']);
    expect(am.global['smtp_auth_password_file']).toBe('/run/secrets/smtp_password');
    expect(am.global).not.toHaveProperty('smtp_auth_password');
    const webhooks = am.receivers.flatMap((r) => r.webhook_configs ?? []);
    const emails = am.receivers.flatMap((r) => r.email_configs ?? []);
    expect(webhooks.length).toBeGreaterThan(0);
    expect(emails.length).toBeGreaterThan(0);
    for (const w of webhooks) expect(w).toMatchObject({ send_resolved: true, http_config: { authorization: { credentials_file: '/run/secrets/alert_webhook_token' } } });
    for (const e of emails) expect(e.to).toMatch(/@example\.com$/);
    // Every alert area reaches a receiver the config defines.
    const names = new Set(am.receivers.map((r) => r.name));
    expect(names).toEqual(new Set(['team-webhook', 'data-team-webhook', 'oncall-email']));
  });
});

describe('Grafana dashboards', () => {
  const datasource = readOneYaml<{ datasources: Array<{ uid: string; type: string; url: string }> }>('grafana/provisioning/datasources/prometheus.yml').datasources;

  it('has a system view and a business view, each with unique uids and panel ids, on the provisioned datasource', () => {
    expect(deployFiles('grafana/dashboards')).toEqual([...DASHBOARDS].sort());
    expect(dashboards.map((d) => d.json.uid)).toEqual(['strata-system', 'strata-business']);
    expect(datasource).toEqual([expect.objectContaining({ uid: 'strata-prometheus', type: 'prometheus', url: 'http://prometheus:9090' })]);
    for (const { file, json } of dashboards) {
      expect(json.panels.length, file).toBeGreaterThanOrEqual(8);
      expect(new Set(json.panels.map((p) => p.id)).size, file).toBe(json.panels.length);
      for (const panel of json.panels) {
        expect(panel.datasource?.uid, `${file}: ${panel.title}`).toBe('strata-prometheus');
        expect(panel.targets?.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.datasource?.uid ?? 'strata-prometheus').toBe('strata-prometheus');
      }
    }
  });

  it.skipIf(!hasPromtool)("parses every panel's PromQL with promtool", async () => {
    const exprs = dashboards.flatMap(({ json }) => [
      ...json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...json.templating.list.flatMap((v) => (v.query?.startsWith('label_values(') ? [v.query.replace(/^label_values\(([^,]+),.*\)$/, '$1')] : [])),
    ]);
    expect(exprs.length).toBeGreaterThan(20);
    const file = path.join(scratch, 'dashboard-exprs.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules: exprs.map((expr, i) => ({ record: `dashboard:expr_${i}:check`, expr: withoutGrafanaVariables(expr) })) }] }));
    const result = await runTool('promtool', ['check', 'rules', file], scratch);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    // And promtool does reject a broken expression (so a pass means something).
    writeFileSync(file, stringify({ groups: [{ name: 'broken', rules: [{ record: 'x:y:z', expr: 'sum(rate(strata_http_requests_total[5m])' }] }] }));
    expect((await runTool('promtool', ['check', 'rules', file], scratch)).code).not.toBe(0);
  });
});
