import { DEPLOYMENTS, parseDeployment } from '../deployment/types.js';
import { z } from 'zod';
import { NODE_NAME } from './names.js';

const port = z.number().int().min(1).max(65535);
const name = z.string().regex(NODE_NAME, 'a name of letters, digits, ".", "_" or "-"');

const target = {
  address: z.string().min(1),
  port: port.optional(),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_.-]*$/i, 'a user name')
    .optional(),
  private_key: z.string().min(1).optional(),
  jump: name.optional(),
  become: z.boolean().optional(),
};

/** `local`: the node is stackmedic's own host; its commands run there without SSH. */
const connection = z.enum(['ssh', 'local']).optional();

/** `deployment: kolla` (or `kolla-ansible`, `classic`), for the cluster or one node. */
const deployment = z
  .string()
  .refine((v) => parseDeployment(v) !== undefined, { message: `one of ${DEPLOYMENTS.join(', ')} (or kolla)` })
  .transform((v) => parseDeployment(v))
  .optional();

/** Schema of stackmedic's own YAML inventory. */
export const nativeInventorySchema = z
  .object({
    cluster: z.string().min(1).default('openstack'),
    known_hosts: z.string().min(1).optional(),
    openrc: z.string().min(1).optional(),
    deployment,
    defaults: z
      .object({
        user: target.user,
        port: target.port,
        private_key: target.private_key,
        jump: target.jump,
        become: target.become,
      })
      .strict()
      .default({}),
    /** Role names the nodes use, mapped to the roles stackmedic knows (`ctl: [controller]`). */
    roles: z.record(name, z.array(name)).default({}),
    jump_hosts: z.array(z.object({ name, ...target }).strict()).default([]),
    nodes: z
      .array(z.object({ name, ...target, connection, deployment, roles: z.array(name).min(1, 'at least one role') }).strict())
      .min(1, 'at least one node'),
  })
  .strict();

/** A parsed native inventory document. */
export type NativeInventory = z.infer<typeof nativeInventorySchema>;
