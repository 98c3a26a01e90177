import { describe, expect, it } from 'vitest';

import { connectionFromJsonData, jsonDataFromConnection, newConnection } from './form';
import { validateConnections } from './rules';
import { ConnectionJsonData } from './shape';

describe('connection form <-> jsonData', () => {
  it('round-trips a full connection', () => {
    const stored: ConnectionJsonData = {
      name: 'billing',
      auth: 'oauth2',
      apiUrl: 'https://billing.example.test/v1',
      oauth2: { tokenUrl: 'https://auth.example.test/token', clientId: 'kit', scopes: ['read', 'write'] },
      timeoutSeconds: 10,
      maxResponseBytes: 1024,
      allowInsecureLoopback: false,
      allowedPaths: ['/v1/invoices'],
      healthPath: '/ping',
      minRoles: { POST: 'Admin' },
      cache: { enabled: true, maxEntries: 100, maxBytes: 4096 },
      rateLimit: { perUserPerSecond: 5, perUserBurst: 10 },
    };
    expect(jsonDataFromConnection(connectionFromJsonData(stored))).toEqual(stored);
  });

  it('sends authHeader and authScheme only for auth apiKey, and no empty optional block', () => {
    const form = { ...newConnection(), name: 'crm', auth: 'mtls' as const };
    const out = jsonDataFromConnection(form);
    expect(out).not.toHaveProperty('authHeader');
    expect(out).not.toHaveProperty('authScheme');
    expect(out).not.toHaveProperty('oauth2');
    expect(out).not.toHaveProperty('minRoles');
    expect(out).not.toHaveProperty('cache');
    expect(out).not.toHaveProperty('rateLimit');
    expect(jsonDataFromConnection({ ...form, auth: 'apiKey' })).toMatchObject({
      authHeader: 'Authorization',
      authScheme: 'Bearer',
    });
  });
});

describe('validateConnections', () => {
  const good = (name: string) => ({
    ...newConnection(),
    name,
    flat: { ...newConnection().flat, apiUrl: 'https://api.example.test' },
  });

  it('accepts two good connections', () => {
    expect(validateConnections([good('billing'), good('crm')]).valid).toBe(true);
  });

  it("puts each reason beside its connection's field", () => {
    const a = good('billing');
    const b = {
      ...good('billing'),
      flat: { ...good('x').flat, apiUrl: 'http://api.example.test', timeoutSeconds: '0' },
    };
    const c = { ...good('crm'), auth: 'oauth2' as const };
    const d = good('Bad Name');
    const v = validateConnections([a, b, c, d]);
    expect(v.valid).toBe(false);
    expect(v.byId[a.id]).toEqual({});
    expect(v.byId[b.id].name).toBe(
      'name: "billing" is already the name of connections[0]. Fix: give every connection its own name'
    );
    expect(v.byId[b.id].apiUrl).toMatch(/^apiUrl: .* uses plain http/);
    expect(v.byId[b.id].timeoutSeconds).toMatch(/^timeoutSeconds: is 0, not a whole number from 1 to 300/);
    // The contract names a connection's first list-rule problem, as the backend does.
    expect(v.byId[c.id]).toEqual({
      'oauth2.tokenUrl': "oauth2.tokenUrl: is missing. Fix: set it to the https URL of the API's token endpoint",
    });
    expect(v.byId[d.id].name).toMatch(/^name: "Bad Name" is not a connection name\. Fix: /);
  });

  it('refuses an empty list', () => {
    expect(validateConnections([])).toMatchObject({
      valid: false,
      list: 'connections: is empty. Fix: add at least one connection',
    });
  });
});
