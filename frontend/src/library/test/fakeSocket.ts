import { vi } from 'vitest';

/** A stand-in for WebSocket that tests open, feed and drop by hand. */
export class FakeSocket {
  static instances: FakeSocket[] = [];

  readonly url: string;
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }

  close(code = 1000) {
    this.closedWith = code;
  }

  // ---- driven by tests ----
  open() {
    this.onopen?.();
  }

  receive(event: unknown) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }

  /** The server or the network ended the connection. */
  drop(code = 1006) {
    this.onclose?.({ code });
  }

  static get last(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('No websocket was opened');
    return socket;
  }
}

export function stubWebSocket(): typeof FakeSocket {
  FakeSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  return FakeSocket;
}
