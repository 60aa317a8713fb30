/**
 * Copies ranges of physical lines out of a text file, each into its own file that starts with
 * the original header line, byte for byte (same encoding). Lines a stray quote swallowed into
 * one rejected record are re-read this way, on their own.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { openText } from './file-scan.js';

export interface LineRange {
  readonly from: number;
  readonly to: number;
  readonly outPath: string;
}

const LF = 0x0a;

/** `ranges` must be sorted and must not overlap; line numbers are 1-based and greater than 1. */
export async function extractLineRanges(file: string, gzip: boolean, ranges: readonly LineRange[]): Promise<void> {
  if (ranges.length === 0) return;
  const header: Buffer[] = [];
  let line = 1; // line of the byte at `from` below
  let next = 0; // the range being filled or waited for
  let out: FileHandle | null = null;
  try {
    for await (const chunk of openText(file, gzip) as AsyncIterable<Buffer>) {
      let from = 0;
      let copyFrom = out ? 0 : -1; // start of the bytes of this chunk that belong to the open range
      while (from < chunk.length && next < ranges.length) {
        const lf = chunk.indexOf(LF, from);
        const end = lf === -1 ? chunk.length : lf + 1;
        if (line === 1) header.push(Buffer.from(chunk.subarray(from, end)));
        else if (line === ranges[next]!.from && copyFrom === -1) {
          out = await open(ranges[next]!.outPath, 'w');
          for (const part of header) await out.write(part);
          copyFrom = from;
        }
        if (lf === -1) break;
        if (out && line === ranges[next]!.to) {
          await out.write(chunk.subarray(copyFrom, end));
          await out.close();
          out = null;
          copyFrom = -1;
          next++;
        }
        line++;
        from = end;
      }
      if (out && copyFrom !== -1) await (out as FileHandle).write(chunk.subarray(copyFrom));
      if (next >= ranges.length) break;
    }
  } finally {
    await (out as FileHandle | null)?.close();
  }
}
