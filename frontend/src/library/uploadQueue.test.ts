import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TEAM, apiError, stubFetch, type StubRequest } from '../test/fetchStub';
import { FakeXhr, formEntries, stubXhr } from './test/fakeXhr';
import { postTicket } from './test/uploadTicket';
import { UploadQueue, type UploadItem } from './uploadQueue';

const BASE = `/api/v1/teams/${TEAM.id}/documents/uploads`;
const S3 = 'http://s3.test:9000/bucket';

function pdf(name = 'paper.pdf', size = 10): File {
  return new File(['x'.repeat(size)], name, { type: 'application/pdf' });
}

function s3Ticket(id: string, size = 10) {
  return postTicket({
    id,
    size,
    target: {
      method: 'POST',
      url: S3,
      fields: { key: `k/${id}`, policy: 'p', 'Content-Type': 'application/pdf' },
      file_field: 'file',
    },
  });
}

function documentOut(id: string, title = 'paper') {
  return {
    id,
    title,
    filename: `${title}.pdf`,
    size: 10,
    state: 'queued',
    error: null,
    pages_done: 0,
    pages_total: null,
    authors: [],
    doi: '',
    arxiv_id: '',
    duplicate_of: null,
    uploaded_by: { id: 'u1', name: 'Ada' },
    tags: [],
    collections: [],
    created_at: '2025-01-31T09:30:00Z',
    updated_at: '2025-01-31T09:30:00Z',
  };
}

function only(queue: UploadQueue): UploadItem {
  const items = queue.getSnapshot();
  expect(items).toHaveLength(1);
  return items[0];
}

async function nextXhr(count = 1): Promise<FakeXhr> {
  await vi.waitFor(() => expect(FakeXhr.sent.length).toBeGreaterThanOrEqual(count));
  return FakeXhr.sent[count - 1];
}

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  stubXhr();
});

describe('UploadQueue', () => {
  it('sends a small file as a presigned POST form, reports byte progress and completes it', async () => {
    const requests = stubFetch({
      [`POST ${BASE}`]: { status: 201, body: s3Ticket('u1') },
      [`POST ${BASE}/u1/complete`]: { status: 201, body: documentOut('d1') },
    });
    const onDocument = vi.fn();
    const queue = new UploadQueue(TEAM.id, { onDocument });

    queue.add([pdf()]);
    const xhr = await nextXhr();

    expect(requests[0].body).toEqual({ filename: 'paper.pdf', size: 10, content_type: 'application/pdf' });
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe(S3);
    // The policy's fields first, the file last under the field S3 names.
    expect(formEntries(xhr.body)).toEqual([
      ['key', 'k/u1'],
      ['policy', 'p'],
      ['Content-Type', 'application/pdf'],
      ['file', 'file:paper.pdf'],
    ]);
    expect(only(queue)).toMatchObject({ phase: 'uploading', uploadId: 'u1', loaded: 0 });

    xhr.progress(4);
    expect(only(queue).loaded).toBe(4);

    xhr.respond(204);
    await vi.waitFor(() => expect(only(queue).phase).toBe('done'));
    expect(only(queue).document?.id).toBe('d1');
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: `${BASE}/u1/complete`, body: {} });
    expect(onDocument).toHaveBeenCalledWith(expect.objectContaining({ id: 'd1', state: 'queued' }));
  });

  it('sends a large file in parts, keeps each ETag and completes with the list', async () => {
    const requests = stubFetch({
      [`POST ${BASE}`]: {
        status: 201,
        body: {
          ...s3Ticket('u2', 10),
          method: 'multipart',
          part_size: 4,
          target: null,
          parts: [1, 2, 3].map((n) => ({ part_number: n, url: `${S3}/part${n}` })),
        },
      },
      [`POST ${BASE}/u2/complete`]: { status: 201, body: documentOut('d2') },
    });
    const queue = new UploadQueue(TEAM.id);
    queue.add([pdf('big.pdf', 10)]);

    const sizes: number[] = [];
    for (const [n, etag] of [
      [1, '"e1"'],
      [2, '"e2"'],
      [3, '"e3"'],
    ] as const) {
      const part = await nextXhr(n);
      expect(part.method).toBe('PUT');
      expect(part.url).toBe(`${S3}/part${n}`);
      sizes.push((part.body as Blob).size);
      part.progress((part.body as Blob).size / 2);
      expect(only(queue).loaded).toBe((n - 1) * 4 + (part.body as Blob).size / 2);
      part.respond(200, { ETag: etag });
    }

    await vi.waitFor(() => expect(only(queue).phase).toBe('done'));
    expect(sizes).toEqual([4, 4, 2]);
    expect(requests.at(-1)?.body).toEqual({
      parts: [
        { part_number: 1, etag: '"e1"' },
        { part_number: 2, etag: '"e2"' },
        { part_number: 3, etag: '"e3"' },
      ],
    });
  });

  it('sends a part again when the network drops it', async () => {
    stubFetch({
      [`POST ${BASE}`]: {
        status: 201,
        body: {
          ...s3Ticket('u3', 4),
          method: 'multipart',
          part_size: 4,
          target: null,
          parts: [{ part_number: 1, url: `${S3}/p1` }],
        },
      },
      [`POST ${BASE}/u3/complete`]: { status: 201, body: documentOut('d3') },
    });
    const queue = new UploadQueue(TEAM.id);
    queue.add([pdf('p.pdf', 4)]);

    (await nextXhr(1)).fail();
    (await nextXhr(2)).respond(200, { ETag: '"again"' });

    await vi.waitFor(() => expect(only(queue).phase).toBe('done'));
  });

  it("shows storage's refusal, releases the upload, and sends the file again on retry", async () => {
    let starts = 0;
    const requests = stubFetch({
      [`POST ${BASE}`]: () => ({ status: 201, body: s3Ticket(`u${++starts}`) }),
      [`DELETE ${BASE}/u1`]: { status: 204 },
      [`POST ${BASE}/u2/complete`]: { status: 201, body: documentOut('d9') },
    });
    const queue = new UploadQueue(TEAM.id);
    queue.add([pdf()]);

    (await nextXhr(1)).respond(
      403,
      {},
      '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Policy expired.</Message></Error>',
    );
    await vi.waitFor(() => expect(only(queue).phase).toBe('failed'));
    expect(only(queue).error).toEqual({
      code: 'AccessDenied',
      detail: 'Storage refused the file: Policy expired.',
    });
    await vi.waitFor(() => expect(requests.some((r) => r.method === 'DELETE')).toBe(true));

    queue.retry(only(queue).key);
    (await nextXhr(2)).respond(204);
    await vi.waitFor(() => expect(only(queue).phase).toBe('done'));
    expect(only(queue).error).toBeNull();
  });

  it("shows the server's detail when the start or the completion is refused", async () => {
    const requests = stubFetch({
      [`POST ${BASE}`]: (request: StubRequest) =>
        (request.body as { filename: string }).filename === 'huge.pdf'
          ? {
              status: 413,
              body: apiError(
                'file_too_large',
                'This file is 600 MB; the largest file your plan accepts is 512 MB.',
              ),
            }
          : { status: 201, body: s3Ticket('u5') },
      [`POST ${BASE}/u5/complete`]: {
        status: 400,
        body: apiError(
          'size_mismatch',
          'The stored file has 9 bytes, not the 10 announced. Upload it again.',
        ),
      },
    });
    const queue = new UploadQueue(TEAM.id);
    queue.add([pdf('huge.pdf'), pdf('short.pdf')]);

    (await nextXhr()).respond(204);
    // Too large for the plan: sending it again cannot help. Bytes lost on the way: it can.
    await vi.waitFor(() =>
      expect(queue.getSnapshot().map((item) => item.phase)).toEqual(['rejected', 'failed']),
    );
    expect(queue.getSnapshot().map((item) => item.error)).toEqual([
      {
        code: 'file_too_large',
        detail: 'This file is 600 MB; the largest file your plan accepts is 512 MB.',
      },
      {
        code: 'size_mismatch',
        detail: 'The stored file has 9 bytes, not the 10 announced. Upload it again.',
      },
    ]);
    // The server closed the upload it answered about: no abort after it (it would only be refused).
    expect(requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });

  it('does not offer to send again a file the server found is not a PDF', async () => {
    const requests = stubFetch({
      [`POST ${BASE}`]: { status: 201, body: s3Ticket('u7') },
      [`POST ${BASE}/u7/complete`]: {
        status: 415,
        body: apiError('not_a_pdf', 'renamed.pdf is not a PDF file.'),
      },
    });
    const queue = new UploadQueue(TEAM.id);
    queue.add([pdf('renamed.pdf')]);

    (await nextXhr()).respond(204);
    await vi.waitFor(() => expect(only(queue).phase).toBe('rejected'));
    expect(only(queue).error).toEqual({ code: 'not_a_pdf', detail: 'renamed.pdf is not a PDF file.' });
    queue.retry(only(queue).key);
    expect(only(queue).phase).toBe('rejected');
    expect(requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });

  it('cancels an upload in flight: aborts the request and drops the upload on the server', async () => {
    const requests = stubFetch({
      [`POST ${BASE}`]: { status: 201, body: s3Ticket('u6') },
      [`DELETE ${BASE}/u6`]: { status: 204 },
    });
    const onSettled = vi.fn();
    const queue = new UploadQueue(TEAM.id, { onSettled });
    queue.add([pdf()]);
    const xhr = await nextXhr();
    xhr.progress(5);

    queue.cancel(only(queue).key);

    expect(xhr.aborted).toBe(true);
    expect(queue.getSnapshot()).toEqual([]);
    await vi.waitFor(() => expect(requests.at(-1)).toMatchObject({ method: 'DELETE', path: `${BASE}/u6` }));
    expect(onSettled).toHaveBeenCalledWith(expect.objectContaining({ name: 'paper.pdf' }), 'cancelled');
    expect(requests.filter((r) => r.path.endsWith('/complete'))).toEqual([]);
  });

  it('uploads three files at a time and starts the next when one ends', async () => {
    let starts = 0;
    stubFetch({
      [`POST ${BASE}`]: () => ({ status: 201, body: s3Ticket(`u${++starts}`) }),
      ...Object.fromEntries(
        [1, 2, 3, 4, 5].map((n) => [
          `POST ${BASE}/u${n}/complete`,
          { status: 201, body: documentOut(`d${n}`) },
        ]),
      ),
    });
    const queue = new UploadQueue(TEAM.id);
    queue.add([1, 2, 3, 4, 5].map((n) => pdf(`f${n}.pdf`)));

    await nextXhr(3);
    const phases = () => queue.getSnapshot().map((item) => item.phase);
    expect(phases()).toEqual(['uploading', 'uploading', 'uploading', 'waiting', 'waiting']);

    FakeXhr.sent[1].respond(204);
    await nextXhr(4);
    await vi.waitFor(() =>
      expect(phases()).toEqual(['uploading', 'done', 'uploading', 'uploading', 'waiting']),
    );
  });

  it('refuses files that are plainly not PDFs without asking the server', () => {
    const requests = stubFetch({});
    const queue = new UploadQueue(TEAM.id);
    queue.add([new File(['hello'], 'notes.txt', { type: 'text/plain' })]);

    expect(only(queue)).toMatchObject({
      phase: 'rejected',
      error: { code: 'not_a_pdf', detail: 'notes.txt is not a PDF file.' },
    });
    expect(requests).toEqual([]);
    expect(FakeXhr.sent).toEqual([]);
  });
});
