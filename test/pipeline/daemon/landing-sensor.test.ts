/**
 * The landing sensor on real files appearing in a temp folder: a file still growing is not
 * picked up, a settled one is (once), a changed one again; other files are ignored.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLandingSensor } from '../../../src/pipeline/index.js';
import { realDataDir, tempDir } from '../../helpers/cli.js';

const temps: (() => void)[] = [];
afterEach(() => temps.splice(0).forEach((cleanup) => cleanup()));

function folder(): string {
  const temp = tempDir('strata-landing-');
  temps.push(temp.cleanup);
  return temp.dir;
}

describe('the landing sensor', () => {
  it('picks up a file only after its size and mtime have settled, and only once', () => {
    const dir = folder();
    const sensor = createLandingSensor({ dir, settleMs: 1000 });
    expect(sensor.poll(0)).toEqual([]);
    const text = readFileSync(path.join(realDataDir, '2010-12-01.csv'), 'utf8');
    const file = path.join(dir, '2010-12-01.csv');
    writeFileSync(file, text.slice(0, 50_000)); // a copy under way
    expect(sensor.poll(100)).toEqual([]);
    expect(sensor.settling).toEqual([file]);
    appendFileSync(file, text.slice(50_000, 100_000));
    expect(sensor.poll(1500)).toEqual([]); // grew: the settle time starts again
    appendFileSync(file, text.slice(100_000));
    expect(sensor.poll(1600)).toEqual([]);
    expect(sensor.poll(2000)).toEqual([]); // unchanged, but not for 1 s yet
    expect(sensor.poll(2700)).toEqual([file]);
    expect(sensor.poll(2800)).toEqual([file]); // reported until a run has taken it
    sensor.markPicked([file]);
    expect(sensor.poll(3000)).toEqual([]);
    expect(sensor.settling).toEqual([]);
  });

  it('reports a picked file again when it changes, and ignores hidden and non-data files', () => {
    const dir = folder();
    const sensor = createLandingSensor({ dir, settleMs: 0 });
    const file = path.join(dir, 'sales-2011-01-05.csv');
    writeFileSync(file, 'InvoiceNo\n1\n');
    writeFileSync(path.join(dir, '.2011-01-06.csv.part'), 'partial');
    writeFileSync(path.join(dir, 'notes.md'), 'not data');
    writeFileSync(path.join(dir, '.hidden.csv'), 'x');
    expect(sensor.poll(0)).toEqual([]);
    expect(sensor.poll(10)).toEqual([file]);
    sensor.markPicked([file]);
    expect(sensor.poll(20)).toEqual([]);
    writeFileSync(file, 'InvoiceNo\n1\n2\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(sensor.poll(30)).toEqual([]);
    expect(sensor.poll(40)).toEqual([file]);
    rmSync(file);
    expect(sensor.poll(50)).toEqual([]);
  });

  it('treats a missing folder as empty, and sees it once it exists', () => {
    const dir = path.join(folder(), 'landing');
    const sensor = createLandingSensor({ dir, settleMs: 0 });
    expect(sensor.poll(0)).toEqual([]);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'x.csv'), 'a');
    expect(sensor.poll(1)).toEqual([]);
    expect(sensor.poll(2)).toEqual([path.join(dir, 'x.csv')]);
  });

  it('reports a path it cannot list as a problem, not as an empty folder', () => {
    const file = path.join(folder(), 'landing.csv');
    writeFileSync(file, 'a');
    const sensor = createLandingSensor({ dir: file, settleMs: 0 });
    expect(sensor.poll(0)).toEqual([]);
    expect(sensor.problem).toMatch(/cannot list the landing folder .*landing\.csv: ENOTDIR/);
    expect(createLandingSensor({ dir: path.join(path.dirname(file), 'later'), settleMs: 0 }).problem).toBeNull();
  });
});
