/**
 * The same evaluation of N inputs, shared between the synth's thread and worker threads, for the
 * validation plugins (the Control Tower Guard rules, aws-cdk-lib's built-in template validation):
 * a plugin's `validate` returns its report synchronously, so the synth's thread takes inputs too,
 * then waits for the workers with `Atomics.wait` and reads their results with `receiveMessageOnPort`.
 *
 * Every thread takes the inputs one at a time from a shared counter, so a thread slow to start takes
 * fewer; the results are put back in the order of the inputs, so the outcome is that of one thread.
 * An input a worker has not reported `WORKER_GRACE_MS` after the synth's thread ran out of inputs
 * (the worker failed, or is slow on it) is evaluated again in the synth's thread.
 */
import { availableParallelism } from 'os';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';

/**
 * Fewer inputs than this per thread do not pay for a thread's start: it compiles its rules once (about
 * 1.2 s of CPU for the Guard rules, the time of about 8 workload templates). With 8, a 10-account synth
 * (20 templates) spent 4 s more CPU for no shorter wall time (bench/RESULTS.md).
 */
export const MIN_INPUTS_PER_THREAD = 32;

/** How long the synth's thread waits for a worker's input before evaluating it itself. */
const WORKER_GRACE_MS = 30_000;
/** How long it waits for the workers when it takes no input itself (the tests of the workers). */
const WORKERS_ONLY_WAIT_MS = 600_000;

/** The variable that sets the number of worker threads. */
export const THREADS_VARIABLE = 'GUARDRAILS_VALIDATION_THREADS';

/**
 * The number of worker threads that evaluate inputs beside the synth's own thread: one less than the
 * cores Node may use (`os.availableParallelism()`), at most 7, or `GUARDRAILS_VALIDATION_THREADS` (0:
 * every input in the synth's thread); never more than `inputs / MIN_INPUTS_PER_THREAD`.
 */
export function validationThreads(inputs: number, env: NodeJS.ProcessEnv = process.env): number {
  const setting = env[THREADS_VARIABLE];
  let wanted: number;
  if (setting === undefined || setting === '') {
    wanted = Math.min(availableParallelism() - 1, 7);
  } else {
    if (!/^\d{1,2}$/.test(setting)) {
      throw new Error(
        `${THREADS_VARIABLE}: received '${setting}'; allowed: a whole number of worker threads from 0 (validate every template in the synth's thread) to 99`,
      );
    }
    wanted = Number(setting);
  }
  return Math.max(0, Math.min(wanted, Math.floor(inputs / MIN_INPUTS_PER_THREAD)));
}

/** One evaluation shared out over threads. */
export interface ThreadedEvaluation<T> {
  /** How many inputs (indexes 0 to count - 1). */
  readonly count: number;
  /** Worker threads beside the synth's thread (0: none). */
  readonly threads: number;
  /** False: the synth's thread takes no input (the tests of the workers). */
  readonly inThisThread: boolean;
  /**
   * The body of a JavaScript function of `data` that prepares a worker (compiles its rules) and returns
   * the function evaluating input `i` there, whose result is posted back (structured clone).
   */
  readonly workerSetup: string;
  /** Given to `workerSetup` (structured clone). */
  readonly workerData: unknown;
  /** Evaluates input `i` in the synth's thread. */
  evaluate(i: number): T;
  /** The error of input `i` a worker could not evaluate (its message given). */
  failure(i: number, message: string): Error;
}

/**
 * The worker's code. `state`, its slot in the shared array: 0 preparing, 1 taking inputs, 2 finished,
 * 3 cancelled by the synth's thread (which had nothing left for it once it was ready).
 */
function workerSource(setup: string): string {
  return `
const { workerData } = require('worker_threads');
const { shared, slot, port, count, data } = workerData;
const counter = new Int32Array(shared);
try {
  const evaluate = (function (data) {
${setup}
  })(data);
  if (Atomics.compareExchange(counter, slot, 0, 1) === 0) {
    for (;;) {
      const i = Atomics.add(counter, 0, 1);
      if (i >= count) break;
      try {
        port.postMessage({ i, result: evaluate(i) });
      } catch (e) {
        port.postMessage({ i, error: String((e && e.message) || e) });
      }
    }
  }
} finally {
  Atomics.store(counter, slot, 2);
  Atomics.notify(counter, slot);
}
`;
}

/** The result of every input, in order; with no threads, each evaluated in this thread. */
export function evaluateInThreads<T>(job: ThreadedEvaluation<T>): T[] {
  const indexes = Array.from({ length: job.count }, (_, i) => i);
  if (job.threads <= 0) return indexes.map((i) => job.evaluate(i));
  const shared = new SharedArrayBuffer(4 * (1 + job.threads));
  const counter = new Int32Array(shared);
  const source = workerSource(job.workerSetup);
  const workers: { worker: Worker; port: MessagePort; slot: number }[] = [];
  for (let w = 0; w < job.threads; w++) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(source, {
      eval: true,
      workerData: { shared, slot: 1 + w, port: port2, count: job.count, data: job.workerData },
      transferList: [port2],
    });
    worker.unref();
    workers.push({ worker, port: port1, slot: 1 + w });
  }
  const results = new Map<number, T>();
  const errors = new Map<number, string>();
  if (job.inThisThread) {
    for (let i = Atomics.add(counter, 0, 1); i < job.count; i = Atomics.add(counter, 0, 1)) results.set(i, job.evaluate(i));
  }
  for (const { worker, port, slot } of workers) {
    // A worker still preparing is told to stop when this thread has taken every input.
    if (!job.inThisThread || Atomics.compareExchange(counter, slot, 0, 3) !== 0) {
      const deadline = Date.now() + (job.inThisThread ? WORKER_GRACE_MS : WORKERS_ONLY_WAIT_MS);
      for (let state = Atomics.load(counter, slot); state !== 2 && Date.now() < deadline; state = Atomics.load(counter, slot)) {
        Atomics.wait(counter, slot, state, Math.max(1, deadline - Date.now()));
      }
    }
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const { i, result, error } = m.message as { i: number; result?: T; error?: string };
      if (error !== undefined) errors.set(i, error);
      else results.set(i, result as T);
    }
    port.close();
    void worker.terminate();
  }
  return indexes.map((i) => {
    const error = errors.get(i);
    if (error !== undefined) throw job.failure(i, error);
    if (results.has(i)) return results.get(i) as T;
    // Not reported by a worker (it failed, or is slow on this input): evaluated here.
    if (job.inThisThread) return job.evaluate(i);
    throw job.failure(i, 'no worker thread reported on it');
  });
}
