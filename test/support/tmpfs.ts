/**
 * A small tmpfs to fill up, for the full-disk tests: mounting one needs root,
 * so those tests are skipped (`ignore: !isRoot`) elsewhere.
 */

/** Whether this process may mount a tmpfs. */
export const isRoot = Deno.uid() === 0;

/** Mounts a tmpfs of `size` (`6m`) at `mountPoint`. */
export function mountTmpfs(mountPoint: string, size: string): Promise<void> {
  return run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", mountPoint]);
}

/** Grows (or shrinks) the tmpfs at `mountPoint` to `size`, its files kept. */
export function resizeTmpfs(mountPoint: string, size: string): Promise<void> {
  return run("mount", ["-o", `remount,size=${size}`, mountPoint]);
}

/** Unmounts `mountPoint`; a failure is ignored (it is only cleaning up). */
export async function unmount(mountPoint: string): Promise<void> {
  await run("umount", [mountPoint]).catch(() => {});
}

async function run(command: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(command, { args, stderr: "piped" }).output();
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
  }
}
