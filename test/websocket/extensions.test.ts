import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateDeflate, parseExtensionHeader, type DeflateParams } from '../../src/websocket/index.js';

describe('parseExtensionHeader', () => {
  it('a Chrome-style offer', () => {
    assert.deepEqual(parseExtensionHeader(['permessage-deflate; client_max_window_bits']), [
      { name: 'permessage-deflate', params: [{ name: 'client_max_window_bits', value: null }] },
    ]);
  });

  it('several offers, several header lines, values, whitespace and case', () => {
    assert.deepEqual(
      parseExtensionHeader([
        'PerMessage-Deflate ;  Server_Max_Window_Bits = 10 ; client_no_context_takeover, permessage-deflate',
        'x-webkit-deflate-frame',
      ]),
      [
        {
          name: 'permessage-deflate',
          params: [
            { name: 'server_max_window_bits', value: '10' },
            { name: 'client_no_context_takeover', value: null },
          ],
        },
        { name: 'permessage-deflate', params: [] },
        { name: 'x-webkit-deflate-frame', params: [] },
      ],
    );
  });

  it('quoted-string values (RFC 7230 §3.2.6): separators inside quotes, backslash escapes', () => {
    assert.deepEqual(parseExtensionHeader(['foo; bar="a,b;c\\"d\\\\"; n="10", baz']), [
      {
        name: 'foo',
        params: [
          { name: 'bar', value: 'a,b;c"d\\' },
          { name: 'n', value: '10' },
        ],
      },
      { name: 'baz', params: [] },
    ]);
  });

  it('skips empty list elements and malformed pieces without throwing', () => {
    assert.deepEqual(parseExtensionHeader([', ,permessage-deflate,,', '=oops, "quoted", ok; =x; y junk here, last;']), [
      { name: 'permessage-deflate', params: [] },
      { name: 'ok', params: [{ name: 'y', value: null }] },
      { name: 'last', params: [] },
    ]);
    assert.deepEqual(parseExtensionHeader(['a; b="unterminated, c']), [{ name: 'a', params: [{ name: 'b', value: 'unterminated, c' }] }]);
    assert.deepEqual(parseExtensionHeader(['']), []);
  });
});

function negotiate(request: string[], response: string[]): DeflateParams | null {
  return negotiateDeflate(parseExtensionHeader(request), parseExtensionHeader(response));
}

const DEFAULTS: DeflateParams = {
  extension: 'permessage-deflate',
  perFrame: false,
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
  problems: [],
};

describe('negotiateDeflate', () => {
  it('null when the response accepts no deflate extension', () => {
    assert.equal(negotiate(['permessage-deflate'], []), null);
    assert.equal(negotiate(['permessage-deflate'], ['other-ext']), null);
  });

  it('defaults: 15-bit windows and context takeover both ways', () => {
    assert.deepEqual(negotiate(['permessage-deflate; client_max_window_bits'], ['permessage-deflate']), DEFAULTS);
  });

  it('reads every parameter from the response', () => {
    assert.deepEqual(
      negotiate(
        ['permessage-deflate; client_max_window_bits; server_max_window_bits=10'],
        ['permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9'],
      ),
      {
        ...DEFAULTS,
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 9,
      },
    );
  });

  it("takes the client's client_no_context_takeover promise when every offer made it (RFC 7692 §7.1.1.2)", () => {
    assert.equal(negotiate(['permessage-deflate; client_no_context_takeover'], ['permessage-deflate'])?.clientNoContextTakeover, true);
    assert.equal(
      negotiate(['permessage-deflate; client_no_context_takeover, permessage-deflate'], ['permessage-deflate'])?.clientNoContextTakeover,
      false,
    );
  });

  it('lists what breaks the negotiation rules and decodes with safe values', () => {
    assert.deepEqual(
      negotiate(
        ['permessage-deflate'],
        ['permessage-deflate; server_max_window_bits=7; client_max_window_bits=10; server_no_context_takeover=1; server_no_context_takeover; foo'],
      ),
      {
        ...DEFAULTS,
        serverNoContextTakeover: true,
        clientMaxWindowBits: 10,
        problems: [
          'server_max_window_bits=7 is not an integer from 8 to 15',
          'client_max_window_bits in the response, but the client did not offer it',
          'server_no_context_takeover must have no value',
          'server_no_context_takeover appears more than once',
          'unknown parameter foo',
        ],
      },
    );
    assert.deepEqual(negotiate([], ['permessage-deflate; server_max_window_bits=010'])?.problems, [
      'the server accepted permessage-deflate, which the client did not offer',
      'server_max_window_bits=010 is not an integer from 8 to 15',
    ]);
  });

  it('x-webkit-deflate-frame: per-frame, 15-bit windows, context kept', () => {
    assert.deepEqual(negotiate(['x-webkit-deflate-frame'], ['x-webkit-deflate-frame; no_context_takeover']), {
      ...DEFAULTS,
      extension: 'x-webkit-deflate-frame',
      perFrame: true,
    });
  });
});
