import type { UploadTicket } from '../../api/types';

/** What `POST .../documents/uploads` answers for a small file: one POST of the whole file to `target`. */
export function postTicket(changes: Partial<UploadTicket> = {}): UploadTicket {
  return {
    id: 'up1',
    filename: 'paper.pdf',
    size: 4,
    method: 'post',
    part_size: null,
    expires_at: '2030-01-01T00:00:00Z',
    target: { method: 'POST', url: '/api/v1/storage/local/tok', fields: {}, file_field: 'file' },
    parts: [],
    ...changes,
  };
}
