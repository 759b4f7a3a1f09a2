/** One header as it appeared, order and spelling kept. */
export type HeaderField = [name: string, value: string];

export interface HttpRequestHead {
  ts: number;
  packet: number;
  method: string;
  target: string;
  version: string;
  headers: HeaderField[];
}

export interface HttpResponseHead {
  ts: number;
  packet: number;
  version: string;
  status: number;
  reason: string;
  headers: HeaderField[];
}
