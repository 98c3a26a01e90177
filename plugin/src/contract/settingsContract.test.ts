import { describe, expect, expectTypeOf, it } from 'vitest';

import {
  type AppJsonData,
  checkApiKey,
  checkJsonData,
  type ConnectionJsonData,
  formatProblem,
  type JsonDataInput,
} from './settingsContract';

// Which values are accepted is held to the Go backend by
// tests/settings-parity; these tests cover the contract's own shape: the
// derived types, the order of problems and the message form.

const API = 'https://api.example.test/v1';
const messages = (jsonData: unknown) => checkJsonData(jsonData).map(formatProblem);

describe('the jsonData types derive from the definition', () => {
  it('gives every setting its JSON type, all optional as stored, apiUrl required as declared', () => {
    expectTypeOf<AppJsonData>().toEqualTypeOf<{
      apiUrl?: string;
      authHeader?: string;
      authScheme?: string;
      caCertificate?: string;
      timeoutSeconds?: number;
      maxResponseBytes?: number;
      allowInsecureLoopback?: boolean;
      allowedPaths?: string[];
      healthPath?: string;
      connections?: ConnectionJsonData[];
    }>();
    expectTypeOf<ConnectionJsonData['name']>().toEqualTypeOf<string>();
    expectTypeOf<JsonDataInput['apiUrl']>().toEqualTypeOf<string>();
    // A deployment's jsonData without apiUrl does not type-check.
    expectTypeOf<{ timeoutSeconds: number }>().not.toExtend<JsonDataInput>();
  });
});

describe('checkJsonData', () => {
  it('accepts what the backend accepts with defaults for every absent or null setting', () => {
    expect(checkJsonData({ apiUrl: API })).toEqual([]);
    expect(checkJsonData({ apiUrl: API, timeoutSeconds: null, authHeader: null, allowedPaths: null })).toEqual([]);
    // The backend ignores keys it does not know; infra refuses them on its own.
    expect(checkJsonData({ apiUrl: API, somethingElse: 1 })).toEqual([]);
  });

  it('says "field: problem. Fix: ..." for every problem, in the backend order: wrong types first, then the rules', () => {
    expect(
      messages({ healthPath: '/..', apiUrl: 'ftp://x', timeoutSeconds: '10', allowedPaths: ['/ok', '/a//b', '/..'] })
    ).toEqual([
      'timeoutSeconds: is "10", not a number. Fix: set a whole number of seconds from 1 to 300',
      'apiUrl: "ftp://x" has scheme "ftp". Fix: use https://, e.g. https://api.example.com/v1',
      'allowedPaths[1]: "/a//b" is not a usable path prefix (the path contains an empty segment (//)). Fix: use a plain path such as /v1/items',
      'healthPath: "/.." is not a usable path (the path contains a . or .. segment). Fix: use a plain path such as /profile that answers GET when the key is valid',
    ]);
  });

  it('names jsonData itself when it is not an object', () => {
    expect(messages([API])).toEqual(['jsonData: is a list, not an object. Fix: give the settings as a JSON object']);
    expect(messages('x'.repeat(100))[0]).toMatch(/^jsonData: is "x{36}\.\.\.", not an object/);
  });

  it('treats no jsonData as no settings: apiUrl is empty', () => {
    expect(messages(null)).toEqual([
      'apiUrl: is empty. Fix: set it to the https base URL of the API, e.g. https://api.example.com/v1',
    ]);
  });
});

describe('checkApiKey', () => {
  it('names apiKey and never quotes the key', () => {
    expect(checkApiKey('k-123')).toBeUndefined();
    expect(checkApiKey('')).toMatchObject({ field: 'apiKey', problem: 'no API key is stored' });
    const canary = 'canary-contract-key';
    for (const key of [`${canary}\n`, ` ${canary}`, `${canary}\u0000`, `${canary}\u0085`]) {
      const problem = checkApiKey(key);
      expect(problem?.field).toBe('apiKey');
      expect(formatProblem(problem!)).not.toContain(canary);
    }
  });
});
