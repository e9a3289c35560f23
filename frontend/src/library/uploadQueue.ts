import { ApiError } from '../api/client';
import { abortUpload, completeUpload, startUpload } from '../api/documents';
import type { CompletedPart, DocumentSummary, UploadTicket } from '../api/types';

/**
 * The files a user is uploading to a team, sent straight to storage (S3 or the
 * local adapter: a presigned POST form, or presigned PUTs of parts) with
 * XMLHttpRequest for byte progress. At most `concurrency` files at a time;
 * the rest wait their turn. Framework-free: React reads it through
 * useSyncExternalStore (useUploadQueue).
 */

export type UploadPhase =
  | 'waiting' // in line behind other files
  | 'starting' // asking the server where to send it
  | 'uploading' // bytes on their way to storage
  | 'completing' // the server checks what arrived
  | 'done' // a document now, queued for parsing
  | 'failed' // can be retried (the network, storage or the server failed on its side)
  | 'rejected'; // refused (not a PDF, too large, not allowed): sending it again would not help

export interface UploadFailure {
  code: string;
  detail: string;
}

export interface UploadItem {
  /** Client-side id of this row. */
  readonly key: string;
  readonly file: File;
  readonly name: string;
  readonly size: number;
  readonly phase: UploadPhase;
  /** Bytes received by storage so far. */
  readonly loaded: number;
  readonly error: UploadFailure | null;
  readonly uploadId: string | null;
  readonly document: DocumentSummary | null;
  /** The document this file becomes a new version of; null for a new document. */
  readonly versionOf: string | null;
}

export interface UploadQueueOptions {
  concurrency?: number;
  /** Called once per file that became a document. */
  onDocument?: (document: DocumentSummary) => void;
  /** Called when a row ends: done, failed, rejected or cancelled. */
  onSettled?: (item: UploadItem, outcome: 'done' | 'failed' | 'rejected' | 'cancelled') => void;
  /** Attempts per part of a multipart upload before the file fails. */
  partAttempts?: number;
}

interface Running {
  xhr: XMLHttpRequest | null;
  cancelled: boolean;
}

class UploadError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    /** Worth sending the same bytes again (the network, or storage failing on its side). */
    readonly transient = false,
  ) {
    super(detail);
  }
}

const PDF_NAME = /\.pdf$/i;
const PDF_TYPES = new Set(['application/pdf', 'application/x-pdf']);

/** Plainly not a PDF: neither its type nor its name says PDF. The server checks the bytes anyway. */
export function looksLikePdf(file: File): boolean {
  return PDF_TYPES.has(file.type) || PDF_NAME.test(file.name);
}

let nextKey = 0;

export class UploadQueue {
  private items: readonly UploadItem[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly running = new Map<string, Running>();
  private readonly concurrency: number;

  constructor(
    readonly teamId: string,
    private readonly options: UploadQueueOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 3;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The rows, oldest first; a new array after every change. */
  getSnapshot = (): readonly UploadItem[] => this.items;

  /**
   * Queue files (from a drop or the file picker); plainly non-PDF files are refused at once. With
   * `versionOf`, each file is uploaded as a new version of that document. Returns the new rows' keys.
   */
  add(files: Iterable<File>, { versionOf = null }: { versionOf?: string | null } = {}): string[] {
    const added: UploadItem[] = [];
    for (const file of files) {
      const pdf = looksLikePdf(file);
      added.push({
        key: `upload-${++nextKey}`,
        file,
        name: file.name,
        size: file.size,
        phase: pdf ? 'waiting' : 'rejected',
        loaded: 0,
        error: pdf ? null : { code: 'not_a_pdf', detail: `${file.name} is not a PDF file.` },
        uploadId: null,
        document: null,
        versionOf,
      });
    }
    if (added.length === 0) return [];
    this.items = [...this.items, ...added];
    this.emit();
    for (const item of added) if (item.phase === 'rejected') this.options.onSettled?.(item, 'rejected');
    this.pump();
    return added.map((item) => item.key);
  }

  /** Stop an upload that has not reached the server's checks; what storage holds of it is dropped. */
  cancel(key: string): void {
    const item = this.find(key);
    if (!item || !['waiting', 'starting', 'uploading'].includes(item.phase)) return;
    const running = this.running.get(key);
    if (running) {
      running.cancelled = true;
      running.xhr?.abort();
    }
    if (item.uploadId) this.abandon(item.uploadId);
    this.items = this.items.filter((row) => row.key !== key);
    this.emit();
    this.options.onSettled?.(item, 'cancelled');
    this.pump();
  }

  /** Send a failed file again, from the start. */
  retry(key: string): void {
    const item = this.find(key);
    if (!item || item.phase !== 'failed') return;
    this.update(key, { phase: 'waiting', loaded: 0, error: null, uploadId: null });
    this.pump();
  }

  /** Forget a row that has ended (done, failed or rejected). */
  dismiss(key: string): void {
    const item = this.find(key);
    if (!item || !['done', 'failed', 'rejected'].includes(item.phase)) return;
    this.items = this.items.filter((row) => row.key !== key);
    this.emit();
  }

  /** Cancel everything in flight (the user left the team's pages for good). */
  cancelAll(): void {
    for (const item of this.items) this.cancel(item.key);
  }

  // ---- internals ------------------------------------------------------------

  private find(key: string): UploadItem | undefined {
    return this.items.find((item) => item.key === key);
  }

  private update(key: string, changes: Partial<UploadItem>): void {
    let found = false;
    this.items = this.items.map((item) => {
      if (item.key !== key) return item;
      found = true;
      return { ...item, ...changes };
    });
    if (found) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private pump(): void {
    for (const item of this.items) {
      if (this.running.size >= this.concurrency) return;
      if (item.phase === 'waiting' && !this.running.has(item.key)) void this.run(item);
    }
  }

  private abandon(uploadId: string): void {
    // Releases the space the upload holds in the plan; the server may already have closed it.
    abortUpload(this.teamId, uploadId).catch(() => undefined);
  }

  private async run(item: UploadItem): Promise<void> {
    const running: Running = { xhr: null, cancelled: false };
    this.running.set(item.key, running);
    let uploadId: string | null = null;
    let answered = false; // the server has answered the completion: the upload is its to close
    try {
      this.update(item.key, { phase: 'starting', loaded: 0, error: null });
      const ticket = await startUpload(this.teamId, {
        filename: item.name,
        size: item.size,
        content_type: item.file.type,
        ...(item.versionOf ? { document: item.versionOf } : {}),
      });
      uploadId = ticket.id;
      if (running.cancelled) {
        this.abandon(ticket.id);
        return;
      }
      this.update(item.key, { phase: 'uploading', uploadId: ticket.id });
      const parts =
        ticket.method === 'multipart'
          ? await this.sendParts(item, ticket, running)
          : await this.sendForm(item, ticket, running);
      if (running.cancelled) return;
      this.update(item.key, { phase: 'completing', loaded: item.size });
      const document = await completeUpload(this.teamId, ticket.id, parts).catch((error: unknown) => {
        answered = error instanceof ApiError && error.status > 0;
        throw error;
      });
      this.update(item.key, { phase: 'done', document });
      this.options.onDocument?.(document);
      this.options.onSettled?.(this.find(item.key) ?? item, 'done');
    } catch (error) {
      if (running.cancelled) return;
      const refused = isRefusal(error);
      this.update(item.key, { phase: refused ? 'rejected' : 'failed', error: failureOf(error) });
      // Released at once, not by the hourly sweep, unless the server answered its completion (closing it).
      if (uploadId && !answered) this.abandon(uploadId);
      this.options.onSettled?.(this.find(item.key) ?? item, refused ? 'rejected' : 'failed');
    } finally {
      this.running.delete(item.key);
      this.pump();
    }
  }

  /** A presigned POST: the form's fields first, the file last. */
  private async sendForm(item: UploadItem, ticket: UploadTicket, running: Running): Promise<undefined> {
    const target = ticket.target;
    if (!target) throw new UploadError('bad_ticket', 'The server did not say where to send the file.');
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append(target.file_field, item.file, item.name);
    await send(running, 'POST', target.url, form, (loaded) =>
      this.update(item.key, { loaded: Math.min(loaded, item.size) }),
    );
    return undefined;
  }

  /** A multipart upload: each slice PUT to its own URL, one after the other, each retried on its own. */
  private async sendParts(
    item: UploadItem,
    ticket: UploadTicket,
    running: Running,
  ): Promise<CompletedPart[]> {
    const partSize = ticket.part_size;
    if (!partSize || ticket.parts.length === 0) {
      throw new UploadError('bad_ticket', 'The server did not say where to send the file.');
    }
    const attempts = this.options.partAttempts ?? 3;
    const completed: CompletedPart[] = [];
    for (const part of ticket.parts) {
      const start = (part.part_number - 1) * partSize;
      const slice = item.file.slice(start, Math.min(start + partSize, item.size));
      for (let attempt = 1; ; attempt++) {
        try {
          const xhr = await send(running, 'PUT', part.url, slice, (loaded) =>
            this.update(item.key, { loaded: Math.min(start + loaded, item.size) }),
          );
          const etag = xhr.getResponseHeader('ETag');
          if (!etag) {
            throw new UploadError(
              'etag_hidden',
              "Storage accepted a part but did not show its ETag; its CORS rules must expose the 'ETag' header.",
            );
          }
          completed.push({ part_number: part.part_number, etag });
          break;
        } catch (error) {
          if (
            running.cancelled ||
            !(error instanceof UploadError) ||
            !error.transient ||
            attempt >= attempts
          ) {
            throw error;
          }
        }
      }
    }
    return completed;
  }
}

function send(
  running: Running,
  method: 'POST' | 'PUT',
  url: string,
  body: FormData | Blob,
  onProgress: (loaded: number) => void,
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    running.xhr = xhr;
    xhr.open(method, url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr);
      else reject(storageError(xhr));
    };
    xhr.onerror = () =>
      reject(
        new UploadError(
          'network_error',
          'The file could not be sent to storage. Check your connection and try again.',
          true,
        ),
      );
    xhr.onabort = () => reject(new UploadError('cancelled', 'The upload was cancelled.'));
    xhr.send(body);
  });
}

/** Storage's refusal: the local adapter answers in the API's JSON shape, S3 in XML. */
function storageError(xhr: XMLHttpRequest): UploadError {
  const text = typeof xhr.responseText === 'string' ? xhr.responseText : '';
  const transient = xhr.status >= 500;
  try {
    const body = JSON.parse(text) as { code?: unknown; detail?: unknown };
    if (typeof body.code === 'string' && typeof body.detail === 'string') {
      return new UploadError(body.code, body.detail, transient);
    }
  } catch {
    // Not JSON: S3's XML, or nothing.
  }
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.trim();
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1]?.trim();
  return new UploadError(
    code ?? 'storage_error',
    message
      ? `Storage refused the file: ${message}`
      : `Storage refused the file (HTTP ${xhr.status}). Try again in a moment.`,
    transient,
  );
}

/**
 * The server refused the file or the user for good: not a PDF (415), larger than the plan allows (413),
 * not allowed (403), or the team or document is gone (404). Anything else may go through another time:
 * the network, storage, bytes lost on the way (400), a limit the team can make room under (409).
 */
function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && [403, 404, 413, 415].includes(error.status);
}

function failureOf(error: unknown): UploadFailure {
  if (error instanceof ApiError || error instanceof UploadError)
    return { code: error.code, detail: error.detail };
  return { code: 'unexpected', detail: 'Something went wrong while uploading. Try again.' };
}

/** One queue per query client and `key` (user and team), so uploads go on while the user visits other pages. */
const queues = new WeakMap<object, Map<string, UploadQueue>>();

export function uploadQueueFor(
  owner: object,
  key: string,
  teamId: string,
  options: UploadQueueOptions = {},
): UploadQueue {
  let byKey = queues.get(owner);
  if (!byKey) {
    byKey = new Map();
    queues.set(owner, byKey);
  }
  let queue = byKey.get(key);
  if (!queue) {
    queue = new UploadQueue(teamId, options);
    byKey.set(key, queue);
  }
  return queue;
}
