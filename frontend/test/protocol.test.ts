import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, helloRequest, parseServerMessage } from '../src/model/protocol';

describe('protocol', () => {
  it('says hello with the protocol version', () => {
    expect(helloRequest()).toEqual({ type: 'hello', v: PROTOCOL_VERSION });
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('reads the server hello', () => {
    const message = parseServerMessage('{"type":"hello","v":1,"server":"cowscope 0.1.0-SNAPSHOT","engine":"0.1.0"}');
    expect(message).toEqual({ type: 'hello', v: 1, server: 'cowscope 0.1.0-SNAPSHOT', engine: '0.1.0' });
  });

  it('reads an error', () => {
    expect(parseServerMessage('{"type":"error","code":"malformed","message":"not JSON"}')).toEqual({
      type: 'error',
      code: 'malformed',
      message: 'not JSON',
    });
  });

  it.each([
    ['not JSON', '{nope'],
    ['an array', '[1,2]'],
    ['no type', '{"v":1}'],
    ['an unknown type', '{"type":"teleport"}'],
    ['a hello without versions', '{"type":"hello","v":1}'],
    ['null', 'null'],
  ])('calls %s unreadable without throwing', (_name, text) => {
    expect(parseServerMessage(text).type).toBe('unreadable');
  });
});
