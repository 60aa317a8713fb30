/** The planner is pure: graph + state + request -> steps. Each case is one row. */
import { describe, expect, it } from 'vitest';
import { plan, type PlanRequest, type PlanState } from '../../../src/pipeline/index.js';
import { toyGraph } from './toy-graph.js';

const graph = toyGraph();
const FRESH: PlanState = { pendingBatches: 0, missing: [], lastMaterialized: { quality_silver: 10, 'gold.dim': 11, 'gold.fact': 12, 'gold.mart': 13, 'gold.other': 14 } };
const ALL_GOLD = ['gold.dim', 'gold.fact', 'gold.mart', 'gold.other'];

interface Case {
  readonly name: string;
  readonly state?: Partial<PlanState>;
  readonly request?: Partial<PlanRequest>;
  /** id:when:reason for each planned step, in order. */
  readonly steps: readonly string[];
}

const cases: readonly Case[] = [
  { name: 'plans nothing when every asset is up to date and no input is given', steps: [] },
  {
    name: 'plans ingest for inputs, and everything downstream only if upstream changes',
    request: { inputs: ['landing'] },
    steps: ['ingest:always:new inputs', 'quality_silver:if-upstream-changed:upstream planned', 'gold.dim:if-upstream-changed:upstream planned', 'gold.fact:if-upstream-changed:upstream planned', 'gold.mart:if-upstream-changed:upstream planned', 'gold.other:if-upstream-changed:upstream planned'],
  },
  {
    name: 'runs quality for batches an earlier ingest left pending',
    state: { pendingBatches: 3 },
    steps: ['quality_silver:always:pending batches', 'gold.dim:if-upstream-changed:upstream planned', 'gold.fact:if-upstream-changed:upstream planned', 'gold.mart:if-upstream-changed:upstream planned', 'gold.other:if-upstream-changed:upstream planned'],
  },
  {
    name: 'rebuilds only a model that is missing and what reads it',
    state: { missing: ['gold.fact'] },
    steps: ['gold.fact:always:missing', 'gold.mart:if-upstream-changed:upstream planned'],
  },
  {
    name: 'rebuilds models older than silver (a crash after silver committed)',
    state: { lastMaterialized: { quality_silver: 20, 'gold.dim': 11, 'gold.fact': 12, 'gold.mart': 13, 'gold.other': 14 } },
    steps: ['gold.dim:always:stale', 'gold.fact:if-upstream-changed:upstream planned', 'gold.mart:if-upstream-changed:upstream planned', 'gold.other:always:stale'],
  },
  {
    name: 'finishes a gold build a crash cut short: only the models after the last commit',
    state: { lastMaterialized: { quality_silver: 20, 'gold.dim': 21, 'gold.fact': 22, 'gold.mart': 13, 'gold.other': 14 } },
    steps: ['gold.mart:always:stale', 'gold.other:always:stale'],
  },
  { name: 'builds a model never materialised', state: { lastMaterialized: { quality_silver: 10, 'gold.dim': 11, 'gold.fact': 12, 'gold.mart': 13 } }, steps: ['gold.other:always:stale'] },
  { name: 'rebuilds forced models', request: { force: ALL_GOLD }, steps: ALL_GOLD.map((k) => `${k}:always:forced`) },
  { name: 'stops after ingest for the ingest command', request: { inputs: ['a.csv'], ingestOnly: true }, state: { pendingBatches: 2 }, steps: ['ingest:always:new inputs'] },
];

describe('the planner', () => {
  for (const c of cases) {
    it(c.name, () => {
      const state = { ...FRESH, ...c.state };
      const result = plan(graph, state, { inputs: [], ...c.request });
      expect(result.steps.map((s) => `${s.id}:${s.when}:${s.reason}`)).toEqual(c.steps);
    });
  }

  it('makes each step wait only for planned upstream steps', () => {
    const result = plan(graph, { ...FRESH, missing: ['gold.fact'] }, { inputs: [] });
    expect(result.steps.map((s) => [s.id, s.deps])).toEqual([['gold.fact', []], ['gold.mart', ['gold.fact']]]);
    expect(result.upToDate).toEqual(['ingest', 'quality_silver', 'gold.dim', 'gold.other']);
  });

  it('attaches each asset its checks, and none when checks are off for a backfill', () => {
    const on = plan(graph, { ...FRESH, missing: ['gold.fact'] }, { inputs: [] });
    expect(on.steps.find((s) => s.id === 'gold.fact')?.checks).toEqual(['not_null(key)', 'positive']);
    const off = plan(graph, { ...FRESH, missing: ['gold.fact'] }, { inputs: [], checks: false });
    expect(off.steps.every((s) => s.checks.length === 0)).toBe(true);
  });
});
