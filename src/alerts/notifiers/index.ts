import type { NotifierConfig } from '../alert-config.js';
import { createEmailNotifier } from './email-notifier.js';
import type { Notifier } from './notifier.js';
import { createWebhookNotifier } from './webhook-notifier.js';

export type { Notifier } from './notifier.js';
export { webhookBody } from './webhook-notifier.js';
export { emailText } from './email-notifier.js';

export const createNotifiers = (configs: readonly NotifierConfig[]): Notifier[] =>
  configs.map((c) => (c.kind === 'webhook' ? createWebhookNotifier(c) : createEmailNotifier(c)));
