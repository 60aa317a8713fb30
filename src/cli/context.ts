/** What every command shares: the config (loaded once from flags and environment) and the printer. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type StrataConfig } from '../config/index.js';
import { openWarehouse, type Warehouse } from '../engine/index.js';
import { createEventBus, eventMirrorFor, openProjectWarehouse, type PipelineEventBus } from '../pipeline/index.js';
import { StrataError } from '../shared/index.js';
import { createOutput, type Output } from './output.js';

export interface CommandContext {
  readonly config: StrataConfig;
  readonly out: Output;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<{ json?: boolean; dataDir?: string; warehouse?: string }>();
  const overrides: Record<string, unknown> = {};
  if (options.dataDir) overrides['dataDir'] = options.dataDir;
  if (options.warehouse) overrides['warehousePath'] = options.warehouse;
  return { config: loadConfig(overrides), out: createOutput(Boolean(options.json)) };
}

export async function withWarehouse<T>(ctx: CommandContext, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const { warehouse, interruptedRuns } = await openProjectWarehouse(ctx.config);
  if (interruptedRuns) ctx.out.info(`note: ${interruptedRuns} earlier run(s) had been interrupted; marked as such`);
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

/** Read-only access for analysts: the engine refuses writes and file access. */
export async function withReadOnlyWarehouse<T>(ctx: CommandContext, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  if (!ctx.config.warehouseUrl && !existsSync(ctx.config.warehousePath)) {
    throw new StrataError('STRATA_ERR_USAGE', `there is no warehouse at ${ctx.config.warehousePath} yet: run \`strata run <files>\` (or \`npm start\`) first`);
  }
  const warehouse = await openWarehouse({ path: ctx.config.warehousePath, url: ctx.config.warehouseUrl, readOnly: true, disableExternalAccess: true });
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

/**
 * A bus for the command's pipeline runs, mirrored to NATS when `eventsNatsPrefix` is set. The
 * mirror never fails the command: at the end it gets two seconds to send what is buffered, and
 * what it could not send is reported on stderr.
 */
export async function withEventBus<T>(ctx: CommandContext, work: (bus: PipelineEventBus) => Promise<T>): Promise<T> {
  const bus = createEventBus();
  const mirror = eventMirrorFor(ctx.config, bus, (message) => ctx.out.info(`note: ${message}`));
  try {
    return await work(bus);
  } finally {
    const stats = await mirror?.close(2000);
    if (stats && (stats.dropped || stats.buffered)) ctx.out.info(`note: ${stats.dropped + stats.buffered} event(s) did not reach NATS (${stats.dropped} dropped from a full buffer)`);
  }
}
