/** Email over SMTP (nodemailer): one message per group, plain text. */
import nodemailer from 'nodemailer';
import { StrataError } from '../../shared/index.js';
import { linesOf, titleOf, type GroupNotice } from '../grouping.js';
import type { Notifier } from './notifier.js';

export interface EmailOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly require_tls: boolean;
  readonly ignore_tls: boolean;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
  readonly timeout: number;
}

export function emailText(notice: GroupNotice): string {
  const alerts = notice.alerts.map((a) => [`- ${linesOf({ ...notice, alerts: [a] })[0]}`, `  value: ${a.value ?? 'n/a'}; since ${a.startsAt ?? 'n/a'}${a.endsAt ? `; resolved ${a.endsAt}` : ''}`].join('\n'));
  return [titleOf(notice), '', ...alerts, '', `group: ${JSON.stringify(notice.groupLabels)}`, '-- strata alerts'].join('\n');
}

export function createEmailNotifier(options: EmailOptions): Notifier {
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.require_tls,
    ignoreTLS: options.ignore_tls,
    connectionTimeout: options.timeout,
    greetingTimeout: options.timeout,
    socketTimeout: options.timeout,
    ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
  });
  return {
    name: options.name,
    kind: 'email',
    async send(notice) {
      try {
        await transport.sendMail({ from: options.from, to: [...options.to], subject: titleOf(notice), text: emailText(notice) });
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new StrataError('STRATA_ERR_NOTIFY', `email ${options.name}: ${code ?? 'SMTP delivery failed'}`, { cause: error });
      }
    },
    close: () => transport.close(),
  };
}
