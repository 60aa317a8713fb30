/**
 * Ingest over HTTP. Both endpoints write a file to the staging folder and run the same pipeline
 * as `strata run` (bronze, quality, silver, gold, with the per-batch accounting), one run at a time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline as pump } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { recordsToCsv } from '../../ingest/index.js';
import { StrataError } from '../../shared/index.js';
import { pipelineResultJson } from '../../pipeline/index.js';
import { principalName } from '../auth/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, errorResponses } from '../schemas.js';
import { sanitiseUploadName } from '../upload-name.js';

const Scalar = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Number()]);
const TransactionRow = Type.Object(
  {
    invoice_no: Type.String({ minLength: 1, maxLength: 20 }),
    stock_code: Type.String({ minLength: 1, maxLength: 40 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    quantity: Scalar(20),
    invoice_date: Type.String({ minLength: 8, maxLength: 40 }),
    unit_price: Scalar(30),
    customer_id: Type.Optional(Type.Union([Scalar(20), Type.Null()])),
    country: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
const TransactionBody = Type.Array(TransactionRow, { minItems: 1, maxItems: 200_000 });
const COLUMNS = ['invoice_no', 'stock_code', 'description', 'quantity', 'invoice_date', 'unit_price', 'customer_id', 'country'] as const;


function parseNdjson(body: string): unknown[] {
  return body.split(/\r?\n/).flatMap((line, index) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw new StrataError('STRATA_ERR_BAD_REQUEST', `body line ${index + 1} is not JSON`, { details: { parameter: 'body' } });
    }
  });
}

export function ingestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const stagingDir = path.resolve(deps.config.dataDir, 'staging');

  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], { parseAs: 'string', bodyLimit: deps.settings.ingestBodyLimitBytes }, (_request, body, done) => {
    try {
      done(null, parseNdjson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.post(
    '/api/v1/ingest/transactions',
    {
      bodyLimit: deps.settings.ingestBodyLimitBytes,
      config: { access: 'engineer' },
      schema: {
        tags: ['ingest'],
        summary: 'Load transaction rows (JSON array or NDJSON) through bronze, quality, silver and gold; the same Idempotency-Key twice loads once',
        headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }) }),
        body: TransactionBody,
        response: { 200: AnyObject, ...errorResponses },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'] as string;
      const principal = principalName(request.principal!);
      const rows = request.body as Static<typeof TransactionBody>;
      const csv = recordsToCsv(rows, COLUMNS);
      const requestHash = createHash('sha256').update(csv).digest('hex');

      const [seen] = await deps.db.query<{ request_hash: string; status: string; response: string | null }>(
        'SELECT request_hash, status, response::VARCHAR AS response FROM api.idempotency_keys WHERE principal = $p AND idem_key = $k',
        { p: principal, k: key },
      );
      if (seen) {
        if (seen.request_hash !== requestHash) throw new StrataError('STRATA_ERR_IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used for a different request body');
        if (seen.status !== 'done' || !seen.response) throw new StrataError('STRATA_ERR_CONFLICT', 'a request with this Idempotency-Key is still being processed');
        return reply.header('idempotency-replayed', 'true').send(JSON.parse(seen.response));
      }
      try {
        await deps.db.query(`INSERT INTO api.idempotency_keys VALUES ($p, $k, $h, 'in_progress', NULL, now())`, { p: principal, k: key, h: requestHash });
      } catch (error) {
        throw new StrataError('STRATA_ERR_CONFLICT', 'a request with this Idempotency-Key is still being processed', { cause: error });
      }
      try {
        const dir = path.join(stagingDir, 'api');
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, `transactions-${requestHash.slice(0, 24)}.csv`);
        await writeFile(file, csv, 'utf8');
        const result = await deps.runner.run({ inputs: [file], command: 'api-ingest' });
        const summary = { idempotency_key: key, rows_received: rows.length, ...pipelineResultJson(result, (f) => path.basename(f)) };
        const failed = result.files.find((f) => f.status === 'failed');
        if (failed?.status === 'failed' && result.files.length === 1) throw failed.error;
        if (result.error) throw result.error;
        await deps.db.query(`UPDATE api.idempotency_keys SET status = 'done', response = $r::JSON WHERE principal = $p AND idem_key = $k`, {
          r: JSON.stringify(summary),
          p: principal,
          k: key,
        });
        return summary;
      } catch (error) {
        // A failed attempt frees the key, so the client can fix the data and retry with it.
        await deps.db.query('DELETE FROM api.idempotency_keys WHERE principal = $p AND idem_key = $k', { p: principal, k: key }).catch(() => undefined);
        throw error;
      }
    },
  );

  // Multipart parsing lives in this route's own scope: registered on the whole app, the plugin adds
  // three hooks (onRequest, preValidation, onResponse) to every request, which cost the cached KPI
  // path a measurable share of its throughput. Elsewhere multipart bodies are answered with 415.
  void app.register(async (uploads) => {
    await uploads.register(multipart, { limits: { fileSize: deps.settings.uploadLimitBytes, files: 20, fields: 10, parts: 30, headerPairs: 200 }, throwFileSizeLimit: true });
    registerFileUpload(uploads, deps, stagingDir);
  });
}

function registerFileUpload(app: FastifyInstance, deps: RouteDeps, stagingDir: string): void {
  app.post(
    '/api/v1/ingest/files',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['ingest'],
        summary: 'Upload CSV/TSV/TXT (optionally .gz) or XLSX files (multipart/form-data) and run them through the pipeline; names are sanitised, sizes capped',
        consumes: ['multipart/form-data'],
        response: { 200: AnyObject, ...errorResponses },
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw new StrataError('STRATA_ERR_UNSUPPORTED_MEDIA_TYPE', 'send the files as multipart/form-data');
      const uploadDir = path.join(stagingDir, 'uploads', `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`);
      await mkdir(uploadDir, { recursive: true });
      const saved: string[] = [];
      try {
        for await (const part of request.files()) {
          const name = sanitiseUploadName(part.filename);
          const target = path.join(uploadDir, name);
          if (path.dirname(target) !== uploadDir || saved.includes(target)) {
            part.file.resume();
            throw new StrataError('STRATA_ERR_BAD_REQUEST', `file name ${JSON.stringify(part.filename)} is not usable`, { details: { parameter: 'file' } });
          }
          await pump(part.file, createWriteStream(target, { flags: 'wx' }));
          if (part.file.truncated) throw new StrataError('STRATA_ERR_PAYLOAD_TOO_LARGE', `${name} is larger than ${deps.settings.uploadLimitBytes} bytes`);
          saved.push(target);
        }
        if (!saved.length) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'no file in the upload', { details: { parameter: 'file' } });
      } catch (error) {
        await rm(uploadDir, { recursive: true, force: true });
        throw error;
      }
      const result = await deps.runner.run({ inputs: saved, command: 'api-upload' });
      return pipelineResultJson(result, (f) => path.basename(f));
    },
  );
}
