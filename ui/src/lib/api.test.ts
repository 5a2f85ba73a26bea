import { describe, expect, it } from 'vitest';
import { ApiFailure, errorText } from './api.ts';

describe('errorText', () => {
  it('adds only the details the message does not already say', () => {
    const once = new ApiFailure(400, 'invalid_request', '`to`: Invalid ISO datetime', [{ path: 'to', message: 'Invalid ISO datetime' }]);
    expect(errorText(once)).toBe('`to`: Invalid ISO datetime');
    const more = new ApiFailure(400, 'invalid_request', 'the request is invalid', [
      { path: 'from', message: 'Invalid ISO datetime' },
      { path: 'to', message: 'before `from`' },
    ]);
    expect(errorText(more)).toBe('the request is invalid (from: Invalid ISO datetime; to: before `from`)');
    expect(errorText(new Error('network down'))).toBe('network down');
    expect(errorText('?')).toBe('something went wrong');
  });
});
