import { parseDockerHost, isTcpHost } from './docker-host.js';
import { commandBasename, literalPrefix, wordTail } from './shell.js';
import type { ParsedScript, ShellCommand, ShellWord } from './shell.js';

export interface CliOption {
  /** As written, e.g. `-t`, `--tag`; for a short flag inside a cluster (`-it`) just that flag (`-t`). */
  name: string;
  /** Long name without dashes (`tag`); for short options no table knows, the letter itself. */
  canonical: string;
  /** The value word; for `--x=v` and `-pVALUE` a word covering only the value part. */
  value?: ShellWord;
  /** The word the option is written in. */
  word: ShellWord;
}

export type DockerProgram = 'docker' | 'dockerd' | 'buildah' | 'podman';

export interface DockerInvocation {
  command: ShellCommand;
  program: DockerProgram;
  /** As written: `['build']`, `['buildx', 'build']`, `['image', 'push']`; `[]` for dockerd. */
  subcommand: string[];
  /** Options before the subcommand (`-H`, `--tls`, `--config`, `--context`). */
  globalOptions: CliOption[];
  /** Options of the subcommand; for dockerd, all of its flags. */
  options: CliOption[];
  positionals: ShellWord[];
}

interface OptionSpec {
  canonical: string;
  takesValue: boolean;
}

type OptionTable = ReadonlyMap<string, OptionSpec>;

/**
 * Builds a table from entries like `'-t --tag'` (aliases of one option, long name last).
 * Unknown options are assumed to be flags, so only options that take a value strictly need
 * listing; known flags are listed so that short ones get their long canonical name.
 */
function optionTable(withValue: readonly string[], flags: readonly string[] = []): OptionTable {
  const table = new Map<string, OptionSpec>();
  const add = (entry: string, takesValue: boolean): void => {
    const names = entry.split(' ');
    const canonical = names[names.length - 1].replace(/^-+/, '');
    for (const name of names) table.set(name, { canonical, takesValue });
  };
  withValue.forEach((entry) => add(entry, true));
  flags.forEach((entry) => add(entry, false));
  return table;
}

function mergeTables(...tables: OptionTable[]): OptionTable {
  return new Map(tables.flatMap((table) => [...table]));
}

const DOCKER_GLOBAL = optionTable(
  ['-H --host', '--config', '-c --context', '-l --log-level', '--tlscacert', '--tlscert', '--tlskey'],
  ['--tls', '--tlsverify', '-D --debug', '-v --version', '--help'],
);

const PODMAN_GLOBAL = optionTable(
  [
    '--log-level', '--url', '-c --connection', '--identity', '--root', '--runroot', '--storage-driver', '--storage-opt',
    '--cgroup-manager', '--runtime', '--events-backend', '--tmpdir', '--module', '--hooks-dir', '--conmon',
    '--imagestore', '--network-cmd-path', '--ssh',
  ],
  ['-r --remote', '--syslog', '-v --version', '--help'],
);

const BUILDAH_GLOBAL = optionTable(
  [
    '--root', '--runroot', '--storage-driver', '--storage-opt', '--registries-conf', '--registries-conf-dir',
    '--short-name-alias-conf', '--userns-uid-map', '--userns-gid-map', '--log-level', '--cgroup-manager',
    '--default-mounts-file',
  ],
  ['--debug', '-v --version', '--help'],
);

// Options podman and buildah add to docker's, for pushing and pulling images.
const REGISTRY_ACCESS = optionTable(['--authfile', '--creds', '--cert-dir'], ['--tls-verify']);

const BUILD = mergeTables(
  optionTable(
    [
      '-t --tag', '-f --file', '--build-arg', '--target', '--label', '--platform', '--cache-from', '--cache-to', '--secret',
      '--ssh', '--network', '--iidfile', '-o --output', '--progress', '--builder', '--build-context', '--add-host',
      '--annotation', '--allow', '--attest', '--metadata-file', '--shm-size', '-m --memory', '--memory-swap', '--ulimit',
      '--cgroup-parent', '--isolation', '--security-opt', '--cpu-shares', '--cpuset-cpus', '--build-arg-file',
      '--format', '--jobs', '--runtime', '--userns', '-v --volume', '--layer-label', '--sign-by', '--timestamp',
      '--os', '--arch', '--variant', '--manifest', '--retry', '--retry-delay',
    ],
    [
      '--no-cache', '--pull', '--push', '--load', '-q --quiet', '--rm', '--force-rm', '--squash', '--compress', '--layers',
      '--disable-content-trust',
    ],
  ),
  REGISTRY_ACCESS,
);

const LOGIN = mergeTables(
  optionTable(['-u --username', '-p --password'], ['--password-stdin', '--get-login', '-v --verbose']),
  REGISTRY_ACCESS,
);

const RUN = optionTable(
  [
    '-v --volume', '--mount', '-e --env', '--env-file', '--name', '--network', '--net', '--network-alias', '--link',
    '-p --publish', '-w --workdir', '-u --user', '--entrypoint', '--cap-add', '--cap-drop', '--security-opt', '--device',
    '-h --hostname', '--add-host', '-l --label', '--label-file', '--platform', '--pull', '--restart', '--log-driver',
    '--log-opt', '-m --memory', '--memory-swap', '--cpus', '-c --cpu-shares', '--cpuset-cpus', '--shm-size', '--ulimit',
    '--ipc', '--pid', '--userns', '--uts', '--cgroupns', '--volumes-from', '--tmpfs', '--dns', '--dns-search',
    '--dns-option', '--gpus', '--stop-signal', '--stop-timeout', '--health-cmd', '--health-interval', '--cidfile',
    '--group-add', '--runtime', '--storage-opt', '--sysctl', '--expose', '--mac-address', '--ip', '--ip6',
    '-a --attach', '--detach-keys', '--domainname', '--isolation', '--kernel-memory', '--oom-score-adj',
    '--cgroup-parent', '--device-cgroup-rule', '--blkio-weight', '--pids-limit',
  ],
  [
    '--privileged', '--rm', '-d --detach', '-i --interactive', '-t --tty', '-P --publish-all', '--init', '--read-only',
    '--no-healthcheck', '--oom-kill-disable', '-q --quiet', '--sig-proxy', '--disable-content-trust',
  ],
);

// buildah's `run` executes a command in a working container, with a few options of its own.
const BUILDAH_RUN = mergeTables(RUN, optionTable(['--workingdir', '--isolation']));

const EXEC = optionTable(
  ['-e --env', '--env-file', '-u --user', '-w --workdir', '--detach-keys'],
  ['-d --detach', '-i --interactive', '-t --tty', '--privileged'],
);

const PUSH = mergeTables(
  optionTable(
    ['--platform', '--digestfile', '--compression-format', '-f --format', '--sign-by'],
    ['-a --all-tags', '-q --quiet', '--disable-content-trust'],
  ),
  REGISTRY_ACCESS,
);

const PULL = mergeTables(
  optionTable(['--platform', '--arch', '--os', '--variant'], ['-a --all-tags', '-q --quiet', '--disable-content-trust']),
  REGISTRY_ACCESS,
);

// buildah's `from` pulls an image and creates a working container from it.
const FROM = mergeTables(PULL, optionTable(['--name', '-v --volume', '--network', '--cap-add', '--security-opt']));

const IMAGE_TRANSFER: ReadonlyMap<string, OptionTable> = new Map([
  ['login', LOGIN],
  ['push', PUSH],
  ['pull', PULL],
  ['from', FROM],
]);

const NO_OPTIONS = optionTable([]);

const DOCKERD = optionTable(
  [
    '-H --host', '--tlscacert', '--tlscert', '--tlskey', '--data-root', '-g --graph', '-s --storage-driver', '--storage-opt',
    '--mtu', '--registry-mirror', '--insecure-registry', '--bip', '--config-file', '-l --log-level', '-G --group', '--dns',
    '--dns-opt', '--dns-search', '--exec-root', '-p --pidfile', '--default-address-pool', '--cgroup-parent', '--exec-opt',
    '--log-driver', '--log-opt', '--max-concurrent-downloads', '--max-concurrent-uploads', '--label', '--default-runtime',
    '--add-runtime', '--userns-remap', '--containerd', '-b --bridge', '--fixed-cidr', '--fixed-cidr-v6', '--ip',
    '--default-gateway', '--authorization-plugin', '--feature', '--shutdown-timeout', '--default-ulimit',
    '--default-cgroupns-mode', '--default-ipc-mode', '--http-proxy', '--https-proxy', '--no-proxy', '--metrics-addr',
    '--seccomp-profile', '--max-download-attempts',
  ],
  [
    '--tls', '--tlsverify', '-D --debug', '--experimental', '--iptables', '--ip6tables', '--ip-forward', '--ip-masq',
    '--icc', '--live-restore', '--userland-proxy', '--ipv6', '--rootless', '--init', '--selinux-enabled',
    '--no-new-privileges', '--validate', '-v --version', '--help',
  ],
);

/** Options a management command accepts before its own subcommand (`docker buildx --builder b build`). */
const MANAGEMENT_OPTIONS: ReadonlyMap<string, OptionTable> = new Map([
  ['buildx', optionTable(['--builder'], ['-D --debug'])],
  [
    'compose',
    optionTable(
      ['-f --file', '-p --project-name', '--env-file', '--profile', '--project-directory', '--ansi', '--progress', '--parallel'],
      ['--compatibility', '--dry-run'],
    ),
  ],
]);

const MANAGEMENT_COMMANDS = new Set([
  'builder', 'buildx', 'checkpoint', 'compose', 'config', 'container', 'context', 'image', 'manifest', 'network', 'node',
  'plugin', 'secret', 'service', 'stack', 'swarm', 'system', 'trust', 'volume', 'scout', 'machine', 'pod', 'generate',
  'play', 'kube', 'farm', 'artifact', 'source',
]);

/** How a subcommand parses: which options take values, and whether options may follow operands. */
interface SubcommandSpec {
  options: OptionTable;
  /** False for commands whose first operand starts another command line (`docker run image cmd -x`). */
  interspersed: boolean;
}

function subcommandSpec(program: DockerProgram, subcommand: readonly string[]): SubcommandSpec {
  const leaf = subcommand[subcommand.length - 1] ?? '';
  const parent = subcommand.length > 1 ? subcommand[0] : undefined;
  if (['build', 'bud', 'b'].includes(leaf) && (parent === undefined || ['image', 'builder', 'buildx'].includes(parent))) {
    return { options: BUILD, interspersed: true };
  }
  if (['run', 'create'].includes(leaf) && (parent === undefined || parent === 'container')) {
    return { options: program === 'buildah' ? BUILDAH_RUN : RUN, interspersed: false };
  }
  if (leaf === 'exec' && (parent === undefined || parent === 'container')) return { options: EXEC, interspersed: false };
  const table = parent === undefined || parent === 'image' ? IMAGE_TRANSFER.get(leaf) : undefined;
  if (table) return { options: table, interspersed: true };
  return { options: parent === undefined ? NO_OPTIONS : MANAGEMENT_OPTIONS.get(parent) ?? NO_OPTIONS, interspersed: true };
}

const PROGRAMS: ReadonlyMap<string, DockerProgram> = new Map([
  ['docker', 'docker'],
  ['dockerd', 'dockerd'],
  ['buildah', 'buildah'],
  ['podman', 'podman'],
  // The dind image's entrypoint and the rootless launcher pass their arguments to dockerd.
  ['dockerd-entrypoint.sh', 'dockerd'],
  ['dockerd-rootless.sh', 'dockerd'],
]);

const GLOBAL_OPTIONS: Record<Exclude<DockerProgram, 'dockerd'>, OptionTable> = {
  docker: DOCKER_GLOBAL,
  podman: PODMAN_GLOBAL,
  buildah: BUILDAH_GLOBAL,
};

export function parseDockerInvocation(cmd: ShellCommand): DockerInvocation | undefined {
  const executable = (commandBasename(cmd) ?? '').replace(/\.exe$/, '');
  const program = PROGRAMS.get(executable);
  if (!program) return undefined;
  if (program === 'dockerd') {
    const args = daemonArguments(executable, cmd.args);
    if (!args) return undefined;
    const { options, positionals } = parseOptions(args, DOCKERD, true);
    return { command: cmd, program, subcommand: [], globalOptions: [], options, positionals };
  }
  return parseClientInvocation(cmd, program);
}

/**
 * dockerd's arguments; for the dind entrypoint script, which runs dockerd when called with no
 * arguments, with flags only, or with `dockerd …`, and any other command otherwise.
 */
function daemonArguments(executable: string, args: readonly ShellWord[]): readonly ShellWord[] | undefined {
  if (executable !== 'dockerd-entrypoint.sh' || args.length === 0) return args;
  const first = literalPrefix(args[0]);
  if (first.startsWith('-')) return args;
  return args[0].value === 'dockerd' ? args.slice(1) : undefined;
}

function parseClientInvocation(cmd: ShellCommand, program: Exclude<DockerProgram, 'dockerd'>): DockerInvocation {
  const globals = parseOptions(cmd.args, GLOBAL_OPTIONS[program], false, true);
  const subcommand: string[] = [];
  const options: CliOption[] = [];
  let rest = cmd.args.slice(globals.consumed);
  const first = rest[0]?.value;
  if (first !== undefined) {
    subcommand.push(first);
    rest = rest.slice(1);
    if (MANAGEMENT_COMMANDS.has(first)) {
      const management = parseOptions(rest, MANAGEMENT_OPTIONS.get(first) ?? NO_OPTIONS, false);
      options.push(...management.options);
      rest = rest.slice(management.consumed);
      const second = rest[0]?.value;
      if (second !== undefined) {
        subcommand.push(second);
        rest = rest.slice(1);
      }
    }
  }
  const spec = subcommandSpec(program, subcommand);
  const parsed = parseOptions(rest, spec.options, spec.interspersed);
  return {
    command: cmd,
    program,
    subcommand,
    globalOptions: globals.options,
    options: [...options, ...parsed.options],
    positionals: parsed.positionals,
  };
}

interface ParsedOptions {
  options: CliOption[];
  positionals: ShellWord[];
  /** Words read as options (and a `--`) before the first operand, when not interspersed. */
  consumed: number;
}

/**
 * Reads options the way Go's pflag does: `--name value`, `--name=value`, clustered short flags
 * (`-it`), a short option's value attached (`-pSECRET`, `-p=SECRET`) or in the next word, and
 * `--` ending options. Boolean flags only take a value with `=` (`--tlsverify=false`).
 * When `interspersed` is false, the first operand ends option parsing; with `skipDynamic`, words
 * whose value is unknown (`$DOCKER_OPTS`) are skipped instead, as they most likely hold options.
 */
function parseOptions(
  words: readonly ShellWord[],
  table: OptionTable,
  interspersed: boolean,
  skipDynamic = false,
): ParsedOptions {
  const options: CliOption[] = [];
  const positionals: ShellWord[] = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index];
    const head = literalPrefix(word);
    if (word.value === '--') return { options, positionals: [...positionals, ...words.slice(index + 1)], consumed: index + 1 };
    if (head.length > 1 && head.startsWith('-')) {
      const read = head.startsWith('--') ? readLongOption(words, index, table) : readShortOptions(words, index, table);
      options.push(...read.options);
      index = read.next;
      continue;
    }
    if (skipDynamic && word.value === undefined) {
      index++;
      continue;
    }
    if (!interspersed) return { options, positionals: [...positionals, ...words.slice(index)], consumed: index };
    positionals.push(word);
    index++;
  }
  return { options, positionals, consumed: index };
}

/** Options read from one word (and its value word), and the index of the word after them. */
interface OptionsRead {
  options: CliOption[];
  next: number;
}

function readLongOption(words: readonly ShellWord[], index: number, table: OptionTable): OptionsRead {
  const word = words[index];
  const head = literalPrefix(word);
  const equals = head.indexOf('=');
  const name = equals >= 0 ? head.slice(0, equals) : head;
  const spec = table.get(name);
  const option: CliOption = { name, canonical: spec?.canonical ?? name.slice(2), word };
  if (equals >= 0) return { options: [{ ...option, value: wordTail(word, equals + 1) }], next: index + 1 };
  const next = words[index + 1];
  if (spec?.takesValue && next) return { options: [{ ...option, value: next }], next: index + 2 };
  return { options: [option], next: index + 1 };
}

function readShortOptions(words: readonly ShellWord[], index: number, table: OptionTable): OptionsRead {
  const word = words[index];
  const head = literalPrefix(word);
  const fullyKnown = word.value !== undefined;
  const options: CliOption[] = [];
  for (let i = 1; i < head.length; i++) {
    const name = `-${head[i]}`;
    const spec = table.get(name);
    const option: CliOption = { name, canonical: spec?.canonical ?? head[i], word };
    if (!spec?.takesValue) {
      options.push(option);
      continue;
    }
    const valueStart = head[i + 1] === '=' ? i + 2 : i + 1;
    if (valueStart < head.length || !fullyKnown) {
      options.push({ ...option, value: wordTail(word, valueStart) });
      return { options, next: index + 1 };
    }
    const next = words[index + 1];
    options.push(next ? { ...option, value: next } : option);
    return { options, next: next ? index + 2 : index + 1 };
  }
  return { options, next: index + 1 };
}

/**
 * The options of a `docker run` argument string written without the command (a Jenkins agent's `args`,
 * `image.inside(args)`): every word is read as an option or its value, and words only known at run time
 * are skipped, as they most likely hold options.
 */
export function parseRunOptions(words: readonly ShellWord[]): CliOption[] {
  return parseOptions(words, RUN, true, true).options;
}

/** Any program name `findDockerInvocations` knows, as a substring. */
const PROGRAM_NAME = new RegExp([...new Set(PROGRAMS.values())].join('|'));

/**
 * Whether a shell text may run a program `findDockerInvocations` knows, without parsing it: most
 * steps never name one, and parsing every step of every job is a fair share of a lint. A name may be
 * written with quotes, backslashes or line continuations inside it (`do"ck"er`, `d\ocker`), so those
 * are dropped before looking; an ANSI-C string (`$'\x64ocker'`) can spell anything, so it is parsed.
 */
export function mayInvokeDocker(text: string): boolean {
  if (PROGRAM_NAME.test(text) || text.includes("$'")) return true;
  return /["'\\]/.test(text) && PROGRAM_NAME.test(text.replace(/\\\r?\n|["'\\]/g, ''));
}

export function findDockerInvocations(script: ParsedScript): DockerInvocation[] {
  return script.commands.flatMap((command) => parseDockerInvocation(command) ?? []);
}

/**
 * A boolean flag's state the way pflag reads it: bare means true, `=false`/`=0`/`=f` false,
 * `=true`/`=1`/`=t` true; undefined when the value is dynamic or not a boolean.
 */
export function flagValue(option: CliOption): boolean | undefined {
  if (!option.value) return true;
  const value = option.value.value;
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}

/** Options of an invocation with the given canonical name, in order, global ones first. */
export function optionsNamed(inv: DockerInvocation, canonical: string): CliOption[] {
  return [...inv.globalOptions, ...inv.options].filter((option) => option.canonical === canonical);
}

/**
 * The `-H`/`--host` option of a dockerd told to listen on TCP while clients are not verified:
 * no `--tlsverify` (or `--tlsverify=false`) and no `DOCKER_TLS_VERIFY` in its environment.
 * `--tls` alone encrypts but lets any client in, so it does not count. A bare `host:port` is tcp
 * to dockerd. Hosts written as variables are not judged.
 */
export function dockerdListensInsecureTcp(inv: DockerInvocation): CliOption | undefined {
  if (inv.program !== 'dockerd' || daemonVerifiesClients(inv)) return undefined;
  return optionsNamed(inv, 'host').find((option) => {
    // `tcp://$IP:2375` is still known to be tcp from its literal start.
    const host = option.value ? parseDockerHost(option.value.value ?? literalPrefix(option.value)) : undefined;
    return host !== undefined && isTcpHost(host);
  });
}

function daemonVerifiesClients(inv: DockerInvocation): boolean {
  const verify = optionsNamed(inv, 'tlsverify').at(-1);
  if (verify) return flagValue(verify) !== false;
  // dockerd defaults --tlsverify to whether DOCKER_TLS_VERIFY is set and non-empty.
  // A value only known at run time is given the benefit of the doubt.
  return inv.command.assignments.some(
    (a) => a.name === 'DOCKER_TLS_VERIFY' && a.value !== undefined && (a.value.value === undefined || a.value.value !== ''),
  );
}
