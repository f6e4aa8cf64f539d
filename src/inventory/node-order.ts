/** One collator for every node list: localeCompare with options builds one per call. */
const NODE_ORDER = new Intl.Collator('en', { numeric: true });

/** `node-9` before `node-10`: the order every node list is shown in. */
export function compareNodes(a: string, b: string): number {
  return NODE_ORDER.compare(a, b);
}
