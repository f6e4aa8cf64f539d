/**
 * Probe and runbook scripts that run a tool where it lives: inside a kolla container when the node
 * runs one by that name (docker or podman), on the host otherwise. The choice is made on the node,
 * in the same command, so a probe needs no earlier detection round trip and a node without
 * containers runs exactly the classic script.
 */
import { shellQuote, ShellScript } from '../ssh/shell.js';

/** Printed instead of the tool's output when the container exists but is not running. */
export const CONTAINER_STOPPED_MARKER = '@@container-stopped';

/** True when the engine knows a container of that name, running or not (no `grep`: nothing beyond the engine is needed). */
function exists(engine: string, container: string): string {
  return `${engine} container inspect ${shellQuote(container)} >/dev/null 2>&1`;
}

/** True when the container runs: `exec` fails on a stopped one. */
function runs(engine: string, container: string): string {
  return `${engine} exec ${shellQuote(container)} true >/dev/null 2>&1`;
}

/**
 * Runs `script` inside `container` through `<engine> exec NAME sh -c SCRIPT` when the node has that
 * container; prints `@@container-stopped NAME ENGINE` when it exists but is stopped; runs `script` on
 * the host when no engine lists it.
 */
export function inContainer(container: string, script: ShellScript): ShellScript {
  const branches = ['docker', 'podman'].map((engine) => {
    const exec = `${engine} exec ${shellQuote(container)} sh -c ${shellQuote(script.text)}`;
    return `${exists(engine, container)}; then if ${runs(engine, container)}; then ${exec}; else echo ${CONTAINER_STOPPED_MARKER} ${shellQuote(container)} ${engine}; fi`;
  });
  return ShellScript.raw(`if ${branches[0]}; elif ${branches[1]}; else ${script.text}; fi`);
}

/** The stopped container a script's output names, if it printed the marker. */
export function stoppedContainer(stdout: string): { container: string; engine: string } | undefined {
  const m = new RegExp(`^${CONTAINER_STOPPED_MARKER} (\\S+) (docker|podman)$`, 'm').exec(stdout);
  return m ? { container: m[1] ?? '', engine: m[2] ?? '' } : undefined;
}
