import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, identityFromHeaders, identityHeaders, requireRole, type Identity } from './identity';

const secret = 'test-secret';
const citizen: Identity = { subject: 'u-1', roles: ['CITIZEN'], iin: '900101300017' };

describe('identity passed from the gateway to subgraphs', () => {
  it('round-trips through signed headers', () => {
    expect(identityFromHeaders(identityHeaders(citizen, secret), secret)).toEqual(citizen);
  });

  it('is absent when no headers are sent', () => {
    expect(identityFromHeaders({}, secret)).toBeNull();
  });

  it('refuses a forged or tampered identity with UNAUTHENTICATED', () => {
    const headers = identityHeaders(citizen, secret);
    const elevated = Buffer.from(JSON.stringify({ ...citizen, roles: ['SUPERVISOR'] })).toString('base64url');
    expect(() => identityFromHeaders({ ...headers, [IDENTITY_HEADER]: elevated }, secret)).toThrow(/signature/);
    expect(() => identityFromHeaders(identityHeaders(citizen, 'other-secret'), secret)).toThrow(/signature/);
    expect(() => identityFromHeaders({ [IDENTITY_HEADER]: headers[IDENTITY_HEADER]! }, secret)).toThrow(/malformed/);
    try {
      identityFromHeaders({ ...headers, [IDENTITY_SIGNATURE_HEADER]: 'x' }, secret);
    } catch (err) {
      expect((err as { extensions: { code: string } }).extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('enforces roles', () => {
    expect(requireRole(citizen, 'CITIZEN', 'COMPANY')).toBe(citizen);
    expect(() => requireRole(citizen, 'SUPERVISOR')).toThrow(/requires one of the roles SUPERVISOR/);
    expect(() => requireRole(null, 'CITIZEN')).toThrow(/sign in required/);
  });
});
