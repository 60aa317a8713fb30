/**
 * Publishes dead letters to the dead-letter subject with an idempotent message id, so a crash
 * between this publish and the bronze commit repeats the publish without doubling the letter.
 */
import { headers, type JetStreamClient } from 'nats';
import type { DeadLetter } from './micro-batch.js';
import type { StreamSettings } from './stream-settings.js';

export async function publishDeadLetters(js: JetStreamClient, settings: StreamSettings, letters: readonly DeadLetter[]): Promise<void> {
  await Promise.all(
    letters.map((letter) => {
      const h = headers();
      h.set('Strata-Reason', letter.reason.replace(/[\r\n]+/g, ' ').slice(0, 500));
      h.set('Strata-Stream', settings.stream);
      h.set('Strata-Stream-Seq', String(letter.seq));
      h.set('Strata-Deliveries', String(letter.deliveries));
      return js.publish(settings.deadLetterSubject, letter.payload, { msgID: `dlq:${settings.stream}:${letter.seq}`, headers: h });
    }),
  );
}
