/**
 * Probe and runbook scripts that run a tool where it lives: inside a kolla container when the node
 * runs one by that name (docker or podman), inside the replica of a TripleO pacemaker bundle that
 * runs on the node (`rabbitmq-bundle-podman-N`), on the host otherwise. The choice is made on the
 * node, in the same command, so a probe needs no earlier detection round trip and a node without
 * containers runs exactly the classic script.
 */
import { shellQuote, ShellScript } from '../ssh/shell.js';
import { BUNDLE_REPLICAS_SEARCHED, TRIPLEO_BUNDLE_OF } from './tripleo.js';

/** Printed instead of the tool's output when the container exists but is not running. */
export const CONTAINER_STOPPED_MARKER = '@@container-stopped';

/** True when the engine knows a container of that name, running or not (no `grep`: nothing beyond the engine is needed). */
function exists(engine: string, container: string): string {
  return `${engine} container inspect ${container} >/dev/null 2>&1`;
}

/** True when the container runs: `exec` fails on a stopped one. */
function runs(engine: string, container: string): string {
  return `${engine} exec ${container} true >/dev/null 2>&1`;
}

/** Runs `script` in `container` (a quoted name or `"$c"`), or says the container is stopped. */
function execOrStopped(engine: string, container: string, script: ShellScript): string {
  const exec = `${engine} exec ${container} sh -c ${shellQuote(script.text)}`;
  return `if ${runs(engine, container)}; then ${exec}; else echo ${CONTAINER_STOPPED_MARKER} ${container} ${engine}; fi`;
}

/**
 * Finds the node's replica of `bundle` into `$c`: pacemaker numbers replicas across the cluster,
 * so the node's own number is read from podman (without command substitution, which the fixed
 * scripts do not use).
 */
function findBundleReplica(bundle: string): string {
  const replicas = Array.from({ length: BUNDLE_REPLICAS_SEARCHED }, (_, i) => i).join(' ');
  return `for n in ${replicas}; do if test -z "$c" && ${exists('podman', `${bundle}-podman-$n`)}; then c=${bundle}-podman-$n; fi; done`;
}

/**
 * Runs `script` inside `container` through `<engine> exec NAME sh -c SCRIPT` when the node has that
 * container, or inside the node's replica of the TripleO bundle running that service; prints
 * `@@container-stopped NAME ENGINE` when the container exists but is stopped; runs `script` on
 * the host when no engine lists any of them.
 */
export function inContainer(container: string, script: ShellScript): ShellScript {
  const name = shellQuote(container);
  const branches = ['docker', 'podman'].map((engine) => `${exists(engine, name)}; then ${execOrStopped(engine, name, script)}`);
  const bundle = TRIPLEO_BUNDLE_OF[container];
  // The replica search is the condition of its own branch, so the host script stays the last one, as is.
  if (bundle) {
    branches.push(
      `c=; if command -v podman >/dev/null 2>&1; then ${findBundleReplica(bundle)}; fi; test -n "$c"; then ${execOrStopped('podman', '"$c"', script)}`,
    );
  }
  return ShellScript.raw(`if ${branches.join('; elif ')}; else ${script.text}; fi`);
}

/** The stopped container a script's output names, if it printed the marker. */
export function stoppedContainer(stdout: string): { container: string; engine: string } | undefined {
  const m = new RegExp(`^${CONTAINER_STOPPED_MARKER} (\\S+) (docker|podman)$`, 'm').exec(stdout);
  return m ? { container: m[1] ?? '', engine: m[2] ?? '' } : undefined;
}
