/** Options, progress, resumable state and result of a re-encryption run. */
import { WantedEncryption } from './target';

export interface ReencryptOptions {
  readonly bucket: string;
  readonly wanted: WantedEncryption;
  /** Checkpoint file; a run that finds it continues where the last one stopped. */
  readonly stateFile: string;
  /** Only objects under this prefix. @default all objects */
  readonly prefix?: string;
  /**
   * At most this many objects per second (HeadObject + CopyObject each). An object over 5 GiB takes one
   * more slot per further request of its multipart copy (tags, create, each part, complete). @default 50
   */
  readonly ratePerSecond?: number;
  /** Above this many objects, write an S3 Batch Operations manifest instead of copying. @default 100000 */
  readonly batchThreshold?: number;
  /** Write the manifest whatever the count. */
  readonly forceManifest?: boolean;
  /** Manifest path. @default <stateFile>.manifest.csv */
  readonly manifestFile?: string;
  /** Save the checkpoint every this many objects (and at the end, on abort and on a fatal error). @default 25 */
  readonly saveEvery?: number;
  readonly region?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReencryptProgress) => void;
  /** Clock and sleep for the rate limiter (tests). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReencryptProgress {
  readonly done: number;
  readonly total: number;
  readonly copied: number;
}

/**
 * The checkpoint. Version 1 throughout: the multipart fields were added as optional fields, and a
 * checkpoint written before multipart copies existed (with `tooLarge`) still loads (see `tooLarge`).
 */
export interface ReencryptState {
  readonly version: 1;
  readonly bucket: string;
  readonly algorithm: string;
  readonly kmsKeyArn?: string;
  readonly prefix?: string;
  /** Objects to visit, one `bucket,url-encoded key` line each (also the Batch Operations manifest format). */
  worklist: string;
  listingComplete: boolean;
  total: number;
  /** Index of the next object of the worklist to visit. */
  nextIndex: number;
  /** Objects re-encrypted (by CopyObject or, over 5 GiB, by multipart copy). */
  copied: number;
  /** Of `copied`, those copied by multipart copy (over 5 GiB). */
  copiedMultipart?: number;
  alreadyEncrypted: number;
  /** Deleted or overwritten while the run was going (a new write already went through the policy). */
  changedDuringRun: number;
  /**
   * Legacy: checkpoints written before this tool copied objects over 5 GiB list here the objects it
   * skipped for that reason. A run that loads such a checkpoint visits them again (after the worklist)
   * and removes each one once handled; new checkpoints do not have this field.
   */
  tooLarge?: string[];
  /**
   * A multipart copy that was started and neither completed nor aborted (the process died during it).
   * The next run aborts it before anything else, so no incomplete upload is left billing storage.
   */
  openUpload?: { key: string; uploadId: string };
  failed: Array<{ key: string; error: string }>;
}

export interface ReencryptResult {
  readonly mode: 'copied' | 'manifest' | 'interrupted';
  readonly state: ReencryptState;
  readonly manifestFile?: string;
  readonly jobSpecFile?: string;
}

/** `interrupted`: the abort signal stopped a multipart copy between two parts (the upload was aborted). */
export type Outcome = 'done' | 'interrupted';
