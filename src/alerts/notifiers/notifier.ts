/** A place notices go. Delivery failures throw STRATA_ERR_NOTIFY without the destination's secrets (webhook URLs carry tokens). */
import type { GroupNotice } from '../grouping.js';

export interface Notifier {
  readonly name: string;
  readonly kind: 'webhook' | 'email';
  send(notice: GroupNotice): Promise<void>;
  close?(): void;
}
