import { describe, expect, it } from 'vitest';
import { PERMISSION_NAMES } from '../../src/access/permissions.ts';
import { type ApiToken, type Me, makeCan, mayOpen, permissionText, tokenState } from '../src/access.ts';

const me = (permissions: string[]): Me => ({ mode: 'login', user: null, permissions, divisions: 'all' });

describe('what the dashboard shows a user', () => {
  it('opens a page when a granted pattern covers its permission', () => {
    const analyst = makeCan(me(['analytics:processMap:view', 'analytics:reports:view']));
    expect(mayOpen('map', analyst)).toBe(true);
    expect(mayOpen('reports', analyst)).toBe(true);
    expect(mayOpen('adminUsers', analyst)).toBe(false);
    expect(mayOpen('adminAudit', analyst)).toBe(false);
    expect(mayOpen('customers', analyst)).toBe(false);
    // A page without a listed permission (one's own API tokens) is for any signed-in user.
    expect(mayOpen('tokens', analyst)).toBe(true);
  });

  it('applies wildcard patterns as the server does', () => {
    const admin = makeCan(me(['*']));
    const auditor = makeCan(me(['admin:audit:*']));
    const journeys = makeCan(me(['journey:*']));
    expect(mayOpen('adminRoles', admin)).toBe(true);
    expect(mayOpen('adminAudit', auditor)).toBe(true);
    expect(mayOpen('adminUsers', auditor)).toBe(false);
    expect(mayOpen('customer', journeys)).toBe(true);
    expect(mayOpen('overview', journeys)).toBe(false);
  });

  it('has a French description for every permission', () => {
    for (const name of PERMISSION_NAMES) {
      expect(permissionText(name, undefined, 'fr'), name).not.toBe(permissionText(name, undefined, 'en'));
      expect(permissionText(name, undefined, 'fr'), name).not.toBe('');
    }
    expect(permissionText('future:thing:view', 'From the API', 'fr')).toBe('From the API');
  });

  it('tells active, expired and revoked tokens apart', () => {
    const token: ApiToken = {
      id: '1',
      name: 'n',
      scopes: ['analytics:*'],
      createdAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-02-01T00:00:00Z',
      lastUsedAt: null,
      revokedAt: null,
    };
    const now = Date.parse('2026-01-15T00:00:00Z');
    expect(tokenState(token, now)).toBe('active');
    expect(tokenState(token, Date.parse('2026-02-01T00:00:00Z'))).toBe('expired');
    expect(tokenState({ ...token, expiresAt: null }, Date.parse('2030-01-01T00:00:00Z'))).toBe('active');
    expect(tokenState({ ...token, revokedAt: '2026-01-10T00:00:00Z' }, now)).toBe('revoked');
  });
});
