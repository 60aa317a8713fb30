/**
 * The landing sensor on real files in a temp folder: a file is reported only once its size and
 * mtime held still for the settle time, not again once picked unless it changes, and a folder that
 * cannot be listed is a reported problem, not a silent empty folder.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLandingSensor } from '../../../src/pipeline/sensor/index.js';
import { tempDir } from '../../helpers/cli.js';

describe('landing sensor', () => {
  const dir = tempDir('strata-sensor-');
  afterAll(() => dir.cleanup());
  const file = path.join(dir.dir, 'day.csv');

  it('reports a file once it has settled, and not again after it was picked', () => {
    const sensor = createLandingSensor({ dir: dir.dir, settleMs: 1000 });
    writeFileSync(file, 'InvoiceNo,StockCode\n');
    writeFileSync(path.join(dir.dir, 'notes.md'), 'not data');
    expect(sensor.poll(0)).toEqual([]); // first sight
    expect(sensor.settling).toEqual([file]);
    expect(sensor.poll(500)).toEqual([]); // not settled yet
    expect(sensor.poll(1000)).toEqual([file]);
    sensor.markPicked([file]);
    expect(sensor.poll(5000)).toEqual([]);
    expect(sensor.problem).toBeNull();
  });

  it('sees a picked file again once it grows, after it settles anew', () => {
    const sensor = createLandingSensor({ dir: dir.dir, settleMs: 1000 });
    sensor.poll(0);
    sensor.markPicked(sensor.poll(1000));
    appendFileSync(file, '536365,85123A\n');
    expect(sensor.poll(2000)).toEqual([]);
    expect(sensor.poll(3000)).toEqual([file]);
  });

  it('treats a folder that does not exist yet as empty, and a path it cannot list as a problem', () => {
    expect(createLandingSensor({ dir: path.join(dir.dir, 'later'), settleMs: 0 }).poll(0)).toEqual([]);
    const notAFolder = createLandingSensor({ dir: file, settleMs: 0 });
    expect(notAFolder.poll(0)).toEqual([]);
    expect(notAFolder.problem).toMatch(/cannot list the landing folder .*day\.csv: ENOTDIR/);
  });
});
