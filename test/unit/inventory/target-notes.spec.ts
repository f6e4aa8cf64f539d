import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryTarget } from '../../../src/cli/target.js';
import { readEnvOptions } from '../../../src/config/env.js';

const real = (name: string): string => join(import.meta.dirname, '../../fixtures/inventory/real', name);

describe('the CLI passes the loader notes on', () => {
  it('a vaulted inventory: the one line about vault reaches the note sink', () => {
    const lines: string[] = [];
    const target = inventoryTarget(real('vault/komodo.yml'), readEnvOptions({}), (l) => lines.push(l));
    expect(target.inventory.nodes).toHaveLength(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/komodo\.yml: stackmedic does not decrypt Ansible Vault; it ignored ansible_become_pass \(group all\)/);
  });

  it('an inventory without notes prints nothing', () => {
    const lines: string[] = [];
    inventoryTarget(real('kolla-ansible/multinode'), readEnvOptions({}), (l) => lines.push(l));
    expect(lines).toEqual([]);
  });
});
