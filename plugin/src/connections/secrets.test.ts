import { describe, expect, it } from 'vitest';

import { connectionFromJsonData, newConnection } from './form';
import { planSecrets, secretSlots, slotId, storedAfter } from './secrets';

const CANARY = `canary-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n';

const stored = (name: string, auth: 'apiKey' | 'oauth2' | 'mtls' = 'apiKey') =>
  connectionFromJsonData({ name, auth, apiUrl: 'https://api.example.test' });
const none = new Set<string>();
const typedNothing = () => '';

describe('planSecrets', () => {
  it('sends nothing for a connection whose stored key stays', () => {
    const plan = planSecrets([stored('billing')], new Set(['billing.apiKey']), none, typedNothing);
    expect(plan).toEqual({ secureJsonData: {}, problems: {}, valid: true });
  });

  it("rotates one connection's key: only that field is sent", () => {
    const a = stored('billing');
    const b = stored('crm');
    const fields = new Set(['billing.apiKey', 'crm.apiKey']);
    const plan = planSecrets([a, b], fields, new Set([slotId(b.id, 'apiKey')]), (id) => (id === b.id ? CANARY : ''));
    expect(plan.secureJsonData).toEqual({ 'crm.apiKey': CANARY });
  });

  it("a renamed connection needs its key again under the new name, and clears the old name's", () => {
    const a = { ...stored('billing'), name: 'invoices' };
    expect(secretSlots(a, new Set(['billing.apiKey']), none)).toEqual([
      { secret: 'apiKey', key: 'invoices.apiKey', configured: false },
    ]);
    const refused = planSecrets([a], new Set(['billing.apiKey']), none, typedNothing);
    expect(refused.valid).toBe(false);
    expect(refused.problems[a.id].apiKey).toBe('invoices.apiKey: is required. Fix: type the key the API gave you');

    const plan = planSecrets([a], new Set(['billing.apiKey']), none, () => CANARY);
    expect(plan.secureJsonData).toEqual({ 'invoices.apiKey': CANARY, 'billing.apiKey': '' });
  });

  it("does not take a stale field under the new name as the renamed connection's key", () => {
    const a = { ...stored('billing'), name: 'crm' };
    expect(secretSlots(a, new Set(['billing.apiKey', 'crm.apiKey']), none)[0].configured).toBe(false);
  });

  it('clears every secure field of a removed connection, and no other stored field', () => {
    const plan = planSecrets(
      [stored('billing')],
      new Set(['billing.apiKey', 'crm.tlsClientCert', 'crm.tlsClientKey', 'someone-elses']),
      none,
      typedNothing
    );
    expect(plan.secureJsonData).toEqual({ 'crm.tlsClientCert': '', 'crm.tlsClientKey': '' });
  });

  it('swapping two names needs both keys again and clears nothing either now reads', () => {
    const a = { ...stored('one'), name: 'two' };
    const b = { ...stored('two'), name: 'one' };
    const plan = planSecrets([a, b], new Set(['one.apiKey', 'two.apiKey']), none, (id) => `${CANARY}-${id}`);
    expect(plan.secureJsonData).toEqual({ 'two.apiKey': `${CANARY}-${a.id}`, 'one.apiKey': `${CANARY}-${b.id}` });
  });

  it("changing the auth kind asks for the new kind's secrets and clears the old kind's", () => {
    const a = { ...stored('billing'), auth: 'mtls' as const };
    const plan = planSecrets([a], new Set(['billing.apiKey']), none, (_, s) => (s === 'tlsClientCert' ? CERT : KEY));
    expect(plan.secureJsonData).toEqual({
      'billing.tlsClientCert': CERT,
      'billing.tlsClientKey': KEY,
      'billing.apiKey': '',
    });
  });

  it("the switch from the old form clears the old apiKey and needs default's key typed", () => {
    const d = { ...newConnection(), name: 'default' };
    const plan = planSecrets([d], new Set(['apiKey']), none, () => CANARY);
    expect(plan.secureJsonData).toEqual({ 'default.apiKey': CANARY, apiKey: '' });
  });

  it('refuses a key with spaces at its ends and a certificate that is not PEM, quoting neither', () => {
    const k = { ...newConnection(), name: 'billing' };
    const m = { ...newConnection(), name: 'crm', auth: 'mtls' as const };
    const plan = planSecrets([k, m], none, none, (id, s) =>
      id === k.id ? ` ${CANARY}` : s === 'tlsClientCert' ? CANARY : KEY
    );
    expect(plan.valid).toBe(false);
    expect(plan.problems[k.id].apiKey).toMatch(/^billing\.apiKey: .*spaces/);
    expect(plan.problems[m.id].tlsClientCert).toBe(
      'crm.tlsClientCert: is not a PEM certificate. Fix: paste the PEM client certificate'
    );
    expect(JSON.stringify(plan.problems)).not.toContain(CANARY);
    expect(plan.secureJsonData).toEqual({ 'crm.tlsClientKey': KEY });
  });

  it('storedAfter: sent values are stored, cleared ones are no longer listed', () => {
    const plan = { secureJsonData: { 'a.apiKey': CANARY, 'b.apiKey': '' }, problems: {}, valid: true };
    expect([...storedAfter(new Set(['b.apiKey', 'c.apiKey']), plan)].sort()).toEqual(['a.apiKey', 'c.apiKey']);
  });
});
