/**
 * Probe and runbook scripts that run a tool where it lives: inside a kolla container when the node
 * runs one by that name (docker or podman), on the host otherwise. The choice is made on the node,
 * in the same command, so a probe needs no earlier detection round trip and a node without
 * containers runs exactly the classic script.
 */
import { sh, shellQuote, ShellScript } from '../ssh/shell.js';

/** Printed instead of the tool's output when the container exists but is not running. */
export const CONTAINER_STOPPED_MARKER = '@@container-stopped';

/** `docker ps` filtered to exactly one name: true when a container of that name is listed. */
function listed(engine: string, container: string, all: boolean): string {
  return `${engine} ps${all ? ' -a' : ''} --format '{{.Names}}' 2>/dev/null | grep -qx ${shellQuote(container)}`;
}

/**
 * Runs `script` inside `container` through `<engine> exec NAME sh -c SCRIPT` when the node has that
 * container; prints `@@container-stopped NAME ENGINE` when it exists but is stopped; runs `script` on
 * the host when no engine lists it.
 */
export function inContainer(container: string, script: ShellScript): ShellScript {
  const branches = ['docker', 'podman'].map((engine) => {
    const exec = `${engine} exec ${shellQuote(container)} sh -c ${shellQuote(script.text)}`;
    return `${listed(engine, container, true)}; then if ${listed(engine, container, false)}; then ${exec}; else echo ${CONTAINER_STOPPED_MARKER} ${shellQuote(container)} ${engine}; fi`;
  });
  return ShellScript.raw(`if ${branches[0]}; elif ${branches[1]}; else ${script.text}; fi`);
}

/** The stopped container a script's output names, if it printed the marker. */
export function stoppedContainer(stdout: string): { container: string; engine: string } | undefined {
  const m = new RegExp(`^${CONTAINER_STOPPED_MARKER} (\\S+) (docker|podman)$`, 'm').exec(stdout);
  return m ? { container: m[1] ?? '', engine: m[2] ?? '' } : undefined;
}

/** The engine that lists `container` on the node (docker first), or nothing: a shell fragment printing `docker`, `podman` or ``. */
export function engineOf(container: string): ShellScript {
  return sh`if ${ShellScript.raw(listed('docker', container, true))}; then echo docker; elif ${ShellScript.raw(listed('podman', container, true))}; then echo podman; fi`;
}
