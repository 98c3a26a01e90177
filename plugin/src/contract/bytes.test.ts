import { describe, expect, it } from 'vitest';

import { equalFold, goTrimSpace, toByteString, utf8Text } from './bytes';

describe('Go string semantics', () => {
  it("trims what Go's strings.TrimSpace trims, not what String.trim does", () => {
    expect(goTrimSpace('\u0085 x \u3000')).toBe('x');
    expect(goTrimSpace('\ufeffx')).toBe('\ufeffx');
  });

  it('folds case as strings.EqualFold does for ASCII targets', () => {
    expect(equalFold('LocalHost', 'localhost')).toBe(true);
    expect(equalFold('localho\u017ft', 'localhost')).toBe(true);
    expect(equalFold('localhosts', 'localhost')).toBe(false);
  });

  it('counts and decodes UTF-8 bytes', () => {
    expect(toByteString('\u00e9')).toBe('\u00c3\u00a9');
    expect(utf8Text('\u00c3\u00a9')).toBe('\u00e9');
    expect(utf8Text('\u00c0\u00ae')).toBeUndefined(); // the overlong "." Go refuses
  });
});
