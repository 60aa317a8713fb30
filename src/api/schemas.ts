/** Request schemas shared by routes (TypeBox: JSON Schema for validation and OpenAPI at once). */
import { Type, type Static } from '@sinclair/typebox';
import type { Filters } from '../analytics/index.js';
import { badRequest } from './plugins/errors.js';

export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'ISO date (YYYY-MM-DD), inclusive', examples: ['2011-11-01'] });
export const Country = Type.String({
  minLength: 2,
  maxLength: 64,
  pattern: "^[A-Za-z][A-Za-z .'&()-]*$",
  description: 'country name as in the data (e.g. United Kingdom) or ISO 3166 alpha-2 code (GB)',
});

export const WindowQuery = Type.Object(
  { from: Type.Optional(IsoDate), to: Type.Optional(IsoDate), country: Type.Optional(Country) },
  { additionalProperties: false },
);
export type WindowQueryT = Static<typeof WindowQuery>;

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable code from the registry, e.g. STRATA_ERR_BAD_REQUEST' }),
      message: Type.String(),
      parameter: Type.Optional(Type.String()),
      request_id: Type.String(),
    }),
  },
  { $id: 'ErrorResponse' },
);

/** Generic object responses: documented by description; the analytics types describe the fields. */
export const AnyObject = Type.Object({}, { additionalProperties: true });

export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  429: Type.Ref('ErrorResponse'),
  503: Type.Ref('ErrorResponse'),
};

function checkDate(parameter: string, value: string | undefined): void {
  if (value === undefined) return;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) badRequest(parameter, `${value} is not a calendar date`);
  if (value < '1900-01-01' || value > '2999-12-31') badRequest(parameter, 'must be between 1900-01-01 and 2999-12-31');
}

/** Calendar checks JSON Schema cannot express: real dates, from <= to. */
export function windowFilters(query: { from?: string | undefined; to?: string | undefined; country?: string | undefined }): Filters {
  checkDate('from', query.from);
  checkDate('to', query.to);
  if (query.from && query.to && query.from > query.to) badRequest('from', 'must not be after to');
  return { from: query.from, to: query.to, country: query.country };
}
