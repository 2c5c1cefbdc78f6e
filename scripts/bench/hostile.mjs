// The hostile inputs of the robustness issue, each linted by the shipped CLI against a time budget.
// The tests (test/robustness/hostile.test.ts) check each outcome; this checks how long it takes, which a
// test must not. Run by `npm run bench`, or alone: `node scripts/bench/hostile.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'dist/cilint.cjs');

const repeat = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('');

const LINT = ['lint', '.', '--format', 'json', '--no-config'];
const dindJob = (i) =>
  `build${i}:\n  image: docker:27\n  services:\n    - docker:27-dind\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n` +
  `  script:\n    - docker build -t registry.example.com/app${i}:$CI_COMMIT_SHA .\n    - docker push registry.example.com/app${i}:$CI_COMMIT_SHA\n`;

/**
 * name, budget in seconds, files to write (string or Buffer), an optional setup on the folder (returning
 * its undoing), and the command's arguments when it is not a lint.
 */
const CASES = [
  ['YAML alias bomb (billion laughs)', 2, { '.gitlab-ci.yml': 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n' + repeat(9, (i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${repeat(10, () => `*${String.fromCharCode(97 + i)},`).slice(0, -1)}]\n`) + 'job:\n  script: echo\n' }],
  ['!reference tags standing for 10^9 script lines', 3, { '.gitlab-ci.yml': 'job:\n' + repeat(9, (i) => `  script:\n${repeat(10, () => `    - !reference [.r${i}, script]\n`)}.r${i}:\n`) + '  script:\n    - docker build .\n' }],
  ['100-level nesting', 2, { '.gitlab-ci.yml': 'build:\n  script: echo hi\n  variables:\n' + repeat(100, (i) => `${'  '.repeat(i + 2)}k${i}:\n`) + `${'  '.repeat(102)}leaf: 1\n` }],
  ['120 000 jobs', 20, { '.gitlab-ci.yml': repeat(120_000, (i) => `job${i}:\n  image: alpine:3.20\n  script: echo ${i}\n`) }],
  ['10 000 anchors and merges', 5, { '.gitlab-ci.yml': repeat(10_000, (i) => `.t${i}: &t${i}\n  image: docker:27\njob${i}:\n  <<: *t${i}\n  script: docker info\n`) }],
  ['a 20 MB file', 15, { '.gitlab-ci.yml': 'build:\n  image: alpine:3.20\n  script:\n' + `    - echo ${'x'.repeat(90)}\n`.repeat(Math.ceil((20 * 1024 * 1024) / 102)) }],
  ['NUL bytes', 2, { '.gitlab-ci.yml': Buffer.from('build:\n  script: echo\0hi\n') }],
  ['invalid UTF-8', 2, { '.gitlab-ci.yml': Buffer.from([0x62, 0x3a, 0x20, 0xc3, 0x28, 0x0a]) }],
  ['UTF-16 with a BOM', 2, { '.gitlab-ci.yml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('build:\n  script: echo hi\n', 'utf16le')]) }],
  ['an include cycle', 2, { '.gitlab-ci.yml': 'include: a.yml\njob:\n  script: echo\n', 'a.yml': 'include: b.yml\n', 'b.yml': 'include: a.yml\n' }],
  ['an include escaping the repository', 2, { '.gitlab-ci.yml': 'include: ../../etc/passwd\njob:\n  script: echo\n', '.git/HEAD': 'ref: refs/heads/main\n' }],
  ['an include that is a named pipe (FIFO)', 2, { '.gitlab-ci.yml': 'include: pipe.yml\njob:\n  script: echo\n' }, (dir) => void execFileSync('mkfifo', [join(dir, 'pipe.yml')])],
  ['a symlink loop', 2, { '.gitlab-ci.yml': 'include: loop.yml\njob:\n  script: echo\n' }, (dir) => symlinkSync('loop.yml', join(dir, 'loop.yml'))],
  ['an unreadable directory', 2, { 'ok/.gitlab-ci.yml': 'job:\n  script: echo\n', 'locked/.gitlab-ci.yml': 'job:\n  script: echo\n' }, (dir) => {
    chmodSync(join(dir, 'locked'), 0);
    return () => chmodSync(join(dir, 'locked'), 0o755);
  }],
  ['a Jenkinsfile with an unterminated triple-quoted string', 2, { Jenkinsfile: "pipeline {\n  agent any\n  stages { stage('b') { steps { sh '''\n    docker build .\n" + "    echo more\n".repeat(10_000) }],
  ['a TOML file with a duplicate table', 2, { 'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n  [runners.docker]\n    image = "alpine"\n' }],
  ['a runner config of 3 000 runners with 50 volumes each (7 MB)', 5, { 'config.toml': repeat(3_000, (i) => `[[runners]]\n  name = "r${i}"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = [${repeat(50, (v) => `"/cache${v}", `)}"/var/run/docker.sock:/var/run/docker.sock"]\n`) }],
  ['20 000 dind jobs without DOCKER_TLS_CERTDIR (a fix placed per finding)', 8, { '.gitlab-ci.yml': repeat(20_000, (i) => `build${i}:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build -t app${i} .\n\n`) }],
  ['20 000 dind jobs with disable comments, and 50 000 whole-file directives', 8, { '.gitlab-ci.yml': repeat(20_000, (i) => `# cilint-disable-next-line privileged-dind\nj${i}:\n  services: [docker:27-dind]  # cilint-disable-line missing-tls-certdir\n  script: [docker build .]\n`) + '# cilint-disable\n'.repeat(50_000) }, undefined, [...LINT, '--report-unused-disables']],
  ['a config file mapping 200 runner configs (1 000 runners) to 2 000 pipelines, 20 globs each', 15, {
    '.cilint.yml': `runners:\n${repeat(200, (r) => `  runners/r${r}/config.toml: [${Array.from({ length: 20 }, (_, g) => `"p/s${(r * 7 + g) % 2_000}/**"`).join(', ')}]\n`)}`,
    ...Object.fromEntries(Array.from({ length: 200 }, (_, r) => [`runners/r${r}/config.toml`, repeat(5, (k) => `[[runners]]\n  name = "r${r}-${k}"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n`)])),
    ...Object.fromEntries(Array.from({ length: 2_000 }, (_, p) => [`p/s${p}/.gitlab-ci.yml`, 'j:\n  services: [docker:27-dind]\n  script: [docker build .]\n'])),
  }, undefined, ['lint', '.', '--format', 'json']],
  ['20 000 global variables and 2 000 dind jobs', 5, { '.gitlab-ci.yml': `variables:\n${repeat(20_000, (i) => `  V${i}: "x${i}"\n`)}${repeat(2_000, (k) => `j${k}:\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [docker build -t a${k} .]\n`)}` }],
  ['`fix --strategy kaniko` of 20 000 global variables and 2 000 dind jobs', 8, { '.gitlab-ci.yml': `variables:\n${repeat(20_000, (i) => `  V${i}: "x${i}"\n`)}${repeat(2_000, (k) => `j${k}:\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [docker build -t a${k} .]\n`)}` }, undefined, ['fix', '.', '--no-config', '--strategy', 'kaniko']],
  ['150 wildcard includes in a repository of 100 000 files', 1.5, {
    '.gitlab-ci.yml': `include:\n${repeat(150, (i) => `  - "/ci/x${i}/*.yml"\n`)}j:\n  script: [echo]\n`,
    ...Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`ci/x${i}/a.yml`, `.a${i}:\n  image: alpine\n`])),
    ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`src/m${i % 200}/f${i}.py`, 'x = 1\n'])),
  }],
  ['a .gitignore of 10 000 rules over 10 000 files', 3, {
    '.gitignore': repeat(5_000, (i) => `/build${i}/\n*.tmp${i}\n`),
    '.gitlab-ci.yml': 'j:\n  script: [echo]\n',
    ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`src/m${i % 100}/f${i}.py`, 'x = 1\n'])),
  }],
  ['`fix --strategy buildkit` of 5 000 dind jobs and 2 000 runners', 30, { '.gitlab-ci.yml': repeat(5_000, (i) => `${dindJob(i)}\n`), 'config.toml': repeat(2_000, (i) => `[[runners]]\n  name = "r${i}"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n`) }, undefined, ['fix', '.', '--no-config', '--strategy', 'buildkit']],
  ['`fix --strategy kaniko` of one script of 30 000 lines (10 000 builds in conditions)', 15, { '.gitlab-ci.yml': 'build:\n  image: docker:27\n  services: [docker:27-dind]\n  script:\n    - |\n' + repeat(10_000, (i) => `      if [ -n "$X${i}" ]; then\n        docker build -t "img${i}:$(date +%s)" . > /dev/null 2>&1\n      fi\n`) }, undefined, ['fix', '.', '--no-config', '--strategy', 'kaniko']],
  ['`fix --strategy kaniko` of one pipeline of 60 000 docker commands', 10, { '.gitlab-ci.yml': 'build:\n  image: docker:27\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n  script:\n' + `    - ${Array.from({ length: 60_000 }, () => 'docker ps').join(' | ')}\n    - docker build -t app .\n` }, undefined, ['fix', '.', '--no-config', '--strategy', 'kaniko']],
  ['`fix --strategy kaniko` of 40 jobs each referencing a 1 000-line template 20 times', 10, { '.gitlab-ci.yml': `.t:\n  script:\n${repeat(1_000, (i) => `    - docker build -t app${i} .\n`)}` + repeat(40, (k) => `j${k}:\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n  script:\n${'    - !reference [.t, script]\n'.repeat(20)}`) }, undefined, ['fix', '.', '--no-config', '--strategy', 'kaniko']],
  ['`fix --strategy kaniko` of a pod of 1 500 privileged dind containers', 15, { Jenkinsfile: `podTemplate(containers: [\n${repeat(1_500, (i) => `    containerTemplate(name: 'dind${i}', image: 'docker:27-dind', privileged: true),\n    containerTemplate(name: 'cli${i}', image: 'docker:27', command: 'cat', ttyEnabled: true),\n`)}]) {\n  node(POD_LABEL) {\n${repeat(1_500, (i) => `    container('cli${i}') { sh 'docker build -t reg/app${i} .' }\n`)}  }\n}\n` }, undefined, ['fix', '.', '--no-config', '--strategy', 'kaniko']],
  ['`fix --strategy kaniko` of 5 000 dind jobs in one file', 15, { '.gitlab-ci.yml': repeat(5_000, (i) => `${dindJob(i)}\n`) }, undefined, ['fix', '.', '--no-config', '--strategy', 'kaniko']],
];

export function runHostile() {
  const rows = [];
  for (const [name, budget, files, setup, args = LINT] of CASES) {
    const dir = mkdtempSync(join(tmpdir(), 'cilint-hostile-'));
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    }
    const undo = setup?.(dir);
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, timeout: budget * 10_000 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    undo?.();
    rmSync(dir, { recursive: true, force: true });
    const clear = [0, 1, 2].includes(r.status) && !/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr);
    rows.push({ name, budget, seconds, status: r.status, ok: clear && seconds <= budget });
  }
  return rows;
}

export function printHostile(rows) {
  console.log('\nhostile inputs (exit 0/1/2 with no stack trace, within the budget)');
  for (const r of rows) {
    console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.seconds.toFixed(2).padStart(6)} s (budget ${String(r.budget).padStart(2)} s, exit ${r.status})  ${r.name}`);
  }
  const failed = rows.filter((r) => !r.ok).length;
  console.log(failed ? `${failed} hostile input(s) over budget or unclear` : 'every hostile input within budget');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printHostile(runHostile());
