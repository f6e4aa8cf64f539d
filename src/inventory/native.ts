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

/** A cron expression of 5 or 6 fields, as STACKMEDIC_SCHEDULE takes. */
const schedule = z
  .string()
  .refine((v) => [5, 6].includes(v.trim().split(/\s+/).length), { message: 'a cron expression with 5 or 6 fields' })
  .optional();

/** `alertmanager_url:` this cluster's Alertmanager, for the Silence buttons (checked by inventoryAlertmanagerUrl, which names the cluster). */
const alertmanagerUrl = z.string().optional();

/**
 * `openstack_cli:` where the overcloud's `openstack` CLI runs: `{ node: undercloud, openrc:
 * /home/stack/overcloudrc }`, or `controllers` (a controller with `openrc:`, even on TripleO).
 */
const openstackCli = z.union([z.literal('controllers'), z.object({ node: name, openrc: z.string().min(1).optional() }).strict()]).optional();

const defaults = z
  .object({
    user: target.user,
    port: target.port,
    private_key: target.private_key,
    jump: target.jump,
    become: target.become,
  })
  .strict();

/** What one cluster declares, in a one-cluster file or under `clusters:`. */
const clusterFields = {
  known_hosts: z.string().min(1).optional(),
  openrc: z.string().min(1).optional(),
  deployment,
  schedule,
  alertmanager_url: alertmanagerUrl,
  openstack_cli: openstackCli,
  defaults: defaults.default({}),
  /** Role names the nodes use, mapped to the roles stackmedic knows (`ctl: [controller]`). */
  roles: z.record(name, z.array(name)).default({}),
  jump_hosts: z.array(z.object({ name, ...target }).strict()).default([]),
  nodes: z.array(z.object({ name, ...target, connection, deployment, roles: z.array(name).min(1, 'at least one role') }).strict()).min(1, 'at least one node'),
};

/** Schema of stackmedic's own YAML inventory. */
export const nativeInventorySchema = z
  .object({
    cluster: z.string().min(1).default('openstack'),
    ...clusterFields,
  })
  .strict();

/** A cluster name: it is typed in `--cluster NAME` and bound to channels, so the node name shape. */
export const clusterName = z.string().regex(NODE_NAME, 'a cluster name of letters, digits, ".", "_" or "-"');

/**
 * Schema of an inventory of several clusters: `clusters:` maps each name to its own inventory,
 * written inline (nodes, jump_hosts, known_hosts, openrc, deployment, schedule, alertmanager_url) or as
 * `inventory: FILE` (any inventory stackmedic reads, e.g. an Ansible one). The top-level
 * `defaults` apply to every inline cluster under its own.
 */
export const clusterSetSchema = z
  .object({
    defaults: defaults.default({}),
    clusters: z
      .record(clusterName, z.record(z.unknown(), { invalid_type_error: 'a mapping (nodes: ..., or inventory: FILE)' }))
      .refine((c) => Object.keys(c).length > 0, { message: 'at least one cluster' }),
  })
  .strict();

/** A cluster under `clusters:` that names its own inventory file (or directory). */
export const clusterFileSchema = z
  .object({
    inventory: z.string().min(1),
    schedule,
    alertmanager_url: alertmanagerUrl,
    known_hosts: z.string().min(1).optional(),
    openrc: z.string().min(1).optional(),
    openstack_cli: openstackCli,
  })
  .strict();

/** A cluster under `clusters:` written inline. */
export const inlineClusterSchema = z.object(clusterFields).strict();
