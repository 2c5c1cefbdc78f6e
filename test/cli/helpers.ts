import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, isTTY = false): Run {
  let stdout = '';
  let stderr = '';
  const code = main(args, {
    cwd,
    env,
    isTTY,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const scratchDirs: string[] = [];

/** A fresh temporary folder, removed when the test file ends. */
export function scratch(prefix = 'cilint-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a repository into a fresh temporary folder and returns its path. */
export function repo(files: Record<string, string | Buffer>): string {
  const root = scratch();
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}
