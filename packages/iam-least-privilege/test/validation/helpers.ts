/**
 * The day the validation tests judge suppressions on, and the waiver their valid suppressions carry:
 * both fixed, so no test depends on the real date. A far-future expiry (2999) would stay valid
 * whatever day the code compared it with, and so hide a bug in the expiry check; a waiver half a
 * year after the pinned day is valid only because the check reads that day.
 */
export const TODAY = '2026-06-01';

/** Owner and expiry of the tests' valid suppressions (valid on `TODAY`, as a real waiver is: months, not centuries). */
export const WAIVER = { owner: 'guardrails-maintainers', expires: '2026-12-31' };

/** Sets GUARDRAILS_TODAY to `today` and returns the function that puts the previous value back. */
function setToday(today: string): () => void {
  const saved = process.env.GUARDRAILS_TODAY;
  process.env.GUARDRAILS_TODAY = today;
  return () => {
    if (saved === undefined) delete process.env.GUARDRAILS_TODAY;
    else process.env.GUARDRAILS_TODAY = saved;
  };
}

/** Pins GUARDRAILS_TODAY for every test of the calling file (call it at the file's top level); restored after the file. */
export function pinToday(today: string = TODAY): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = setToday(today);
  });
  afterAll(() => restore?.());
}

/** Runs `fn` with GUARDRAILS_TODAY set to `today`. */
export function on<T>(today: string, fn: () => T): T {
  const restore = setToday(today);
  try {
    return fn();
  } finally {
    restore();
  }
}

/** `on` for an async run: GUARDRAILS_TODAY stays set until the run settles. */
export async function onAsync<T>(today: string, fn: () => Promise<T>): Promise<T> {
  const restore = setToday(today);
  try {
    return await fn();
  } finally {
    restore();
  }
}
