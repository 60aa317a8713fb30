/**
 * The in-process event bus: a typed EventEmitter that carries every pipeline event as it is
 * recorded, so other parts (the API's cache, metrics, alerts) react without polling the log.
 * A listener that throws is isolated: it cannot break a run.
 */
import { EventEmitter } from 'node:events';
import type { PipelineEvent, PipelineEventKind } from './event-types.js';

type EventOf<K extends PipelineEventKind> = Extract<PipelineEvent, { kind: K }>;

export interface PipelineEventBus {
  on<K extends PipelineEventKind>(kind: K, listener: (event: EventOf<K>) => void): () => void;
  /** Every event, whatever its kind. */
  onAny(listener: (event: PipelineEvent) => void): () => void;
  emit(event: PipelineEvent): void;
}

export function createEventBus(onListenerError: (error: unknown) => void = () => undefined): PipelineEventBus {
  const emitter = new EventEmitter({ captureRejections: false });
  emitter.setMaxListeners(0);
  const subscribe = (name: string, listener: (event: PipelineEvent) => void): (() => void) => {
    const safe = (event: PipelineEvent): void => {
      try {
        listener(event);
      } catch (error) {
        onListenerError(error);
      }
    };
    emitter.on(name, safe);
    return () => void emitter.off(name, safe);
  };
  return {
    on: (kind, listener) => subscribe(kind, listener as (event: PipelineEvent) => void),
    onAny: (listener) => subscribe('*', listener),
    emit(event) {
      emitter.emit(event.kind, event);
      emitter.emit('*', event);
    },
  };
}
