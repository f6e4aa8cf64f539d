/**
 * Which inventory node the cluster's `openstack` CLI runs on, from what the inventory says: an
 * explicit choice (`openstack_cli:` in stackmedic's YAML, `stackmedic_openstack_cli` in Ansible)
 * wins; otherwise TripleO's undercloud (the `Undercloud` group tripleo-ansible-inventory writes,
 * or a stackmedic node with the `undercloud` role); otherwise none, and a controller reads the API.
 */
import { DEFAULT_OVERCLOUDRC, isUndercloudGroup, overcloudrcOf } from '../deployment/openstack-cli.js';
import { ConfigError } from '../errors.js';
import type { OpenstackCliHost } from './types.js';

/** `controllers`: read the API on a controller with the configured openrc, even with an undercloud in the inventory. */
export const ON_CONTROLLERS = 'controllers';

/** What the loaders found. */
export interface CliHostSources {
  /** The explicit choice: a node name or `controllers`, with the rc file when it gives one. */
  readonly explicit?: { readonly node: string; readonly rcPath?: string | undefined } | undefined;
  /** An rc file named apart from the choice (`stackmedic_overcloudrc`). */
  readonly rcPath?: string | undefined;
  /** The undercloud the inventory holds, with its stack (`plan: overcloud`) when it says, and what says it is one. */
  readonly undercloud?: { readonly node: string; readonly plan?: string | undefined; readonly from?: string } | undefined;
  /** Every node name of the inventory. */
  readonly nodes: readonly string[];
  /** Where the explicit choice was written, for messages. */
  readonly file: string;
  readonly field: string;
  /** Where the rc file was written, for messages. */
  readonly rcField: string;
}

/** The openstack CLI host of an inventory, or undefined when the API is read on a controller. */
export function chooseOpenstackCli(s: CliHostSources): OpenstackCliHost | undefined {
  const rcOf = (given: string | undefined, fallback: string): string => {
    const rc = given ?? fallback;
    // The path is read on the node, not here: `~` would be this host's home, a relative path nobody's.
    if (!rc.startsWith('/')) throw new ConfigError(s.file, s.rcField, `an absolute path on that node, e.g. ${DEFAULT_OVERCLOUDRC} (got "${rc}")`);
    return rc;
  };
  if (s.explicit) {
    if (s.explicit.node === ON_CONTROLLERS) return undefined;
    if (!s.nodes.includes(s.explicit.node)) {
      throw new ConfigError(s.file, s.field, `a node of this inventory or "${ON_CONTROLLERS}" (no node "${s.explicit.node}")`);
    }
    const plan = s.undercloud?.node === s.explicit.node ? s.undercloud.plan : undefined;
    return { node: s.explicit.node, rcPath: rcOf(s.explicit.rcPath ?? s.rcPath, overcloudrcOf(plan)), from: `${s.field} in the inventory` };
  }
  if (!s.undercloud) return undefined;
  return { node: s.undercloud.node, rcPath: rcOf(s.rcPath, overcloudrcOf(s.undercloud.plan)), from: s.undercloud.from ?? "TripleO's Undercloud group" };
}

/** `openstack_cli:` as stackmedic's YAML writes it. */
export type OpenstackCliChoice = 'controllers' | { readonly node: string; readonly openrc?: string | undefined };

/** The explicit choice of an `openstack_cli:` value, for `chooseOpenstackCli`. */
export function explicitChoice(choice: OpenstackCliChoice | undefined): CliHostSources['explicit'] {
  if (choice === undefined) return undefined;
  return choice === 'controllers' ? { node: ON_CONTROLLERS } : { node: choice.node, rcPath: choice.openrc };
}

/** The first stackmedic YAML node listing the `undercloud` role (any case), as TripleO names its group. */
export function undercloudNode(nodes: readonly { readonly name: string; readonly roles: readonly string[] }[]): { node: string; from: string } | undefined {
  const found = nodes.find((n) => n.roles.some(isUndercloudGroup));
  return found ? { node: found.name, from: 'the undercloud role in the inventory' } : undefined;
}
