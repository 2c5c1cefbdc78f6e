import { spawnSync } from 'node:child_process';
import { lstatSync, realpathSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover, projectRoot } from '../../src/engine/discover.js';
import { decodeText, FsHost, MAX_FILE_BYTES, readRegularFile, readStatted, RealFolders } from '../../src/engine/fs-host.js';
import { repo } from '../cli/helpers.js';

describe('readRegularFile', () => {
  const cases: [string, Buffer][] = [
    ['ASCII', Buffer.from('build:\n  script: echo hi\n')],
    ['UTF-8 with a BOM', Buffer.from('\ufeffbuild: {}\n')],
    ['UTF-8 that writes U+FFFD itself', Buffer.from('x: "\ufffd é"\n')],
    ['bytes that are not UTF-8', Buffer.from([0x78, 0x3a, 0x20, 0xc3, 0x28, 0x0a])],
    ['a NUL byte', Buffer.from('x: 1\n\0\n')],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x: é\n', 'utf16le')])],
    ['UTF-16BE with a BOM', Buffer.from([0xfe, 0xff, 0x00, 0x78, 0x00, 0x3a, 0x00, 0x20, 0x00, 0xe9])],
  ];
  it.each(cases)('reads %s exactly as decodeText does', (_, bytes) => {
    const file = join(repo({ f: bytes }), 'f');
    const decoded = decodeText(bytes);
    expect(readRegularFile(file)).toEqual('error' in decoded ? { ...decoded, reason: 'invalid' } : decoded);
  });

  it('reads a long file whose text shows U+FFFD byte for byte', () => {
    const bytes = Buffer.from(`x: "\ufffd"\n${'y: 1\n'.repeat(40_000)}z: "\u00e9"\n`);
    expect(readRegularFile(join(repo({ f: bytes }), 'f'))).toEqual({ text: bytes.toString('utf8') });
  });

  it('refuses a folder and a file over the size limit without reading them, follows a symlink', () => {
    const dir = repo({ 'sub/f.yml': 'a: 1\n' });
    expect(readRegularFile(join(dir, 'sub'))).toEqual({ error: 'it is a directory', reason: 'unreadable' });
    const big = join(dir, 'big.yml');
    truncateSync(join(dir, 'sub/f.yml'));
    writeFileSync(big, '');
    truncateSync(big, MAX_FILE_BYTES + 1); // sparse: nothing is written
    expect(readRegularFile(big)).toEqual({ error: 'it is larger than 64 MiB', reason: 'invalid' });
    symlinkSync('sub/f.yml', join(dir, 'link.yml'));
    expect(readRegularFile(join(dir, 'link.yml'))).toEqual({ text: '' });
    expect(() => readRegularFile(join(dir, 'missing.yml'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('refuses what decodeText refuses', () => {
    expect(readRegularFile(join(repo({ f: Buffer.from([0xc3, 0x28]) }), 'f'))).toEqual({ error: 'it is not valid UTF-8 text', reason: 'invalid' });
  });
});

describe('readStatted: a file swapped after its stat', () => {
  it('refuses a symlink put in its place, even one leading out of the repository', () => {
    const dir = repo({ 'p/a.yml': 'a: 1\n', 'secret.yml': 's: 1\n' });
    const path = join(dir, 'p/a.yml');
    const st = lstatSync(path);
    unlinkSync(path);
    symlinkSync('../secret.yml', path);
    expect(() => readStatted(path, st, { noFollow: true })).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });

  it('does not wait on a named pipe put in its place', () => {
    // In a child process with a timeout: an open that waits for a writer would hang the tests.
    const dir = repo({ 'a.yml': 'a: 1\n' });
    const path = join(dir, 'a.yml');
    const script = `
      import { lstatSync, unlinkSync } from 'node:fs';
      import { execFileSync } from 'node:child_process';
      import { readStatted } from ${JSON.stringify(fileURLToPath(new URL('../../dist/src/engine/fs-host.js', import.meta.url)))};
      const st = lstatSync(${JSON.stringify(path)});
      unlinkSync(${JSON.stringify(path)});
      execFileSync('mkfifo', [${JSON.stringify(path)}]);
      process.stdout.write(JSON.stringify(readStatted(${JSON.stringify(path)}, st, { noFollow: true })));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ error: 'it is a named pipe (FIFO), not a file', reason: 'unreadable' });
  });
});

describe('FsHost', () => {
  it('reads files inside its root and refuses paths that leave it', () => {
    const dir = repo({ 'p/.gitlab-ci.yml': 'a: 1\n', 'outside.yml': 'b: 2\n' });
    const host = new FsHost(join(dir, 'p'));
    expect(host.read('.gitlab-ci.yml')).toMatchObject({ text: 'a: 1\n' });
    expect(host.read('../outside.yml')).toMatchObject({ reason: 'unreadable' });
    expect(host.read('missing.yml')).toMatchObject({ error: 'no such file', reason: 'unreadable' });
  });

  it('follows symlinks, files and folders, only as far as the root', () => {
    const dir = repo({ 'p/.gitlab-ci.yml': '', 'p/real/in.yml': 'in: 1\n', 'secret/s.yml': 's: 1\n' });
    const p = join(dir, 'p');
    symlinkSync('real', join(p, 'inside'));
    symlinkSync('../secret', join(p, 'outside'));
    symlinkSync('real/in.yml', join(p, 'file-in.yml'));
    symlinkSync('../secret/s.yml', join(p, 'file-out.yml'));
    symlinkSync('nowhere.yml', join(p, 'dangling.yml'));
    symlinkSync('loop.yml', join(p, 'loop.yml'));
    const host = new FsHost(p);
    expect(host.read('inside/in.yml')).toMatchObject({ text: 'in: 1\n', relPath: 'inside/in.yml' });
    expect(host.read('file-in.yml')).toMatchObject({ text: 'in: 1\n' });
    const outside = { error: 'the path resolves outside the repository root', reason: 'unreadable' };
    expect(host.read('outside/s.yml')).toEqual(outside);
    expect(host.read('file-out.yml')).toEqual(outside);
    expect(host.read('dangling.yml')).toEqual({ error: 'no such file', reason: 'unreadable' });
    expect(host.read('loop.yml')).toEqual({ error: 'too many levels of symbolic links', reason: 'unreadable' });
    expect(host.read('real')).toEqual({ error: 'it is a directory', reason: 'unreadable' });
    expect(host.read('inside')).toEqual({ error: 'it is a directory', reason: 'unreadable' });
  });

  it('knows a folder\'s real path from its parent\'s, symlinked folders and roots included', () => {
    const dir = repo({ 'a/b/c/f.yml': '', 'x/y/g.yml': '' });
    symlinkSync('../x', join(dir, 'a/link'));
    symlinkSync('a/link', join(dir, 'chain'));
    const folders = new RealFolders();
    const real = realpathSync.native(dir);
    for (const [asked, expected] of [
      ['a/b/c', 'a/b/c'],
      ['a/link/y', 'x/y'],
      ['chain/y', 'x/y'],
      ['a/link', 'x'],
    ]) {
      expect(folders.get(join(dir, asked))).toBe(join(real, expected));
      expect(folders.get(join(dir, asked))).toBe(realpathSync.native(join(dir, asked)));
    }
    expect(folders.get('/')).toBe('/');
    expect(() => folders.get(join(dir, 'missing/deeper'))).toThrow(/ENOENT/);
  });

  it('lists the files under a prefix, sorted, from one walk of the tree', () => {
    const dir = repo({ 'ci/a.yml': '', 'ci/sub/b.yml': '', 'ci-x/c.yml': '', 'ci.yml': '', 'cia/d.yml': '', 'b.yml': '', '.git/HEAD': '', 'node_modules/m/x.yml': '' });
    const host = new FsHost(dir);
    expect(host.filesStartingWith('ci/')).toEqual(['ci/a.yml', 'ci/sub/b.yml']);
    expect(host.filesStartingWith('ci')).toEqual(['ci-x/c.yml', 'ci.yml', 'ci/a.yml', 'ci/sub/b.yml', 'cia/d.yml']);
    expect(host.filesStartingWith('')).toEqual(['b.yml', 'ci-x/c.yml', 'ci.yml', 'ci/a.yml', 'ci/sub/b.yml', 'cia/d.yml']);
    expect(host.filesStartingWith('zz')).toEqual([]);
  });

  it('reads through a root that is itself reached by a symlink', () => {
    const dir = repo({ 'p/.gitlab-ci.yml': 'a: 1\n' });
    symlinkSync('p', join(dir, 'alias'));
    expect(new FsHost(join(dir, 'alias')).read('.gitlab-ci.yml')).toMatchObject({ text: 'a: 1\n' });
  });
});

describe('projectRoot', () => {
  it('answers the same with a shared cache as without, nested roots included', () => {
    const dir = repo({
      'a/.gitlab-ci.yml': '',
      'a/ci/x.yml': '',
      'a/b/.git/HEAD': '',
      'a/b/deep/er/y.yml': '',
      'a/b/z.yml': '',
      'c/d/w.yml': '',
      'c/d/e/v.yml': '',
    });
    const files = ['a/ci/x.yml', 'a/b/deep/er/y.yml', 'a/b/z.yml', 'a/.gitlab-ci.yml', 'c/d/w.yml', 'c/d/e/v.yml', 'a/b/deep/er/y.yml'].map((f) => join(dir, f));
    const known = new Map<string, string | null>();
    const cached = files.map((f) => projectRoot(f, known));
    expect(cached).toEqual(files.map((f) => projectRoot(f)));
    expect(cached.slice(0, 4)).toEqual([join(dir, 'a'), join(dir, 'a/b'), join(dir, 'a/b'), join(dir, 'a')]);
    // No root above: a file resolves from its own folder, even when a folder above was looked at before.
    expect(cached.slice(4, 6)).toEqual([join(dir, 'c/d'), join(dir, 'c/d/e')]);
  });

  it('discovery knows each target\'s root without asking again, and agrees with projectRoot', () => {
    const dir = repo({
      'top/.gitlab-ci.yml': 'a: 1\n',
      'top/sub/x.gitlab-ci.yml': 'a: 1\n',
      'top/nested/.gitlab-ci.yml': 'a: 1\n',
      'top/nested/deeper/Jenkinsfile': 'pipeline { agent any }\n',
      'loose/ci/y.gitlab-ci.yml': 'a: 1\n',
      'gitdir/.git/HEAD': '',
      'gitdir/a/b/Jenkinsfile': 'node { }\n',
      'dangling/z.gitlab-ci.yml': 'a: 1\n',
    });
    symlinkSync('nowhere', join(dir, 'dangling/.gitlab-ci.yml'));
    const targets = discover(['.'], dir);
    expect(targets.map((t) => t.path)).toHaveLength(7);
    for (const t of targets) expect([t.path, t.root]).toEqual([t.path, projectRoot(t.path)]);
    expect(targets.find((t) => t.path.endsWith('deeper/Jenkinsfile'))?.root).toBe(join(dir, 'top/nested'));
    expect(targets.find((t) => t.path.endsWith('y.gitlab-ci.yml'))?.root).toBe(join(dir, 'loose/ci'));
    expect(targets.find((t) => t.path.endsWith('b/Jenkinsfile'))?.root).toBe(join(dir, 'gitdir'));
    // Walking a folder inside a project: the marker above the walk's start still counts.
    expect(discover(['top/sub'], dir).map((t) => t.root)).toEqual([join(dir, 'top')]);
  });
});
