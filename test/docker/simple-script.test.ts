import fc from 'fast-check';
import { parseShell } from '../../src/docker/shell.js';
import { simpleCommands } from '../../src/docker/simple-script.js';

/** The fast path's reading must be the full parser's, word for word: same commands, offsets, values. */
function expectSameAsFullParse(text: string): void {
  expect(parseShell(text)).toEqual(parseShell(text, { fastPath: false }));
}

describe('simpleCommands: the lines it reads', () => {
  const lines = [
    'docker build --pull -t "$CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA" --build-arg N=0 .',
    'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
    'docker login -u ci -p "$PASS" registry.example.com',
    "docker run --rm -e 'A=b c' alpine:3.20 echo ok",
    'docker info && docker ps || echo down; docker version',
    'docker push ${IMAGE}:latest',
    'npm test -- --shard=2/6',
    '  docker   info  ',
    'echo "a{b}c (d) <e> f;g|h&i \'j\'"',
    'sh -c "docker ps"',
    'sudo -E docker build .',
    'x ;',
    '',
  ];
  it.each(lines)('reads %j as the full parser does', (line) => {
    expect(simpleCommands(line)).toBeDefined();
    expectSameAsFullParse(line);
  });

  it('gives each word its offsets and, when it expands nothing, its value', () => {
    expect(simpleCommands('docker login -p "$P" \'a b\' x"y"z')).toEqual([
      {
        start: 0,
        end: 32,
        words: [
          { text: 'docker', start: 0, end: 6, value: 'docker' },
          { text: 'login', start: 7, end: 12, value: 'login' },
          { text: '-p', start: 13, end: 15, value: '-p' },
          { text: '"$P"', start: 16, end: 20, value: undefined },
          { text: "'a b'", start: 21, end: 26, value: 'a b' },
          { text: 'x"y"z', start: 27, end: 32, value: 'xyz' },
        ],
      },
    ]);
  });

  it('splits commands at operators, with the operators outside them', () => {
    expect(simpleCommands('a | b||c&&d ;e')?.map((c) => [c.start, c.end])).toEqual([
      [0, 1],
      [4, 5],
      [7, 8],
      [10, 11],
      [13, 14],
    ]);
  });
});

describe('simpleCommands: what it leaves to the full parser', () => {
  const declined: [string, string][] = [
    ['a redirect', 'docker info > out'],
    ['a here-document', 'sh <<EOF\ndocker ps\nEOF'],
    ['a command substitution', 'ID=$(docker create img)'],
    ['backquotes', 'echo `docker info`'],
    ['an escape', 'docker login \\\n  -u u'],
    ['a second line', 'docker info\ndocker ps'],
    ['a comment', 'docker info # note'],
    ['a glob', 'docker load -i *.tar'],
    ['braces', 'echo {a,b}'],
    ['a tilde', 'docker --config ~/.docker info'],
    ['a subshell', '(docker info)'],
    ['a background command', 'dockerd &'],
    ['a keyword', 'time docker build .'],
    ['a declaration', 'export DOCKER_HOST=tcp://docker:2375'],
    ['an assignment before the command', 'DOCKER_HOST=x docker info'],
    ['a positional parameter', 'docker push "$1"'],
    ['a default value', 'docker push ${IMAGE:-app}'],
    ['a special parameter', 'echo $?'],
    ['an unterminated string', 'echo "abc'],
    ['an unterminated single quote', "echo 'abc"],
    ['an empty command', 'docker info && && docker ps'],
    ['a leading operator', '| docker ps'],
    ['a trailing pipe', 'docker ps |'],
    ['a case terminator', 'a ;; b'],
    ['a history expansion character', 'echo "hi!"'],
    ['non-ASCII text', 'echo "héllo"'],
  ];
  it.each(declined)('declines %s', (_, line) => {
    expect(simpleCommands(line)).toBeUndefined();
    expectSameAsFullParse(line);
  });
});

describe('simpleCommands: generated lines', () => {
  // Pieces of script lines, ordinary and tricky, joined at random: whatever the fast path reads must be
  // what the full parser reads.
  const piece = fc.constantFrom(
    'docker', 'login', 'build', '-t', '-p', '--password-stdin', 'app:1', '.', 'N=0', 'a=b', 'x', '/usr/bin/docker',
    ' ', ' ', ' ', '\t', '|', '||', '&&', ';', '&', ';;', '"', "'", '$', '$X', '${X}', '${X:-y}', '$1', '$?', '"$X"', '"a b"',
    "'a b'", '"a\'b"', '{', '}', '(', ')', '<', '>', '#', '*', '~', '\\', '`', '\n', '!', 'é', '=', '%', '^', '@', ',',
    'if', 'then', 'fi', 'time', 'export', 'in', 'sh', '-c', 'sudo', 'env', '-E', 'A=1',
  );
  it('reads every line it accepts as the full parser does', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        expectSameAsFullParse(pieces.join(''));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a good share of the generated lines, so the comparison above means something', () => {
    const sample = fc.sample(fc.array(piece, { maxLength: 14 }), { numRuns: 3000, seed: 1 });
    const accepted = sample.filter((pieces) => simpleCommands(pieces.join('')) !== undefined).length;
    expect(accepted).toBeGreaterThan(300);
  });
});
