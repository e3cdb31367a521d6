/** What the forwarder's modules share and do not export. */
import { LogClassName } from './limits';
import { DeadLetterReason, ForwarderConfig, ForwarderDeps, ForwarderStats } from './types';

export interface PendingEvent {
  readonly recordIndex: number;
  readonly order: number;
  readonly timestamp: number;
  readonly message: string;
  readonly bytes: number;
  readonly id?: string;
}

export interface Target {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly source: { owner: string; region: string; logGroup: string; logClass: LogClassName };
  readonly events: PendingEvent[];
}

export interface DeadLetterItem {
  readonly recordIndex: number;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly meta: Record<string, unknown>;
  /** 'kinesis-record-base64' (the raw record data) or 'log-events-json' ({timestamp, message}[]). */
  readonly payloadKind: 'kinesis-record-data' | 'log-events';
  readonly payload: string;
}

export interface PutContext {
  readonly config: ForwarderConfig;
  readonly deps: ForwarderDeps;
  readonly stats: ForwarderStats;
  readonly failed: Set<number>;
  readonly deadLetters: DeadLetterItem[];
}
