import { QueryClient } from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnnotationExport } from '../api/types';
import { applyLiveEvent } from '../realtime/useLiveUpdates';
import { TEAM, apiError, stubFetch } from '../test/fetchStub';
import { ExportMenu } from './ExportMenu';

const DOC_ID = 'd0d0d0d0-0000-4000-8000-00000000000d';
const EXPORTS_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}/annotations/exports`;
const EXPORT_ID = 'e0000000-0000-4000-8000-000000000001';
const DOWNLOAD = 'https://s3.example/exports/paper-annotated.pdf?signature=abc';

function exportAs(fields: Partial<AnnotationExport>): AnnotationExport {
  return {
    id: EXPORT_ID,
    document_id: DOC_ID,
    format: 'pdf',
    state: 'pending',
    error: null,
    written: null,
    created_at: '2025-03-01T10:00:00Z',
    finished_at: null,
    download_url: null,
    expires_in: null,
    ...fields,
  };
}

const assign = vi.fn();

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  assign.mockReset();
  vi.stubGlobal('location', { ...window.location, assign });
});

afterEach(() => vi.unstubAllGlobals());

async function askForThePdf() {
  render(<ExportMenu teamId={TEAM.id} documentId={DOC_ID} />);
  await userEvent.click(screen.getByText('Export'));
  await userEvent.click(screen.getByRole('button', { name: 'PDF with annotations' }));
}

describe('ExportMenu', () => {
  it('shows "Preparing PDF…" until the worker says it is ready, then downloads it', async () => {
    let ready = false;
    const requests = stubFetch({
      [`POST ${EXPORTS_PATH}`]: { status: 202, body: exportAs({}) },
      [`GET ${EXPORTS_PATH}/${EXPORT_ID}`]: () => ({
        body: ready
          ? exportAs({ state: 'ready', written: 3, download_url: DOWNLOAD, expires_in: 300 })
          : exportAs({}),
      }),
    });

    await askForThePdf();

    expect(await screen.findByRole('button', { name: 'Preparing PDF…' })).toBeDisabled();
    expect(document.querySelector('details.export-menu')).not.toHaveAttribute('open'); // closed by the choice
    expect(requests[0].body).toEqual({ format: 'pdf' });
    ready = true;
    act(() =>
      applyLiveEvent(new QueryClient(), {
        type: 'annotation.export.finished',
        team_id: TEAM.id,
        document_id: DOC_ID,
        export: exportAs({ state: 'ready', written: 3 }),
      }),
    );
    await waitFor(() => expect(assign).toHaveBeenCalledWith(DOWNLOAD));
    expect(screen.getByRole('button', { name: 'PDF with annotations' })).toBeEnabled();
  });

  it('shows why a PDF could not be made', async () => {
    stubFetch({
      [`POST ${EXPORTS_PATH}`]: {
        status: 202,
        body: exportAs({
          state: 'failed',
          error: { code: 'pdf_unreadable', detail: 'The PDF could not be read to annotate it.' },
        }),
      },
    });

    await askForThePdf();

    expect(await screen.findByRole('alert')).toHaveTextContent('The PDF could not be read to annotate it.');
    expect(document.querySelector('details.export-menu')).toHaveAttribute('open'); // open again, to say why
    expect(assign).not.toHaveBeenCalled();
  });

  it("shows the server's refusal", async () => {
    stubFetch({
      [`POST ${EXPORTS_PATH}`]: {
        status: 400,
        body: apiError('document_too_large', 'The annotated PDF is made for documents of up to 500 pages.'),
      },
    });

    await askForThePdf();

    expect(await screen.findByRole('alert')).toHaveTextContent('up to 500 pages');
  });

  it('links the JSON-LD and Markdown exports, made at once', async () => {
    render(<ExportMenu teamId={TEAM.id} documentId={DOC_ID} />);
    const base = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}/annotations/export`;
    expect(screen.getByText('Annotations as Markdown')).toHaveAttribute('href', `${base}?format=markdown`);
    expect(screen.getByText('Annotations as JSON-LD (W3C)')).toHaveAttribute('href', `${base}?format=jsonld`);
  });
});
