/**
 * What this server offers, read once from its OpenAPI document, so the dashboard does not call
 * routes a given server version lacks (it says so instead). If the document cannot be read, every
 * route is assumed present and a missing one shows up as an ordinary error.
 */
export interface Capabilities {
  has(method: 'get' | 'post' | 'put' | 'delete', path: string): boolean;
}

let loading: Promise<Capabilities> | null = null;

export function getCapabilities(): Promise<Capabilities> {
  loading ??= fetch('/openapi.json', { headers: { accept: 'application/json' } })
    .then(async (response) => {
      if (!response.ok) throw new Error(String(response.status));
      const doc = (await response.json()) as { paths?: Record<string, Record<string, unknown>> };
      const paths = doc.paths ?? {};
      return { has: (method: string, path: string) => !!paths[path]?.[method] };
    })
    .catch(() => ({ has: () => true }));
  return loading;
}
