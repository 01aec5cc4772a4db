import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../schemas/auth.schemas.js';
import { ANY_ROLE, admittedRoles, authorize, describeRoles, type RoleRequirement } from './authorize.js';

const keyWith = (...roles: Role[]): Principal => ({ tenantId: 'acme', apiKeyId: 'k1', keyName: 'test key', roles });

describe('authorize', () => {
  it('lets every authenticated key through ANY_ROLE, even one with no roles', () => {
    expect(() => authorize(keyWith(), ANY_ROLE, 'Reading stock')).not.toThrow();
    expect(() => authorize(keyWith('warehouse'), ANY_ROLE, 'Reading stock')).not.toThrow();
  });

  it('admits a key holding one of the listed roles, and admin everywhere', () => {
    expect(() => authorize(keyWith('planner', 'sales'), ['purchasing', 'sales'], 'Taking orders')).not.toThrow();
    expect(() => authorize(keyWith('admin'), ['warehouse'], 'Adjusting stock')).not.toThrow();
  });

  it("refuses any other key with 403 FORBIDDEN naming the action, the admitted roles and the key's roles", () => {
    expect(() => authorize(keyWith('warehouse', 'sales'), ['planner', 'service'], 'Training forecasts')).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        message: 'Training forecasts needs one of the roles: admin, planner, service; this key has warehouse, sales',
      }),
    );
  });

  it("means admin only by ['admin'], not by an empty list", () => {
    expect(() => authorize(keyWith('purchasing', 'warehouse', 'sales', 'planner', 'service'), ['admin'], 'Opening a site')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('needs one of the roles: admin;') }),
    );
    expect(() => authorize(keyWith('admin'), ['admin'], 'Opening a site')).not.toThrow();
    const empty = [] as unknown as RoleRequirement;
    expect(() => admittedRoles(empty)).toThrow(/admin only/);
    expect(() => authorize(keyWith('admin'), empty, 'Opening a site')).toThrow(/empty role list/);
  });

  it('describes a requirement for the API documentation', () => {
    expect(describeRoles(['planner', 'service'])).toBe('Needs one of the roles: admin, planner, service');
    expect(describeRoles(['admin'])).toBe('Needs one of the roles: admin');
    expect(describeRoles(ANY_ROLE)).toBe('Any valid API key, whatever its roles');
  });
});
