/** Roles in increasing power; a route names the least role it needs. */
export const ROLES = ['viewer', 'analyst', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
export const roleAtLeast = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** Who made a request: a person through a JWT, or a machine through an API key. */
export interface Principal {
  readonly kind: 'user' | 'key';
  readonly id: string;
  readonly role: Role;
}

export const principalName = (p: Principal): string => `${p.kind}:${p.id}`;
