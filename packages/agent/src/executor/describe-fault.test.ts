import { describe, expect, it } from 'vitest';
import { describeFault } from './describe-fault.js';

const systemError = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code, syscall: 'write' });

describe('describeFault', () => {
  it.each([
    ['a plain error', new Error('boom'), 'boom'],
    ['a value that is not an Error', 'just text', 'just text'],
    [
      'a wrapped disk-full fault, naming ENOSPC',
      new Error('installing /srv/app/big.bin failed', { cause: systemError('ENOSPC', 'no space left on device, copyfile') }),
      'installing /srv/app/big.bin failed: ENOSPC: no space left on device, copyfile',
    ],
    [
      'a chain of wrappings, outermost first',
      new Error('DownloadBundle failed', { cause: new Error('cannot write bundle.part', { cause: systemError('EIO', 'i/o error, write') }) }),
      'DownloadBundle failed: cannot write bundle.part: EIO: i/o error, write',
    ],
  ])('describes %s', (_, error, expected) => {
    expect(describeFault(error)).toBe(expected);
  });

  it('stops at a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(describeFault(a)).toBe('a: b: a: b: a: b');
  });
});
