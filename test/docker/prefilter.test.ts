import fc from 'fast-check';
import { findDockerInvocations, mayInvokeDocker } from '../../src/docker/docker-cli.js';
import { parseShell } from '../../src/docker/shell.js';

/** The pre-check skips parsing a step only when parsing would find no docker, dockerd, buildah or podman. */
const finds = (text: string) => findDockerInvocations(parseShell(text)).length > 0;

describe('mayInvokeDocker', () => {
  it.each([
    'docker build -t x .',
    '/usr/bin/docker push x',
    'docker.exe info',
    '"docker" build .',
    "d'ock'er build .",
    'd\\ocker build .',
    'dock\\\ner build .',
    "$'\\x64ocker' build .",
    'dockerd --host=tcp://0.0.0.0:2375',
    'dockerd-entrypoint.sh dockerd --tls=false',
    'buildah bud -t x .',
    'podman build .',
    'echo start && docker login -u u -p p',
  ])('finds what parsing finds in %j', (text) => {
    expect(finds(text)).toBe(true);
    expect(mayInvokeDocker(text)).toBe(true);
  });

  it.each(['echo hello', 'make test', 'npm ci && npm test', "printf '%s' \"$X\"", 'cat <<EOF\nhi\nEOF'])('skips %j', (text) => {
    expect(finds(text)).toBe(false);
    expect(mayInvokeDocker(text)).toBe(false);
  });

  it('never skips a step that runs a known program, however its name is quoted or split', () => {
    const piece = fc.constantFrom('"', "'", '\\', '\\\n', '""', "''", '');
    const program = fc.constantFrom('docker', 'dockerd', 'buildah', 'podman', '/usr/local/bin/docker');
    const spelled = fc.tuple(program, fc.array(fc.tuple(fc.nat(), piece), { maxLength: 4 })).map(([name, inserts]) => {
      let out = name;
      for (const [at, p] of inserts) {
        const i = at % (out.length + 1);
        out = out.slice(0, i) + p + out.slice(i);
      }
      return out;
    });
    const prefix = fc.constantFrom('', 'echo a; ', 'cd x && ', 'X=1 ', 'if true; then ', 'sudo ');
    fc.assert(
      fc.property(prefix, spelled, (pre, name) => {
        const text = `${pre}${name} build .${pre.startsWith('if') ? '; fi' : ''}`;
        if (finds(text)) expect(mayInvokeDocker(text)).toBe(true);
      }),
      { numRuns: 2000, seed: 20261123 },
    );
  });
});
