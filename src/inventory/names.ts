/** Node and role names accepted anywhere: conservative, so they are safe in messages and logs. */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Whether `name` has the shape of a node name (it still has to be in the inventory). */
export function isValidNodeName(name: string): boolean {
  return NODE_NAME.test(name);
}
