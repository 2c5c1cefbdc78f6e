import { assignmentOfWord, literalPrefix, parseShell, unwrapCommand, wordTail } from '../../src/docker/shell.js';
import type { ParsedScript, ShellCommand, ShellWord } from '../../src/docker/shell.js';

/** Every exactly placed command and word slices back to its text. */
function expectSlicesBack(text: string, parsed: ParsedScript): void {
  for (const command of parsed.commands) {
    expect(command.start).toBeLessThanOrEqual(command.end);
    const words = [...(command.name ? [command.name] : []), ...command.args];
    for (const word of words) expect(word.start).toBeGreaterThanOrEqual(command.start);
    for (const word of [...words, ...command.assignments.flatMap((a) => (a.value ? [a.value] : []))]) {
      if (!word.approximate) expect(text.slice(word.start, word.end)).toBe(word.text);
    }
  }
}

function commandTexts(text: string): string[] {
  const parsed = parseShell(text);
  expectSlicesBack(text, parsed);
  return parsed.commands.map((c) => text.slice(c.start, c.end));
}

function names(text: string): (string | undefined)[] {
  return parseShell(text).commands.map((c) => c.name?.text);
}

function onlyCommand(text: string): ShellCommand {
  const { commands } = parseShell(text);
  expect(commands).toHaveLength(1);
  return commands[0];
}

describe('parseShell: finding commands', () => {
  const cases: [string, string, string[]][] = [
    ['a single command', 'docker info', ['docker info']],
    ['a list', 'docker info; docker ps\ndocker version', ['docker info', 'docker ps', 'docker version']],
    ['and/or chains', 'docker info && docker ps || echo down', ['docker info', 'docker ps', 'echo down']],
    ['pipelines', 'echo "$P" | docker login --password-stdin | tee log', ['echo "$P"', 'docker login --password-stdin', 'tee log']],
    ['negation and the time keyword', '! docker ps\ntime docker build .', ['docker ps', 'docker build .']],
    [
      'multi-line if blocks',
      'if [ -n "$X" ]; then\n  docker login -u u -p p\nelif true; then\n  docker ps\nelse\n  exit 1\nfi',
      ['[ -n "$X" ]', 'docker login -u u -p p', 'true', 'docker ps', 'exit 1'],
    ],
    ['while loops', 'while ! docker info; do sleep 1; done', ['docker info', 'sleep 1']],
    ['until loops', 'until docker info >/dev/null 2>&1; do sleep 1; done', ['docker info >/dev/null 2>&1', 'sleep 1']],
    ['for loops', 'for t in a b; do docker push "img:$t"; done', ['docker push "img:$t"']],
    ['case bodies', 'case "$X" in\n  a) docker ps ;;\n  *) docker info ;;\nesac', ['docker ps', 'docker info']],
    ['subshells and groups', '(cd x && docker build .)\n{ docker ps; }', ['cd x', 'docker build .', 'docker ps']],
    ['function bodies', 'build() {\n  docker build -t "$1" .\n}\nbuild x', ['docker build -t "$1" .', 'build x']],
    ['command substitutions', 'ID=$(docker create img)', ['ID=$(docker create img)', 'docker create img']],
    ['backquotes', 'echo `docker info`', ['echo `docker info`', 'docker info']],
    ['substitutions in double quotes', 'echo "id: $(docker ps -q)"', ['echo "id: $(docker ps -q)"', 'docker ps -q']],
    ['process substitutions', 'diff <(docker images) x', ['diff <(docker images) x', 'docker images']],
    ['substitutions in redirect targets', 'cat > "$(mktemp)"', ['cat > "$(mktemp)"', 'mktemp']],
    ['nested substitutions', 'echo $(echo $(docker ps))', ['echo $(echo $(docker ps))', 'echo $(docker ps)', 'docker ps']],
    ['line continuations', 'docker login \\\n  -u u \\\n  -p p reg', ['docker login \\\n  -u u \\\n  -p p reg']],
    ['comments', '# docker ps\ndocker info # docker login -p x', ['docker info']],
    ['test commands with substitutions', '[[ -n $(docker ps -q) ]]', ['docker ps -q']],
    ['coprocesses', 'coproc dockerd', ['dockerd']],
  ];

  it.each(cases)('%s', (_, text, expected) => {
    expect(commandTexts(text)).toEqual(expected);
  });

  it('does not read a heredoc fed to a non-shell as commands', () => {
    expect(names('cat <<EOF > Dockerfile\nFROM alpine\nRUN docker ps\nEOF\ndocker build .')).toEqual(['cat', 'docker']);
  });

  it('lists commands in source order', () => {
    const parsed = parseShell('echo $(docker ps) && sudo docker info\nsh -c "docker version"');
    const starts = parsed.commands.map((c) => c.start);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(parsed.commands.map((c) => c.name?.text)).toEqual(['echo', 'docker', 'sudo', 'docker', 'sh', 'docker']);
  });

  it('lists a heredoc script after the commands written before its body', () => {
    // The heredoc's commands are found with `sh`, before `docker b` is reached.
    const parsed = parseShell('sh <<EOF && docker b\ndocker a\nEOF');
    expect(parsed.commands.map((c) => `${c.start} ${c.args[0]?.text ?? c.name?.text}`)).toEqual(['0 sh', '12 b', '21 a']);
  });

  it('reports bare assignments and redirect-only commands without a name', () => {
    const commands = parseShell('X=1 Y=\n> out.txt').commands;
    expect(commands.map((c) => c.name)).toEqual([undefined, undefined]);
    expect(commands[0].assignments.map((a) => [a.name, a.value?.text])).toEqual([
      ['X', '1'],
      ['Y', ''],
    ]);
  });
});

describe('parseShell: words', () => {
  const cases: [string, string, string | undefined][] = [
    ['plain', 'x', 'x'],
    ['single quotes', "'x y'", 'x y'],
    ['double quotes', '"x y"', 'x y'],
    ['mixed quoting', `"a"'b'c`, 'abc'],
    ['ANSI-C quotes', "$'a\\tb'", 'a\tb'],
    ['escaped space', 'a\\ b', 'a b'],
    ['escaped dollar', '\\$X', '$X'],
    ['escaped quote in double quotes', '"a\\"b"', 'a"b'],
    ['line continuation inside a word', 'ab\\\ncd', 'abcd'],
    ['globs stay literal', 'tcp://[::1]:2375', 'tcp://[::1]:2375'],
    ['star glob', '*.tar', '*.tar'],
    ['variable', '$X', undefined],
    ['braced variable', '${X}', undefined],
    ['default expansion', '${X:-y}', undefined],
    ['variable in double quotes', '"$X"', undefined],
    ['partial variable', 'img:$TAG', undefined],
    ['command substitution', '$(cat f)', undefined],
    ['arithmetic', '$((1+2))', undefined],
    ['brace expansion', '{a,b}', undefined],
    ['tilde', '~/.docker', undefined],
  ];

  it.each(cases)('%s: %s', (_, word, value) => {
    const text = `echo ${word}`;
    const arg = parseShell(text).commands[0].args[0];
    expect(arg.text).toBe(word);
    expect(arg.value).toBe(value);
    expect(text.slice(arg.start, arg.end)).toBe(word);
  });

  it('keeps variables verbatim in text', () => {
    const command = onlyCommand('docker build --build-arg V=${V:-1} -t "$CI_REGISTRY_IMAGE:${CI_COMMIT_TAG}" .');
    expect(command.args.map((a) => a.text)).toEqual(['build', '--build-arg', 'V=${V:-1}', '-t', '"$CI_REGISTRY_IMAGE:${CI_COMMIT_TAG}"', '.']);
  });

  it('gives prefix assignments with their value words', () => {
    const text = 'DOCKER_HOST=tcp://docker:2375 DOCKER_TLS_CERTDIR="" docker info';
    const command = onlyCommand(text);
    expect(command.name?.text).toBe('docker');
    expect(command.assignments.map((a) => [a.name, a.value?.text, a.value?.value, text.slice(a.start, a.end)])).toEqual([
      ['DOCKER_HOST', 'tcp://docker:2375', 'tcp://docker:2375', 'DOCKER_HOST=tcp://docker:2375'],
      ['DOCKER_TLS_CERTDIR', '""', '', 'DOCKER_TLS_CERTDIR=""'],
    ]);
  });

  it('keeps array assignments without a value word', () => {
    expect(onlyCommand('A=(x y)').assignments).toEqual([{ name: 'A', value: undefined, start: 0, end: 7 }]);
  });

  it('keeps assignment arguments (export) as one word', () => {
    const command = onlyCommand('export DOCKER_HOST=tcp://docker:2376 B="$X" C=(1)');
    expect(command.args.map((a) => [a.text, a.value])).toEqual([
      ['DOCKER_HOST=tcp://docker:2376', 'DOCKER_HOST=tcp://docker:2376'],
      ['B="$X"', undefined],
      ['C=(1)', undefined],
    ]);
  });

  it('leaves redirects out of the arguments', () => {
    const command = onlyCommand('docker build . > log 2>&1 <<< x');
    expect(command.args.map((a) => a.text)).toEqual(['build', '.']);
  });

  it('maps words inside substitutions to offsets in the whole text', () => {
    const text = 'X=1\necho "$(docker login -p secret reg)"';
    const login = parseShell(text).commands.find((c) => c.name?.text === 'docker');
    expect(login?.args.map((a) => text.slice(a.start, a.end))).toEqual(['login', '-p', 'secret', 'reg']);
  });
});

describe('parseShell: background', () => {
  const cases: [string, string, boolean[]][] = [
    ['a command with &', 'dockerd &\ndocker info', [true, false]],
    ['a list with &', 'dockerd > log 2>&1 & sleep 5', [true, false]],
    ['an and-list with &', 'a && b &', [true, true]],
    ['a subshell with &', '(dockerd --tls=false &)', [true]],
    ['a group with &', '{ dockerd; echo x; } &\ndocker ps', [true, true, false]],
    ['a pipeline with &', 'dockerd 2>&1 | tee log &', [true, true]],
    ['a wrapped command with &', 'nohup dockerd &', [true, true]],
  ];

  it.each(cases)('%s', (_, text, expected) => {
    expect(parseShell(text).commands.map((c) => c.background)).toEqual(expected);
  });
});

describe('parseShell: wrapped commands', () => {
  const cases: [string, string, string[]][] = [
    ['sudo', 'sudo docker ps', ['sudo docker ps', 'docker ps']],
    ['sudo with flags', 'sudo -E docker ps', ['sudo -E docker ps', 'docker ps']],
    ['sudo with an option value', 'sudo -u root -E docker ps', ['sudo -u root -E docker ps', 'docker ps']],
    ['sudo with a clustered option value', 'sudo -Eu root docker ps', ['sudo -Eu root docker ps', 'docker ps']],
    ['sudo with --user=', 'sudo --user=root docker ps', ['sudo --user=root docker ps', 'docker ps']],
    ['sudo with --', 'sudo -- docker ps', ['sudo -- docker ps', 'docker ps']],
    ['exec', 'exec dockerd --host=tcp://0.0.0.0:2375', ['exec dockerd --host=tcp://0.0.0.0:2375', 'dockerd --host=tcp://0.0.0.0:2375']],
    ['time as a program', '/usr/bin/time -v docker build .', ['/usr/bin/time -v docker build .', 'docker build .']],
    ['nohup', 'nohup dockerd', ['nohup dockerd', 'dockerd']],
    ['env with assignments', 'env -u X A=1 docker ps', ['env -u X A=1 docker ps', 'docker ps']],
    ['command', 'command docker ps', ['command docker ps', 'docker ps']],
    ['timeout', 'timeout -s KILL 60 docker ps', ['timeout -s KILL 60 docker ps', 'docker ps']],
    ['nice', 'nice -n 10 docker build .', ['nice -n 10 docker build .', 'docker build .']],
    ['nested wrappers', 'sudo env A=1 nohup docker ps', ['sudo env A=1 nohup docker ps', 'env A=1 nohup docker ps', 'nohup docker ps', 'docker ps']],
  ];

  it.each(cases)('%s', (_, text, expected) => {
    expect(commandTexts(text)).toEqual(expected);
  });

  it.each([
    ['command -v docker'],
    ['sudo -l docker'],
    ['env'],
    ['sudo -E'],
    ['exec > log 2>&1'],
    ['timeout 10'],
  ])('lists only the wrapper for %s', (text) => {
    expect(parseShell(text).commands).toHaveLength(1);
  });

  it('passes env assignments and prefix assignments to the wrapped command', () => {
    const text = 'A=0 env B=1 C="x y" docker ps';
    const docker = parseShell(text).commands[1];
    expect(docker.assignments.map((a) => [a.name, a.value?.text, a.value?.value, text.slice(a.start, a.end)])).toEqual([
      ['A', '0', '0', 'A=0'],
      ['B', '1', '1', 'B=1'],
      ['C', '"x y"', 'x y', 'C="x y"'],
    ]);
    expect(text.slice(docker.assignments[2].value?.start, docker.assignments[2].value?.end)).toBe('"x y"');
  });

  it('drops the environment where the wrapper resets it', () => {
    expect(parseShell('A=0 sudo docker ps').commands[1].assignments).toEqual([]);
    expect(parseShell('A=0 sudo -E docker ps').commands[1].assignments.map((a) => a.name)).toEqual(['A']);
    expect(parseShell('A=0 sudo DOCKER_HOST=x docker ps').commands[1].assignments.map((a) => a.name)).toEqual(['DOCKER_HOST']);
    expect(parseShell('A=0 env -i B=1 docker ps').commands[1].assignments.map((a) => a.name)).toEqual(['B']);
  });

  it('keeps the wrapper background flag and the range up to the wrapper end', () => {
    const text = 'sudo docker run -d img &';
    const docker = parseShell(text).commands[1];
    expect(docker.background).toBe(true);
    expect(text.slice(docker.start, docker.end)).toBe('docker run -d img');
  });

  it('unwrapCommand returns undefined for commands that are not wrappers', () => {
    expect(unwrapCommand(onlyCommand('docker ps'))).toBeUndefined();
    expect(unwrapCommand(onlyCommand('X=1'))).toBeUndefined();
  });
});

describe('parseShell: scripts run by a shell', () => {
  function dockerCommands(text: string): { text: string; approximate: boolean; args: (string | undefined)[] }[] {
    const parsed = parseShell(text);
    expectSlicesBack(text, parsed);
    return parsed.commands
      .filter((c) => c.name?.value === 'docker')
      .map((c) => ({ text: text.slice(c.start, c.end), approximate: c.approximate === true, args: c.args.map((a) => a.value) }));
  }

  it('maps a single-quoted sh -c string exactly', () => {
    expect(dockerCommands("sh -c 'docker login -p x reg'")).toEqual([{ text: 'docker login -p x reg', approximate: false, args: ['login', '-p', 'x', 'reg'] }]);
  });

  it('maps a double-quoted string without escapes exactly, keeping its expansions dynamic', () => {
    expect(dockerCommands('bash -c "docker login -p $PASS reg"')).toEqual([
      { text: 'docker login -p $PASS reg', approximate: false, args: ['login', '-p', undefined, 'reg'] },
    ]);
  });

  it('maps commands of an escaped string to the string word', () => {
    const text = 'bash -c "docker login -p \\"$PASS\\" reg && docker push x"';
    const commands = dockerCommands(text);
    expect(commands.map((c) => c.text)).toEqual([text.slice(8), text.slice(8)]);
    expect(commands.every((c) => c.approximate)).toBe(true);
    expect(commands[0].args).toEqual(['login', '-p', undefined, 'reg']);
    const word = parseShell(text).commands[1].args[2];
    expect(word).toEqual({ text: '"$PASS"', start: 8, end: text.length, approximate: true });
  });

  it.each([
    ['bash -ec', "bash -ec 'docker ps'"],
    ['bash -o pipefail -c', "bash -o pipefail -c 'docker ps'"],
    ['bash -eo pipefail -c', "bash -eo pipefail -c 'docker ps'"],
    ['sh -x -c', "sh -x -c 'docker ps'"],
    ['a path to the shell', "/bin/sh -c 'docker ps'"],
    ['sudo sh -c', "sudo sh -c 'docker ps'"],
    ['bash --login -c', "bash --login -c 'docker ps'"],
  ])('understands %s', (_, text) => {
    expect(dockerCommands(text)).toEqual([{ text: 'docker ps', approximate: false, args: ['ps'] }]);
  });

  it('reads nested shells', () => {
    expect(dockerCommands(`sh -c "bash -c 'docker ps'"`)).toEqual([{ text: 'docker ps', approximate: false, args: ['ps'] }]);
  });

  it('lists a substitution inside the string once', () => {
    const text = 'sh -c "echo $(docker ps -q)"';
    expect(parseShell(text).commands.map((c) => text.slice(c.start, c.end))).toEqual([text, 'echo $(docker ps -q)', 'docker ps -q']);
  });

  it('lists a substitution inside an escaped string once', () => {
    const text = 'sh -c "echo \\"$(docker ps -q)\\""';
    expect(parseShell(text).commands.map((c) => c.name?.text)).toEqual(['sh', 'echo', 'docker']);
  });

  it('runs the embedded script in the background when the shell is', () => {
    const commands = parseShell("nohup sh -c 'dockerd -H tcp://0.0.0.0:2375' &\ndocker info").commands;
    expect(commands.map((c) => [c.name?.text, c.background])).toEqual([
      ['nohup', true],
      ['sh', true],
      ['dockerd', true],
      ['docker', false],
    ]);
  });

  it('does not read scripts run from files or dynamic strings', () => {
    expect(names('sh build.sh docker ps')).toEqual(['sh']);
    expect(names('sh -c "$CMD"')).toEqual(['sh', '$CMD']);
    expect(names('sh -c')).toEqual(['sh']);
    expect(names("echo -c 'docker ps'")).toEqual(['echo']);
  });

  it('reads a quoted heredoc fed to a shell with exact offsets', () => {
    const text = "sudo bash <<'EOF'\ndockerd -H tcp://0.0.0.0:2375 &\nEOF\ndocker info";
    expect(commandTexts(text)).toEqual(["sudo bash <<'EOF'", "bash <<'EOF'", 'dockerd -H tcp://0.0.0.0:2375', 'docker info']);
  });

  it('reads an unquoted heredoc as written', () => {
    const text = 'sh -s <<EOF\ndocker login -p "$P" $(cat reg)\nEOF';
    expect(commandTexts(text)).toEqual(['sh -s <<EOF', 'docker login -p "$P" $(cat reg)', 'cat reg']);
  });

  it('reads a here-string fed to a shell', () => {
    expect(commandTexts('bash <<< "docker ps"')).toEqual(['bash <<< "docker ps"', 'docker ps']);
  });

  it('places commands in nested backquotes at the outer substitution', () => {
    const text = 'echo `echo \\`docker ps\\``';
    const parsed = parseShell(text);
    const docker = parsed.commands.find((c) => c.name?.text === 'docker');
    expect(docker).toMatchObject({ start: 5, end: text.length, approximate: true });
    expect(docker?.args.map((a) => a.text)).toEqual(['ps']);
  });
});

describe('parseShell: errors', () => {
  it('returns what it could parse with positioned errors', () => {
    const text = 'docker info\nif ; then\n';
    const parsed = parseShell(text);
    expect(parsed.commands.map((c) => c.name?.text)).toEqual(['docker']);
    expect(parsed.errors.length).toBeGreaterThan(0);
    for (const error of parsed.errors) {
      expect(error.start).toBeGreaterThanOrEqual(12);
      expect(error.message).toEqual(expect.any(String));
    }
  });

  it('maps errors inside an embedded script into the outer text', () => {
    const text = "echo ok; sh -c 'if ; then'";
    const parsed = parseShell(text);
    expect(parsed.errors.length).toBeGreaterThan(0);
    for (const error of parsed.errors) expect(error.start).toBeGreaterThanOrEqual(16);
  });

  it.each([
    ['an unterminated quote', 'docker login -p "secret'],
    ['an unterminated substitution', 'echo $(docker ps'],
    ['stray operators', ';; && || |'],
    ['an unterminated heredoc', 'sh <<EOF\ndocker ps'],
    ['deep nesting', '$('.repeat(500) + 'x' + ')'.repeat(500)],
    ['control characters', '\u0000\u0001 docker \u0007'],
    ['an empty script', ''],
  ])('never throws on %s', (_, text) => {
    expect(() => expectSlicesBack(text, parseShell(text))).not.toThrow();
  });

  it('parses a script of 10k lines', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      i % 2 === 0 ? `if [ -n "$X" ]; then sudo docker build -t "img:${i}" . && echo $(docker ps); fi` : `sh -c 'docker push img:${i}' | tee log`,
    );
    const parsed = parseShell(lines.join('\n'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.commands.filter((c) => c.name?.value === 'docker')).toHaveLength(15_000);
  });
});

describe('word helpers', () => {
  function word(text: string): ShellWord {
    return onlyCommand(`echo ${text}`).args[0];
  }

  it.each([
    ['--tag=x', '--tag=x'],
    ['--tag=$X', '--tag='],
    ['"--tag=$X"', '--tag='],
    ['--tag="$X"', '--tag='],
    ['"$X"', ''],
    ['-p"$P"', '-p'],
  ])('literalPrefix(%s) = %s', (text, prefix) => {
    expect(literalPrefix(word(text))).toBe(prefix);
  });

  it.each([
    ['--tag=x', 6, { text: 'x', value: 'x', start: 11, end: 12 }],
    ['--tag="a b"', 6, { text: '"a b"', value: 'a b', start: 11, end: 16 }],
    ['--tag=$X', 6, { text: '$X', start: 11, end: 13 }],
    ['"--tag=$X"', 6, { text: '$X', start: 12, end: 14 }],
    ["'--tag=x'", 6, { text: 'x', value: 'x', start: 12, end: 13 }],
    ['-pSECRET', 2, { text: 'SECRET', value: 'SECRET', start: 7, end: 13 }],
  ])('wordTail(%s, %d)', (text, length, expected) => {
    expect(wordTail(word(text), length)).toEqual(expected);
  });

  it('wordTail falls back to the whole word when the prefix is written with mixed quoting', () => {
    expect(wordTail(word('"--t"ag=x'), 6)).toEqual({ text: '"--t"ag=x', value: 'x', start: 5, end: 14, approximate: true });
  });

  it('assignmentOfWord splits NAME=value words', () => {
    expect(assignmentOfWord(word('A=1'))).toEqual({ name: 'A', value: { text: '1', value: '1', start: 7, end: 8 }, start: 5, end: 8 });
    expect(assignmentOfWord(word('A=$X'))?.value).toEqual({ text: '$X', start: 7, end: 9 });
    expect(assignmentOfWord(word('-A=1'))).toBeUndefined();
    expect(assignmentOfWord(word('1A=1'))).toBeUndefined();
  });
});
