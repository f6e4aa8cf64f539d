/**
 * Coverage: which areas of `/cluster status` no node will check, and which nodes nothing checks.
 * Read from the health areas themselves (each runs its probes on nodes of the probes' roles), so
 * a new area or a probe on another role shows here without a change.
 */
import { healthAreas } from '../health/registry.js';
import type { Inventory } from '../inventory/types.js';
import { allProbes } from '../probes/index.js';
import { checksOf, type Check } from './types.js';

const { pass, fail, warn } = checksOf('coverage');

/** "a, b and c" (or "a, b or c") */
function and(items: readonly string[], word = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1) ?? ''}`;
}

/** The roles whose nodes run an area's probes (any one of them will do). */
function areaRoles(area: (typeof healthAreas)[number]): string[] {
  return [...new Set(area.probes.flatMap((p) => p.roles))];
}

/** The coverage checks of an inventory. */
export function checkCoverage(inventory: Inventory): Check[] {
  const present = new Set(inventory.nodes.flatMap((n) => n.roles));
  const checks: Check[] = [];
  const unchecked = new Map<string, string[]>();
  for (const area of healthAreas) {
    const roles = areaRoles(area);
    if (roles.some((r) => present.has(r))) continue;
    const key = roles.join(' or ');
    unchecked.set(key, [...(unchecked.get(key) ?? []), area.title]);
  }
  for (const [roles, titles] of unchecked) {
    checks.push(
      fail(
        `${roles} role`,
        `no node has the ${roles} role: ${and(titles)} will not be checked`,
        `map a group to it in ${inventory.source}: roles: [${roles.split(' or ')[0] ?? roles}] on those nodes (Ansible: a group named ${roles.split(' or ')[0] ?? roles}, or stackmedic_roles on the group)`,
      ),
    );
  }
  if (unchecked.size === 0) {
    checks.push(pass('areas', `every area of /cluster status has nodes to check it: ${and(healthAreas.map((a) => a.title))}`));
  }
  const known = [...new Set(allProbes.flatMap((p) => p.roles))];
  const ignored = inventory.nodes.filter((n) => !n.roles.some((r) => known.includes(r)));
  const byRoles = new Map<string, string[]>();
  for (const n of ignored) {
    const what = (n.groups?.length ? n.groups : n.roles).join(', ') || '(none)';
    byRoles.set(what, [...(byRoles.get(what) ?? []), n.name]);
  }
  for (const [what, names] of byRoles) {
    const one = names.length === 1;
    checks.push(
      warn(
        `group ${what}`,
        `${and(names)} (group ${what}) map${one ? 's' : ''} to no role stackmedic checks (${and(known)}): nothing will check ${one ? 'it' : 'them'}`,
        `if ${one ? 'it is a' : 'they are'} ${and(known, 'or')} node${one ? '' : 's'}, map the group to that role in ${inventory.source} (roles: [...], Ansible: stackmedic_roles); otherwise nothing is lost`,
      ),
    );
  }
  return checks;
}
