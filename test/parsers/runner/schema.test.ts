import { makeSourceFile, positionAt } from '../../../src/model/source.js';
import { validateRunnerConfig } from '../../../src/parsers/runner/schema.js';
import { closest, editDistance } from '../../../src/parsers/runner/suggest.js';
import { loadToml } from '../../../src/parsers/toml/load.js';

const FIRST_TOKEN = 'glrt-t0k3nV4lu3-DoNotLeak';
const S3_SECRET = 's3cr3t-Example-Key';
const SSH_PASSWORD = 'hunter2-Pass';

/** A realistic fleet config: three runners (docker, kubernetes, ssh), comments, inline and multi-line arrays. */
const VALID = `# GitLab Runner configuration for the build fleet.
concurrent = 8
check_interval = 3
log_level = "info"
log_format = "json"
shutdown_timeout = 30
connection_max_age = "15m"
listen_address = ":9252"

[session_server]
  listen_address = "[::]:8093"
  advertise_address = "runner.example.com:8093"
  session_timeout = 1800

[[runners]]
  name = "build-1"
  url = "https://gitlab.example.com/"
  id = 42
  token = "${FIRST_TOKEN}"
  token_obtained_at = 2024-05-01T10:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker"
  limit = 4
  request_concurrency = 2
  output_limit = 8192
  environment = ["DOCKER_DRIVER=overlay2", "GIT_DEPTH=10"]
  pre_get_sources_script = """
    git config --global http.sslVerify true
  """
  unhealthy_interval = "1h30m"
  [runners.feature_flags]
    FF_NETWORK_PER_BUILD = true
  [runners.custom_build_dir]
    enabled = true
  [runners.cache]
    Type = "s3"
    Shared = true
    [runners.cache.s3]
      ServerAddress = "s3.amazonaws.com"
      AccessKey = "AKIAEXAMPLEACCESS"
      SecretKey = "${S3_SECRET}"
      BucketName = "runner-cache"
      BucketLocation = "eu-west-1"
  [runners.docker]
    image = "alpine:3.20"
    privileged = false
    tls_verify = false
    disable_cache = false
    shm_size = 0
    pull_policy = ["if-not-present", "always"]
    volumes = [
      "/cache",
      "/certs/client", # shared with the dind service
    ]
    allowed_images = ["alpine:*", "golang:*"]
    [[runners.docker.services]]
      name = "docker:27-dind"
      alias = "docker"
      command = ["--tls=true"]

[[runners]]
  name = "k8s"
  url = "https://gitlab.example.com/"
  token = "glrt-an0ther-T0ken"
  executor = "kubernetes"
  [runners.kubernetes]
    namespace = "ci"
    image = "alpine:3.20"
    privileged = true
    allow_privilege_escalation = false
    cpu_request = "500m"
    memory_limit = "2Gi"
    poll_timeout = 600
    pull_policy = "if-not-present"
    service_account = "runner"
    [runners.kubernetes.node_selector]
      "kubernetes.io/arch" = "amd64"
    [runners.kubernetes.pod_labels]
      team = "platform"
    [runners.kubernetes.pod_security_context]
      run_as_non_root = true
      run_as_user = 1000
      fs_group = 1000
    [runners.kubernetes.build_container_security_context]
      [runners.kubernetes.build_container_security_context.capabilities]
        drop = ["ALL"]
    [runners.kubernetes.volumes]
      [[runners.kubernetes.volumes.host_path]]
        name = "docker-sock"
        mount_path = "/var/run/docker.sock"
        host_path = "/var/run/docker.sock"
        read_only = true
      [[runners.kubernetes.volumes.empty_dir]]
        name = "certs"
        mount_path = "/certs/client"
        medium = "Memory"
    [[runners.kubernetes.services]]
      name = "postgres:16"
      alias = "db"

[[runners]]
  url = "https://gitlab.example.com/"
  token = "glrt-th1rd"
  executor = "ssh"
  shell = "bash"
  [runners.ssh]
    host = "deploy.example.com"
    port = "22"
    user = "ci"
    password = "${SSH_PASSWORD}"
`;

interface Found {
  line: number;
  message: string;
}

function lint(text: string): Found[] {
  const file = makeSourceFile('/repo/config.toml', 'config.toml', text);
  const loaded = loadToml(file, text);
  if (!loaded.root) throw new Error(`fixture does not parse: ${loaded.error?.message}`);
  return validateRunnerConfig(loaded.root).map((f) => ({ line: positionAt(file, f.span.start).line, message: f.message }));
}

/** VALID with one unique piece of text replaced, so each broken config holds exactly one mistake. */
function edit(from: string, to: string): string {
  expect(VALID.split(from)).toHaveLength(2);
  return VALID.replace(from, to);
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

const EXECUTORS = 'shell, ssh, parallels, virtualbox, docker, docker-windows, docker+machine, docker-autoscaler, instance, kubernetes, custom';

describe('validateRunnerConfig', () => {
  it('accepts a realistic config with docker, kubernetes and ssh runners', () => {
    expect(lint(VALID)).toEqual([]);
  });

  it('accepts an empty file and a Helm-style config with only runner sections', () => {
    expect(lint('')).toEqual([]);
    expect(lint('[[runners]]\n  [runners.kubernetes]\n    namespace = "ci"\n')).toEqual([]);
  });

  const broken: { name: string; from: string; to: string; at: string; message: string }[] = [
    {
      name: 'a misspelt key in [runners.docker]',
      from: '    privileged = false\n',
      to: '    privilegd = false\n',
      at: 'privilegd',
      message: 'unknown key `privilegd` in [runners.docker] of runner "build-1"; did you mean `privileged`?',
    },
    {
      name: 'a quoted boolean',
      from: '    privileged = false\n',
      to: '    privileged = "false"\n',
      at: '"false"',
      message: '`privileged` in [runners.docker] of runner "build-1" must be true or false, not a string',
    },
    {
      name: 'an executor spelt with a dash',
      from: 'executor = "docker"',
      to: 'executor = "docker-machine"',
      at: '"docker-machine"',
      message: `\`executor\` in [[runners]] "build-1" must be one of ${EXECUTORS}; did you mean \`docker+machine\`?`,
    },
    {
      name: 'an allowlist written as a single string',
      from: 'allowed_images = ["alpine:*", "golang:*"]',
      to: 'allowed_images = "alpine:*"',
      at: 'allowed_images',
      message: '`allowed_images` in [runners.docker] of runner "build-1" must be an array, not a string',
    },
    {
      name: 'a number inside a multi-line array',
      from: '      "/cache",\n',
      to: '      "/cache",\n      8080,\n',
      at: '8080',
      message: 'item 2 of `volumes` in [runners.docker] of runner "build-1" must be a string, not a number',
    },
    {
      name: 'a misspelt pull policy in a list',
      from: 'pull_policy = ["if-not-present", "always"]',
      to: 'pull_policy = ["if-not-present", "allways"]',
      at: '"allways"',
      message: 'item 2 of `pull_policy` in [runners.docker] of runner "build-1" must be one of always, never, if-not-present; did you mean `always`?',
    },
    {
      name: 'a misspelt single pull policy',
      from: 'pull_policy = "if-not-present"',
      to: 'pull_policy = "if-not-presnt"',
      at: '"if-not-presnt"',
      message: '`pull_policy` in [runners.kubernetes] of runner "k8s" must be one of always, never, if-not-present; did you mean `if-not-present`?',
    },
    {
      name: 'a pull policy of neither accepted type',
      from: 'pull_policy = "if-not-present"',
      to: 'pull_policy = 1',
      at: 'pull_policy = 1',
      message: '`pull_policy` in [runners.kubernetes] of runner "k8s" must be a string or an array, not a number',
    },
    {
      name: 'a CPU request written as a number',
      from: 'cpu_request = "500m"',
      to: 'cpu_request = 1',
      at: 'cpu_request',
      message: '`cpu_request` in [runners.kubernetes] of runner "k8s" must be a string, not a number',
    },
    {
      name: 'a misspelt key in a host_path volume',
      from: '        mount_path = "/var/run/docker.sock"\n',
      to: '        mount_pth = "/var/run/docker.sock"\n',
      at: 'mount_pth',
      message: 'unknown key `mount_pth` in [[runners.kubernetes.volumes.host_path]] "docker-sock" of runner "k8s"; did you mean `mount_path`?',
    },
    {
      name: 'read_only quoted in a host_path volume',
      from: 'read_only = true',
      to: 'read_only = "yes"',
      at: '"yes"',
      message: '`read_only` in [[runners.kubernetes.volumes.host_path]] "docker-sock" of runner "k8s" must be true or false, not a string',
    },
    {
      name: 'an unknown kind of kubernetes volume',
      from: '[[runners.kubernetes.volumes.empty_dir]]',
      to: '[[runners.kubernetes.volumes.emptydir]]',
      at: 'runners.kubernetes.volumes.emptydir',
      message: 'unknown key `emptydir` in [runners.kubernetes.volumes] of runner "k8s"; did you mean `empty_dir`?',
    },
    {
      name: 'a node selector value that is not a string',
      from: '"kubernetes.io/arch" = "amd64"',
      to: '"kubernetes.io/arch" = true',
      at: '"kubernetes.io/arch" = true',
      message: '`kubernetes.io/arch` in [runners.kubernetes.node_selector] of runner "k8s" must be a string, not a boolean',
    },
    {
      name: 'a feature flag written as a string',
      from: 'FF_NETWORK_PER_BUILD = true',
      to: 'FF_NETWORK_PER_BUILD = "true"',
      at: 'FF_NETWORK_PER_BUILD',
      message: '`FF_NETWORK_PER_BUILD` in [runners.feature_flags] of runner "build-1" must be true or false, not a string',
    },
    {
      name: 'a misspelt key in a docker service',
      from: '      alias = "docker"\n',
      to: '      aliass = "docker"\n',
      at: 'aliass',
      message: 'unknown key `aliass` in [[runners.docker.services]] "docker:27-dind" of runner "build-1"; did you mean `alias`?',
    },
    {
      name: 'a misspelt key in an unnamed runner',
      from: '  shell = "bash"\n',
      to: '  shel = "bash"\n',
      at: 'shel =',
      message: 'unknown key `shel` in [[runners]] #3; did you mean `shell`?',
    },
    {
      name: 'an ssh port written as a number in an unnamed runner',
      from: 'port = "22"',
      to: 'port = 22',
      at: 'port = 22',
      message: '`port` in [runners.ssh] of [[runners]] #3 must be a string, not a number',
    },
    {
      name: 'a duration written as a boolean',
      from: 'unhealthy_interval = "1h30m"',
      to: 'unhealthy_interval = true',
      at: 'unhealthy_interval',
      message: '`unhealthy_interval` in [[runners]] "build-1" must be a string or a whole number, not a boolean',
    },
    {
      name: 'a misspelt global key',
      from: 'concurrent = 8',
      to: 'concurent = 8',
      at: 'concurent',
      message: 'unknown key `concurent` in the global section; did you mean `concurrent`?',
    },
    {
      name: 'concurrent = 0, which the runner refuses',
      from: 'concurrent = 8',
      to: 'concurrent = 0',
      at: 'concurrent = 0',
      message: '`concurrent` must be at least 1',
    },
    {
      name: 'a log level GitLab Runner does not know',
      from: 'log_level = "info"',
      to: 'log_level = "inf"',
      at: 'log_level',
      message: '`log_level` must be one of debug, info, warn, warning, error, fatal, panic; did you mean `info`?',
    },
    {
      name: 'a misspelt key in [session_server]',
      from: '  session_timeout = 1800\n',
      to: '  session_timout = 1800\n',
      at: 'session_timout',
      message: 'unknown key `session_timout` in [session_server]; did you mean `session_timeout`?',
    },
    {
      name: 'a misspelt S3 key, matched without regard to case',
      from: 'BucketLocation = "eu-west-1"',
      to: 'bucketlocation = "eu-west-1"',
      at: 'bucketlocation',
      message: 'unknown key `bucketlocation` in [runners.cache.s3] of runner "build-1"; did you mean `BucketLocation`?',
    },
    {
      name: 'a docker key written in the runner table',
      from: '  limit = 4\n',
      to: '  limit = 4\n  privileged = true\n',
      at: 'privileged = true',
      message: 'unknown key `privileged` in [[runners]] "build-1"; it belongs in [runners.docker] or [runners.kubernetes]',
    },
    {
      name: 'a global key written under a runner',
      from: '    shm_size = 0\n',
      to: '    shm_size = 0\n    concurrent = 2\n',
      at: 'concurrent = 2',
      message: 'unknown key `concurrent` in [runners.docker] of runner "build-1"; it belongs in the global section',
    },
    {
      name: 'a key with no near match',
      from: '    shm_size = 0\n',
      to: '    shm_size = 0\n    frobnicate = 1\n',
      at: 'frobnicate',
      message: 'unknown key `frobnicate` in [runners.docker] of runner "build-1"',
    },
  ];

  it.each(broken)('reports $name once, where it is written', ({ from, to, at, message }) => {
    const text = edit(from, to);
    expect(lint(text)).toEqual([{ line: lineOf(text, at), message }]);
  });

  it('tells [runners] from [[runners]]', () => {
    const text = 'concurrent = 2\n\n[runners]\n  name = "one"\n  executor = "shell"\n';
    expect(lint(text)).toEqual([
      { line: 3, message: '`runners` must be an array of tables, written [[runners]], not a single table' },
    ]);
  });

  it('tells a table written where a list of strings belongs', () => {
    const text = edit('    shm_size = 0\n', '    shm_size = 0\n    [runners.docker.volumes]\n      cache = "/cache"\n');
    expect(lint(text)).toEqual([
      { line: lineOf(text, '[runners.docker.volumes]'), message: '`volumes` in [runners.docker] of runner "build-1" must be an array, not a table' },
    ]);
  });

  it('keeps two mistakes under the same shared definition apart', () => {
    const text = edit('pull_policy = ["if-not-present", "always"]', 'pull_policy = "allways"').replace(
      'pull_policy = "if-not-present"',
      'pull_policy = false',
    );
    expect(lint(text)).toEqual([
      {
        line: lineOf(text, '"allways"'),
        message: '`pull_policy` in [runners.docker] of runner "build-1" must be one of always, never, if-not-present; did you mean `always`?',
      },
      {
        line: lineOf(text, 'pull_policy = false'),
        message: '`pull_policy` in [runners.kubernetes] of runner "k8s" must be a string or an array, not a boolean',
      },
    ]);
  });

  it('points at each of several mistakes in one file', () => {
    const text = edit('    privileged = false\n', '    privilegd = false\n').replace('cpu_request = "500m"', 'cpu_request = 1');
    expect(lint(text).map((f) => f.line)).toEqual([lineOf(text, 'privilegd'), lineOf(text, 'cpu_request')]);
  });

  it('never quotes a token, a password or a secret key, whatever is wrong around them', () => {
    const text = VALID.replace(`token = "${FIRST_TOKEN}"`, `tokn = "${FIRST_TOKEN}"`)
      .replace('token = "glrt-an0ther-T0ken"', 'token = ["glrt-an0ther-T0ken"]')
      .replace(`SecretKey = "${S3_SECRET}"`, `SecretKey = ["${S3_SECRET}"]`)
      .replace(`password = "${SSH_PASSWORD}"`, `pasword = "${SSH_PASSWORD}"`)
      .replace('executor = "docker"', `executor = "${FIRST_TOKEN}"`);
    const findings = lint(text);
    expect(findings).toHaveLength(5);
    for (const { message } of findings) {
      for (const secret of [FIRST_TOKEN, 'glrt-an0ther-T0ken', S3_SECRET, SSH_PASSWORD, 'glrt-']) {
        expect(message).not.toContain(secret);
      }
    }
    expect(findings.map((f) => f.message)).toContain('unknown key `tokn` in [[runners]] "build-1"; did you mean `token`?');
  });
});

describe('closest', () => {
  it('finds near misses: a dropped letter, a swap, a changed separator, another case', () => {
    expect(closest('privilegd', ['image', 'privileged', 'volumes'])).toBe('privileged');
    expect(closest('exectuor', ['executor', 'shell'])).toBe('executor');
    expect(closest('docker-machine', ['docker', 'docker+machine', 'docker-windows'])).toBe('docker+machine');
    expect(closest('Privileged', ['privileged'])).toBe('privileged');
  });

  it('stays silent when nothing is close, and does not stretch short words', () => {
    expect(closest('frobnicate', ['privileged', 'image'])).toBeUndefined();
    expect(closest('ab', ['xy', 'abcde'])).toBeUndefined();
    expect(closest('anything', [])).toBeUndefined();
  });

  it('prefers the nearest candidate, then the first listed', () => {
    expect(closest('imag', ['images', 'image'])).toBe('image');
    expect(closest('cat', ['bat', 'hat'])).toBe('bat');
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
