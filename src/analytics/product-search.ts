/**
 * Typo-tolerant product search over descriptions and stock codes, without the fts extension:
 * every query word is matched to its closest description word (exact 1, prefix 0.95, else
 * Jaro-Winkler similarity), a product's score is the mean over query words, and a stock code
 * match scores on its own. Ties go to the better-selling product.
 */
import type { QuerySource } from './query-source.js';

export const SEARCH_MAX_RESULTS = 50;

export interface SearchHit {
  readonly stock_code: string;
  readonly description: string | null;
  readonly score: number;
  readonly revenue_gbp: number | null;
}

export interface SearchResult {
  readonly query: string;
  readonly method: string;
  readonly hits: readonly SearchHit[];
}

/** Lower-case words of 2+ letters or digits, at most 8 of them. */
export const searchTokens = (q: string): string[] =>
  [...new Set(q.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length >= 2).map((t) => t.slice(0, 40)))].slice(0, 8);

export async function searchProducts(db: QuerySource, options: { readonly q: string; readonly limit: number; readonly min_score?: number }): Promise<SearchResult> {
  const tokens = searchTokens(options.q);
  const code = options.q.trim().toLowerCase().slice(0, 40);
  const method = 'per-word best match (exact 1, prefix 0.95, else Jaro-Winkler), mean over query words; stock code exact 1 / prefix 0.9';
  if (!tokens.length && !code) return { query: options.q, method, hits: [] };
  const hits = await db.query<SearchHit>(
    `WITH q AS (SELECT unnest($tokens::VARCHAR[]) AS token),
     products AS (SELECT product_key AS stock_code, description, lower(coalesce(description, '')) AS text FROM gold.dim_product),
     words AS (
       SELECT DISTINCT stock_code, word FROM (SELECT stock_code, unnest(regexp_split_to_array(text, '[^a-z0-9]+')) AS word FROM products)
       WHERE word <> ''
     ),
     per_token AS (
       SELECT w.stock_code, q.token,
              max(CASE WHEN w.word = q.token THEN 1.0
                       WHEN length(q.token) >= 3 AND starts_with(w.word, q.token) THEN 0.95
                       ELSE jaro_winkler_similarity(q.token, w.word) END) AS s
       FROM words AS w CROSS JOIN q
       GROUP BY w.stock_code, q.token
     ),
     text_scores AS (
       SELECT stock_code, sum(s) / (SELECT count(*) FROM q) AS s, min(s) AS worst FROM per_token GROUP BY stock_code
     ),
     code_scores AS (
       SELECT stock_code, CASE WHEN lower(stock_code) = $code THEN 1.0 WHEN length($code) >= 3 AND starts_with(lower(stock_code), $code) THEN 0.9 END AS s
       FROM products
     ),
     scored AS (
       SELECT p.stock_code, p.description,
              greatest(CASE WHEN t.worst >= 0.75 THEN t.s ELSE 0 END, coalesce(c.s, 0)) AS score
       FROM products AS p LEFT JOIN text_scores AS t USING (stock_code) LEFT JOIN code_scores AS c USING (stock_code)
     )
     SELECT s.stock_code, s.description, round(s.score, 4)::DOUBLE AS score, m.revenue_gbp::DOUBLE AS revenue_gbp
     FROM scored AS s LEFT JOIN gold.mart_product_performance AS m USING (stock_code)
     WHERE s.score >= $min_score
     ORDER BY s.score DESC, m.revenue_gbp DESC NULLS LAST, s.stock_code
     LIMIT $limit`,
    { tokens, code, min_score: options.min_score ?? 0.85, limit: Math.min(Math.max(1, options.limit), SEARCH_MAX_RESULTS) },
  );
  return { query: options.q, method, hits };
}
