/**
 * Slack-compatible webhook: `text` (what Slack shows) and `attachments` (colour, fields), plus a
 * `strata` object with the full group for any other receiver.
 */
import { StrataError } from '../../shared/index.js';
import { linesOf, titleOf, type GroupNotice } from '../grouping.js';
import type { Notifier } from './notifier.js';

const COLOURS = { firing: '#d93025', resolved: '#1e8e3e' } as const;

export function webhookBody(notice: GroupNotice): Record<string, unknown> {
  const title = titleOf(notice);
  const lines = linesOf(notice);
  return {
    text: `${title}\n${lines.map((l) => `• ${l}`).join('\n')}`,
    attachments: [
      {
        color: COLOURS[notice.status],
        title,
        text: lines.join('\n'),
        fields: Object.entries(notice.groupLabels).map(([title, value]) => ({ title, value, short: true })),
        footer: 'strata alerts',
      },
    ],
    strata: { status: notice.status, group_key: notice.key, group_labels: notice.groupLabels, alerts: notice.alerts },
  };
}

export function createWebhookNotifier(options: { readonly name: string; readonly url: string; readonly timeout: number }): Notifier {
  return {
    name: options.name,
    kind: 'webhook',
    async send(notice) {
      let status: number;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(webhookBody(notice)),
          signal: AbortSignal.timeout(options.timeout),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        // The URL is a credential (Slack puts the token in it): name the notifier, not the URL.
        throw new StrataError('STRATA_ERR_NOTIFY', `webhook ${options.name}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : 'could not connect'}`, { cause: error });
      }
      if (status < 200 || status >= 300) throw new StrataError('STRATA_ERR_NOTIFY', `webhook ${options.name}: the receiver answered ${status}`);
    },
  };
}
